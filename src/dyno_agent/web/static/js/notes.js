// Notes and references on bookings: the booking form's fields, the panel's rows and editor, the
// schedule's tooltip text and its search box. Notes are shown as text, never as markup.

import { api, errorText } from "./api.js";
import { append, debounce, field, h, replace, toast, vehicleName } from "./dom.js";
import { formatRange } from "./dates.js";
import { emit } from "./state.js";

export const NOTE_MAX = 2000;
export const REFERENCE_MAX = 64;
const REFERENCE_PATTERN = "[A-Za-z0-9][A-Za-z0-9 ._\\/#:\\-]*";

function noteInput(value = "") {
  return h("textarea", { rows: 3, maxlength: NOTE_MAX, placeholder: "e.g. waiting for tyres" }, value ?? "");
}

function referenceInput(value = "") {
  return h("input", {
    type: "text",
    maxlength: REFERENCE_MAX,
    pattern: REFERENCE_PATTERN,
    placeholder: "e.g. WO-4471",
    spellcheck: "false",
    autocomplete: "off",
    value: value ?? "",
    title: "Letters, digits, spaces and - _ . / # : (starting with a letter or digit)",
  });
}

/** The booking form's Note and Reference fields; `values()` gives what to send (empty left out). */
export function bookingNoteFields() {
  const note = noteInput();
  const reference = referenceInput();
  return {
    elements: [field("Reference (optional)", reference, "Test request or work order id"), field("Note (optional)", note)],
    values() {
      const body = {};
      if (note.value.trim()) body.notes = note.value;
      if (reference.value.trim()) body.reference = reference.value;
      return body;
    },
    clear() {
      note.value = "";
      reference.value = "";
    },
  };
}

/** The tooltip's extra lines for a booking bar: its reference and the note's first 200 characters. */
export function noteTooltip(allocation) {
  const parts = [];
  if (allocation.reference) parts.push(`Ref: ${allocation.reference}`);
  if (allocation.notes) {
    const note = allocation.notes.length > 200 ? `${allocation.notes.slice(0, 200)}…` : allocation.notes;
    parts.push(`Note: ${note}`);
  }
  return parts.length ? `\n${parts.join("\n")}` : "";
}

/** The panel's Reference and Note rows (as `dt`/`dd` pairs). */
export function noteRows(allocation) {
  return [
    h("dt", {}, "Reference"),
    h("dd", { class: "mono allocation-reference" }, allocation.reference || "—"),
    h("dt", {}, "Note"),
    h("dd", { class: "allocation-note" }, allocation.notes || "—"),
  ];
}

/** An "Edit note…" button and its form for the panel; `onChanged(updated)` after a save. */
export function noteEditor(allocation, { onChanged, fail }) {
  const note = noteInput(allocation.notes);
  const reference = referenceInput(allocation.reference);
  const form = h("form", { class: "stack note-form", hidden: true, "aria-label": "Note and reference" });
  append(
    form,
    field("Reference", reference, "Empty clears it"),
    field("Note", note, `At most ${NOTE_MAX} characters; empty clears it`),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Save note")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const updated = await api.patch(`allocations/${allocation.id}/notes`, { notes: note.value, reference: reference.value });
      toast(`Note on allocation #${allocation.id} saved.`, "success");
      onChanged(updated);
    } catch (err) {
      fail(err);
    }
  });
  const button = h("button", {
    type: "button",
    class: "btn",
    "aria-expanded": "false",
    onclick: (event) => {
      form.hidden = !form.hidden;
      event.currentTarget.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) note.focus();
    },
  }, "Edit note…");
  return { button, form };
}

/** The schedule's search box: bookings whose note or reference contains the text; a hit opens it. */
export function noteSearch() {
  const input = h("input", { type: "search", placeholder: "Search notes and refs", "aria-label": "Search notes and references", maxlength: 200 });
  const results = h("div", { class: "note-results", hidden: true, role: "region", "aria-label": "Note search results", "aria-live": "polite" });
  let seq = 0;

  function hit(allocation) {
    const what = `#${allocation.id} ${vehicleName(allocation.vehicle)} · ${allocation.test_type} · ${allocation.dyno?.name ?? "not placed"} · ${formatRange(allocation.start_date, allocation.end_date)}`;
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "btn btn-link note-hit",
          onclick: () => {
            results.hidden = true;
            emit("navigate", { view: "schedule", arg: { allocation } });
          },
        },
        what,
      ),
      allocation.reference ? h("span", { class: "badge mono" }, allocation.reference) : null,
      allocation.notes ? h("span", { class: "muted note-snippet" }, ` ${allocation.notes.slice(0, 120)}`) : null,
    );
  }

  const run = debounce(async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) {
      results.hidden = true;
      return;
    }
    try {
      const page = await api.get("allocations", { q, limit: 20 });
      if (mine !== seq) return;
      const more = page.total > page.items.length ? h("p", { class: "muted" }, `${page.items.length} of ${page.total} shown.`) : null;
      replace(
        results,
        page.items.length ? h("ul", { class: "note-hits" }, page.items.map(hit)) : h("p", { class: "muted" }, `No booking's note or reference mentions “${q}”.`),
        more,
      );
    } catch (err) {
      if (mine !== seq) return;
      replace(results, h("p", { class: "alert alert-error" }, errorText(err)));
    }
    results.hidden = false;
  }, 250);
  input.addEventListener("input", run);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") results.hidden = true;
  });
  return h("div", { class: "note-search" }, input, results);
}
