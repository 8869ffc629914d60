// Recurring bookings: the Book form's "Repeat" section (pattern, preview of the dates, book the
// series) and the allocation panel's series line (its dates, cancel the rest).

import { api, errorText } from "./api.js";
import { confirmDialog, errorBox, field, h, option, replace, toast } from "./dom.js";
import { formatDay, formatRange, weekdayIndex } from "./dates.js";
import { emit } from "./state.js";

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const KINDS = {
  weekly: (day) => `every ${day}`,
  biweekly: () => "every 2 weeks",
  "first-week": () => "first week of each month",
  "first-day": (day) => `first ${day} of each month`,
};

/** The pattern in the words the API reads, e.g. "every monday 6 times". */
export function patternText(kind, start, times) {
  const day = WEEKDAYS[weekdayIndex(start)];
  return `${KINDS[kind](day)} ${times} times`;
}

function occurrenceRow(o) {
  const when = formatRange(o.start_date ?? o.requested_start, o.end_date ?? o.requested_end);
  if (o.problem) return h("li", { class: "series-blocked" }, `${formatDay(o.requested_start)}: not free — ${o.problem.message}`);
  const shifted = o.shift_days ? ` (${o.shift_days} day${o.shift_days === 1 ? "" : "s"} later)` : "";
  return h("li", {}, `${when} on ${o.dyno_name}${shifted}`);
}

/**
 * The "Repeat" section under the Book form. `current()` gives { vehicle, testType, start, days }
 * from the form; nothing is booked before "Book the series" (after a preview).
 */
export function createRepeatSection(current) {
  const enabled = h("input", { type: "checkbox", id: "repeat-on" });
  const kind = h(
    "select",
    { id: "repeat-kind" },
    option("weekly", "Every week (the start's weekday)", true),
    option("biweekly", "Every 2 weeks"),
    option("first-week", "First week of each month"),
    option("first-day", "First weekday of each month (the start's)"),
  );
  const times = h("input", { type: "number", id: "repeat-times", min: 1, max: 520, value: 4 });
  const backup = h("input", { type: "checkbox", id: "repeat-backup" });
  const previewButton = h("button", { type: "button", class: "btn" }, "Preview dates");
  const bookButton = h("button", { type: "button", class: "btn btn-primary", disabled: true }, "Book the series");
  const out = h("div", { class: "series-preview", "aria-live": "polite" });
  const body = h(
    "div",
    { class: "series-fields", hidden: true },
    field("Repeat", kind),
    field("Times", times),
    h("div", { class: "field" }, h("label", {}, backup, " Let a date shift up to 2 days (else: all dates or none)")),
    h("div", { class: "actions" }, previewButton, bookButton),
    out,
  );
  const section = h(
    "section",
    { class: "series-section", "aria-label": "Repeat" },
    h("label", { class: "series-toggle" }, enabled, " Repeat this booking"),
    body,
  );

  function request() {
    const c = current();
    if (!c.vehicle) throw new Error("Pick a vehicle above to book a series.");
    if (!c.testType || !c.start) throw new Error("Choose the test type and the start date above.");
    return {
      vehicle_id: c.vehicle.id,
      test_type: c.testType,
      start_date: c.start,
      days_to_complete: c.days,
      pattern: patternText(kind.value, c.start, Number(times.value)),
      mode: backup.checked ? "backup" : "all_or_nothing",
    };
  }

  function show(answer, booked) {
    const lines = answer.occurrences.map(occurrenceRow);
    const head = booked
      ? h("p", { class: "alert alert-success", role: "status" }, `Series #${answer.series.id}: ${answer.message}`)
      : h("p", { class: "answer-message" }, answer.message);
    const first = answer.occurrences.find((o) => o.allocation_id);
    const showFirst = booked && first
      ? h("button", { type: "button", class: "btn btn-link", onclick: async () => emit("navigate", { view: "schedule", arg: { allocation: await api.get(`allocations/${first.allocation_id}`) } }) }, "Show on the schedule")
      : null;
    replace(out, head, h("ol", { class: "series-dates", "aria-label": "Dates of the series" }, lines), showFirst);
    bookButton.disabled = booked || (answer.skipped > 0 && !backup.checked);
  }

  enabled.addEventListener("change", () => {
    body.hidden = !enabled.checked;
    replace(out);
    bookButton.disabled = true;
  });
  for (const control of [kind, times, backup]) control.addEventListener("input", () => (bookButton.disabled = true));
  previewButton.addEventListener("click", async () => {
    try {
      show(await api.post("series/preview", request()), false);
    } catch (err) {
      replace(out, errorBox(errorText(err)));
    }
  });
  bookButton.addEventListener("click", async () => {
    try {
      const answer = await api.post("series", request());
      show(answer, true);
      emit("allocations-changed");
      toast(`Booked series #${answer.series.id} (${answer.booked} bookings).`, "success");
    } catch (err) {
      replace(out, errorBox(errorText(err)));
    }
  });
  return section;
}

/** The allocation panel's "Series" row: pattern, the occurrences, and "Cancel the rest". */
export function seriesRow(allocation, { mayChange, onChanged, fail }) {
  const holder = h("dd", { class: "series-row" }, `#${allocation.series_id}`);
  api
    .get(`series/${allocation.series_id}`)
    .then((series) => {
      const open = series.occurrences.filter((o) => ["scheduled", "delayed"].includes(o.status));
      const list = h(
        "ol",
        { class: "series-dates", "aria-label": "Occurrences of the series" },
        series.occurrences.map((o) => h("li", { class: o.id === allocation.id ? "current" : "" }, `${formatRange(o.start_date, o.end_date)} · ${o.dyno?.name ?? "no dyno"} · ${o.status}`)),
      );
      const cancel = mayChange && open.length
        ? h("button", {
            type: "button",
            class: "btn btn-danger",
            onclick: async () => {
              const ok = await confirmDialog({
                title: `Cancel the rest of series #${series.id}?`,
                message: `${open.length} open booking(s) from today on (${series.pattern}). Running and past ones stay.`,
                confirmLabel: "Cancel the rest",
                cancelLabel: "Keep them",
                danger: true,
              });
              if (!ok) return;
              try {
                const change = await api.post(`series/${series.id}/cancel`, {});
                toast(change.message, "success");
                onChanged(allocation);
              } catch (err) {
                fail(err);
              }
            },
          }, "Cancel the rest of the series")
        : null;
      replace(holder, `#${series.id}: ${series.pattern}`, list, cancel);
    })
    .catch((err) => replace(holder, `#${allocation.series_id} (${errorText(err)})`));
  return [h("dt", {}, "Series"), holder];
}
