// The Chat view: conversations (search, new, delete), the transcript, and streamed turns.

import { api, errorText, streamEvents } from "./api.js";
import { append, confirmDialog, debounce, emptyState, errorBox, h, loading, replace, toast } from "./dom.js";
import { formatDateTime } from "./dates.js";
import { Transcript } from "./chat-transcript.js";
import { emit } from "./state.js";

const EXAMPLES = [
  "What's on MPG 3 next week?",
  "Which dynos can run a brake test next Monday for 2 days for a 4800 lb AWD?",
  "Book vehicle 5 for a brake test next Monday for 2 days",
  "Show the utilization report for March",
];

const SWITCHED = "switched"; // abort reason when the user opens another conversation

export function createChatView(root) {
  let conversationId = null;
  let controller = null;

  const search = h("input", { type: "search", placeholder: "Search conversations", "aria-label": "Search conversations" });
  const list = h("ul", { class: "conv-list", "aria-label": "Conversations" });
  const newButton = h("button", { type: "button", class: "btn btn-primary" }, "New conversation");
  const messages = h("div", { class: "transcript", "aria-live": "polite", "aria-label": "Messages" });
  const transcript = new Transcript(messages);
  const input = h("textarea", { rows: 2, placeholder: "Ask Dyno Agent… (Enter sends, Shift+Enter for a new line)", "aria-label": "Message", maxlength: 4000, required: true });
  const send = h("button", { type: "submit", class: "btn btn-primary" }, "Send");
  const stop = h("button", { type: "button", class: "btn", hidden: true }, "Stop");
  const composer = h("form", { class: "composer", "aria-label": "Send a message" }, input, h("div", { class: "composer-actions" }, send, stop));

  root.classList.add("chat");
  append(root, 
    h("aside", { class: "chat-side" }, newButton, search, list),
    h("div", { class: "chat-main" }, messages, composer),
  );

  function welcome() {
    return emptyState(
      "Ask Dyno Agent to find a free dyno, book or move a test, or show a schedule.",
      h(
        "div",
        { class: "examples" },
        EXAMPLES.map((text) =>
          h("button", { type: "button", class: "btn btn-chip", onclick: () => { input.value = text; input.focus(); } }, text),
        ),
      ),
    );
  }

  async function refreshList() {
    try {
      const page = await api.get("conversations", { q: search.value.trim(), limit: 100 });
      list.replaceChildren();
      if (page.items.length === 0) {
        list.append(h("li", { class: "muted" }, search.value.trim() ? "No conversation matches." : "No conversations yet."));
      }
      for (const conversation of page.items) {
        const open = h(
          "button",
          { type: "button", class: "conv-open", "aria-current": conversation.id === conversationId ? "true" : null, onclick: () => openConversation(conversation.id) },
          h("span", { class: "conv-title" }, conversation.title || "Untitled"),
          h("small", { class: "muted" }, formatDateTime(conversation.updated_at)),
        );
        const remove = h(
          "button",
          { type: "button", class: "btn btn-icon", "aria-label": `Delete conversation “${conversation.title}”`, title: "Delete", onclick: () => removeConversation(conversation) },
          "×",
        );
        list.append(h("li", { "data-id": conversation.id }, open, remove));
      }
    } catch (err) {
      replace(list, h("li", {}, errorBox(errorText(err))));
    }
  }

  function markCurrent() {
    for (const item of list.querySelectorAll("li[data-id]")) {
      const button = item.querySelector(".conv-open");
      if (item.dataset.id === conversationId) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
  }

  function newConversation() {
    controller?.abort(SWITCHED);
    conversationId = null;
    transcript.reset(welcome());
    markCurrent();
    input.focus();
  }

  async function openConversation(id) {
    controller?.abort(SWITCHED);
    conversationId = id;
    markCurrent();
    transcript.reset(loading("Loading the conversation…"));
    try {
      const detail = await api.get(`conversations/${id}`);
      if (conversationId !== id) return;
      transcript.reset();
      detail.messages.forEach((message, index) => {
        if (message.role === "assistant" && message.payload?.action) {
          const next = detail.messages[index + 1];
          const last = index === detail.messages.length - 1;
          const answered = next && typeof next.payload?.approve === "boolean" ? next.payload.approve : null;
          transcript.confirm(message.payload, last ? answer : null, answered);
        } else if (!(message.role === "user" && typeof message.payload?.approve === "boolean")) {
          transcript.stored(message); // an answer to a confirmation shows on its card instead
        }
      });
      if (detail.messages.length === 0) transcript.reset(welcome());
    } catch (err) {
      transcript.reset(errorBox(errorText(err)));
    }
  }

  async function removeConversation(conversation) {
    const ok = await confirmDialog({
      title: "Delete conversation?",
      message: `“${conversation.title}” and its messages will be deleted.`,
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(`conversations/${conversation.id}`);
      if (conversation.id === conversationId) newConversation();
      toast("Conversation deleted.");
    } catch (err) {
      toast(errorText(err), "error");
    }
    refreshList();
  }

  function busy(on) {
    send.disabled = on;
    stop.hidden = !on;
    messages.setAttribute("aria-busy", on ? "true" : "false");
  }

  async function runTurn(path, body) {
    controller = new AbortController();
    const mine = controller;
    busy(true);
    try {
      for await (const event of streamEvents(path, body, mine.signal)) {
        if (event.type === "conversation") {
          conversationId = event.id;
        } else if (event.type === "status") transcript.status(event.message);
        else if (event.type === "tool_call") transcript.toolCall(event.name, event.args);
        else if (event.type === "tool_result") transcript.toolResult(event.name, event.ok, event.summary);
        else if (event.type === "token") transcript.token(event.text);
        else if (event.type === "assistant") transcript.assistant(event.content);
        else if (event.type === "confirm") transcript.confirm(event, answer);
        else if (event.type === "error") transcript.error(event.message);
      }
    } catch (err) {
      if (!mine.signal.aborted) transcript.error(errorText(err));
      else if (mine.signal.reason !== SWITCHED) transcript.note("Stopped.");
    } finally {
      if (controller === mine) controller = null;
      if (mine.signal.reason !== SWITCHED) transcript.endTurn();
      busy(false);
      // A turn may have booked, cancelled or moved something: the schedule re-reads its data.
      emit("allocations-changed");
      refreshList();
    }
  }

  function answer(approve) {
    if (!conversationId) return;
    runTurn(`chat/${conversationId}/resume`, { approve });
  }

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || controller) return;
    input.value = "";
    transcript.user(text);
    runTurn("chat/stream", conversationId ? { message: text, conversation_id: conversationId } : { message: text });
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  stop.addEventListener("click", () => controller?.abort());
  newButton.addEventListener("click", newConversation);
  search.addEventListener("input", debounce(refreshList, 250));

  transcript.reset(welcome());
  let listed = false;
  return {
    show() {
      if (!listed) {
        listed = true;
        refreshList();
      }
      input.focus();
    },
    destroy() {
      controller?.abort(SWITCHED);
    },
  };
}
