// The messages of one conversation: bubbles, status and tool lines, confirmation cards, errors.

import { h, replace } from "./dom.js";
import { renderMarkdown } from "./markdown.js";

function argsText(args) {
  const parts = Object.entries(args || {})
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return parts.join(", ");
}

export class Transcript {
  constructor(root) {
    this.root = root;
    this.bubble = null; // the assistant bubble that `token` events append to
    this.statusLine = null;
    this.bubbleText = "";
    this.renderQueued = false;
  }

  reset(emptyState) {
    this.root.replaceChildren();
    this.bubble = null;
    if (emptyState) this.root.append(emptyState);
  }

  add(node) {
    this.root.querySelector(":scope > .empty")?.remove();
    const nearBottom = this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight < 80;
    this.root.append(node);
    if (nearBottom || node.classList.contains("msg-user")) this.root.scrollTop = this.root.scrollHeight;
    return node;
  }

  user(text) {
    this.bubble = null;
    return this.add(h("div", { class: "msg msg-user" }, h("div", { class: "msg-body" }, text)));
  }

  /** The turn's progress ("Thinking…", "Running a tool…"): one line, moved down as it changes. */
  status(text) {
    this.statusLine?.remove();
    this.statusLine = this.add(h("div", { class: "line line-status", role: "status" }, text));
    return this.statusLine;
  }

  /** A note that stays, e.g. "Stopped.". */
  note(text) {
    return this.add(h("div", { class: "line line-status" }, text));
  }

  endTurn() {
    this.statusLine?.remove();
    this.statusLine = null;
  }

  toolCall(name, args) {
    this.bubble = null;
    return this.add(
      h(
        "div",
        { class: "line line-tool", title: argsText(args) },
        h("span", { class: "line-icon", "aria-hidden": "true" }, "→"),
        h("code", {}, name),
        h("span", { class: "line-args" }, `(${argsText(args)})`),
      ),
    );
  }

  toolResult(name, ok, summary) {
    this.bubble = null;
    return this.add(
      h(
        "div",
        { class: `line line-result ${ok ? "ok" : "failed"}` },
        h("span", { class: "line-icon", "aria-label": ok ? "succeeded" : "failed" }, ok ? "✓" : "✗"),
        h("code", {}, name),
        h("span", {}, ` ${summary || ""}`),
      ),
    );
  }

  newBubble() {
    this.bubbleText = "";
    this.bubble = this.add(h("div", { class: "msg msg-assistant" }, h("div", { class: "msg-body markdown" })));
    return this.bubble;
  }

  renderBubble() {
    this.renderQueued = false;
    if (!this.bubble) return;
    replace(this.bubble.firstChild, renderMarkdown(this.bubbleText));
    this.root.scrollTop = this.root.scrollHeight;
  }

  token(text) {
    if (!this.bubble) this.newBubble();
    this.bubbleText += text;
    if (!this.renderQueued) {
      this.renderQueued = true;
      requestAnimationFrame(() => this.renderBubble());
    }
  }

  /** The whole assistant message: replaces what the tokens built, then closes the bubble. */
  assistant(content) {
    if (!this.bubble) this.newBubble();
    this.bubbleText = content;
    this.renderBubble();
    this.bubble = null;
  }

  error(message) {
    this.bubble = null;
    return this.add(h("div", { class: "alert alert-error line-error", role: "alert" }, message));
  }

  /** A pending action; `onAnswer(approve)` runs the resume. Without it the card is history. */
  confirm({ action, args, prompt }, onAnswer = null, answered = null) {
    this.bubble = null;
    const result = h("p", { class: "confirm-result" });
    const approve = h("button", { type: "button", class: "btn btn-primary" }, "Approve");
    const reject = h("button", { type: "button", class: "btn" }, "Reject");
    const card = h(
      "div",
      { class: "confirm-card", role: "group", "aria-label": "Confirmation" },
      h("p", { class: "confirm-title" }, "Confirmation needed"),
      h("div", { class: "markdown" }, renderMarkdown(prompt || action)),
      h("p", { class: "confirm-action" }, h("code", {}, action), h("span", { class: "line-args" }, ` (${argsText(args)})`)),
      onAnswer ? h("div", { class: "actions" }, approve, reject) : null,
      result,
    );
    const finish = (approved) => {
      approve.disabled = true;
      reject.disabled = true;
      card.classList.add("answered");
      result.textContent = approved ? "Approved." : "Rejected.";
    };
    if (answered !== null) finish(answered);
    const answer = (approved) => {
      finish(approved);
      onAnswer(approved);
    };
    approve.addEventListener("click", () => answer(true));
    reject.addEventListener("click", () => answer(false));
    this.add(card);
    if (onAnswer) approve.focus();
    return card;
  }

  /** A stored message from GET /conversations/{id} (confirmations are drawn by `confirm`). */
  stored(message) {
    const payload = message.payload || {};
    if (message.role === "user") return this.user(message.content);
    if (message.role === "tool") return this.toolResult(message.tool_name || "tool", payload.ok !== false, message.content);
    if (message.role === "error") return this.error(message.content);
    this.assistant(message.content);
    return null;
  }
}
