// Server-Sent Events over fetch(): events are `data: <json>` lines ended by a blank line.
// Chunks may split an event (or a "\r\n") anywhere, so text is buffered until an event is complete.

function parseBlock(block) {
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue; // comments (keep-alive pings)
    const colon = line.indexOf(":");
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "data") data.push(value);
  }
  if (data.length === 0) return undefined;
  try {
    return JSON.parse(data.join("\n"));
  } catch {
    return { type: "error", message: "The server sent an event that could not be read." };
  }
}

/** A push parser: feed text with push(), take complete events; end() flushes the rest. */
export function createParser() {
  let buffer = "";
  let heldCR = false; // a chunk ended in "\r": it may be the first half of "\r\n"

  function* drain() {
    let cut;
    while ((cut = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = parseBlock(block);
      if (event !== undefined) yield event;
    }
  }

  return {
    *push(text) {
      if (heldCR) text = `\r${text}`;
      heldCR = text.endsWith("\r");
      if (heldCR) text = text.slice(0, -1);
      buffer += text.replace(/\r\n?/g, "\n");
      yield* drain();
    },
    *end() {
      if (heldCR) buffer += "\n";
      heldCR = false;
      yield* drain();
      const rest = buffer;
      buffer = "";
      if (rest.trim()) {
        const event = parseBlock(rest);
        if (event !== undefined) yield event;
      }
    },
  };
}

/** Every event of a response body (a ReadableStream of bytes), in order. */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = createParser();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(value);
    }
    finished = true;
    yield* parser.end();
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
  }
}
