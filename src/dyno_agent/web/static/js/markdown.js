// Markdown to safe DOM: raw HTML in the text is shown as text, and the result is sanitised.

import { Marked } from "../vendor/marked/marked.esm.js";
import "../vendor/dompurify/purify.min.js"; // sets globalThis.DOMPurify

const DOMPurify = globalThis.DOMPurify;
const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  // A model (or the data it quotes) may contain HTML: never pass it through as markup.
  renderer: {
    html(token) {
      const text = escapeHtml(token.text ?? token.raw ?? "");
      return token.block ? `<p>${text}</p>` : text;
    },
  },
});

const ALLOWED_TAGS = [
  "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
  "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
];
const ALLOWED_ATTR = ["href", "title", "align", "start"];

/** A DocumentFragment with the rendered, sanitised Markdown. */
export function renderMarkdown(text) {
  const html = marked.parse(String(text ?? ""));
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/)/i,
    RETURN_DOM_FRAGMENT: true,
  });
  for (const table of fragment.querySelectorAll("table")) {
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    table.replaceWith(wrap);
    wrap.append(table);
  }
  for (const link of fragment.querySelectorAll("a")) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  return fragment;
}
