// Draws the schedule grid: a row per dyno grouped by facility, day columns, bars, maintenance, today.

import { h, vehicleName } from "./dom.js";
import { addDays, daysBetween, formatDay, formatRange, monthStart, parseDay, weekdayIndex } from "./dates.js";
import { colorFor } from "./colors.js";
import { noteTooltip } from "./notes.js";

// What a bar's text can be (the user picks one on the schedule).
export const BAR_LABELS = { program: "program", tag: "tag", vin: "VIN tail", test: "test type" };
export const STATUS_ICONS = { scheduled: "", running: "▶", delayed: "!", completed: "✓", cancelled: "×", held: "⏳", requested: "?" };
const MIN_DAY_PX = { week: 64, month: 26, quarter: 10 };

function span(range, start, end) {
  const from = start < range.start ? range.start : start;
  const to = end > range.end ? range.end : end;
  if (from > to) return null;
  const left = (daysBetween(range.start, from) / range.days) * 100;
  const width = ((daysBetween(from, to) + 1) / range.days) * 100;
  return { left: `${left}%`, width: `${width}%`, clippedStart: start < range.start, clippedEnd: end > range.end };
}

function scale(range, zoom, today) {
  const months = h("div", { class: "tl-months" });
  const days = h("div", { class: "tl-days" });
  for (let i = 0; i < range.days; i += 1) {
    const day = addDays(range.start, i);
    const d = parseDay(day);
    if (i === 0 || d.getUTCDate() === 1) {
      const monthEnd = addDays(monthStart(day, 1), -1);
      const place = span(range, day, monthEnd);
      months.append(h("div", { class: "tl-month", style: { left: place.left, width: place.width } }, formatDay(day, { month: "long", year: "numeric" })));
    }
    const weekend = weekdayIndex(day) >= 5;
    let label = "";
    if (zoom === "week") label = formatDay(day, { weekday: "short", day: "numeric" });
    else if (zoom === "month") label = String(d.getUTCDate());
    else if (weekdayIndex(day) === 0) label = String(d.getUTCDate());
    days.append(
      h("div", { class: `tl-day${weekend ? " weekend" : ""}${day === today ? " today" : ""}`, title: `${day} · ${formatDay(day, { weekday: "long", day: "numeric", month: "long", year: "numeric" })}`, "data-day": day }, label),
    );
  }
  return h("div", { class: "tl-scale" }, months, days);
}

function backdrop(range, today) {
  const layer = h("div", { class: "tl-backdrop", "aria-hidden": "true" });
  for (let i = 0; i < range.days; i += 1) {
    const day = addDays(range.start, i);
    if (weekdayIndex(day) >= 5) {
      const place = span(range, day, day);
      layer.append(h("div", { class: "tl-weekend", style: { left: place.left, width: place.width } }));
    }
  }
  if (today >= range.start && today <= range.end) {
    const place = span(range, today, today);
    layer.append(h("div", { class: "tl-today", title: "Today", style: { left: place.left, width: place.width } }));
  }
  return layer;
}

function barText(allocation, choice) {
  const vehicle = allocation.vehicle;
  if (choice === "program") return vehicle.program || vehicleName(vehicle);
  if (choice === "vin") return vehicle.vin ? `…${vehicle.vin.slice(-6)}` : vehicleName(vehicle);
  if (choice === "test") return allocation.test_type;
  return vehicleName(vehicle);
}

function bar(range, allocation, onSelect, selectedId, choice) {
  const place = span(range, allocation.start_date, allocation.end_date);
  if (!place) return null;
  const vehicle = allocation.vehicle;
  const label = barText(allocation, choice);
  const by = allocation.created_by_name ? `, booked by ${allocation.created_by_name}` : "";
  const description = `Allocation ${allocation.id}: ${allocation.test_type}, vehicle ${vehicleName(vehicle)}, ${formatDay(allocation.start_date)} to ${formatDay(allocation.end_date)} (${allocation.start_date} to ${allocation.end_date}), ${allocation.status}${by}`;
  const classes = ["bar", `status-${allocation.status}`];
  if (place.clippedStart) classes.push("clip-start");
  if (place.clippedEnd) classes.push("clip-end");
  if (allocation.id === selectedId) classes.push("selected");
  const icon = STATUS_ICONS[allocation.status];
  return h(
    "button",
    {
      type: "button",
      class: classes.join(" "),
      "data-allocation-id": allocation.id,
      "data-status": allocation.status,
      "data-label": choice,
      "aria-label": description,
      title: description + noteTooltip(allocation),
      style: { left: place.left, width: place.width, "--c": colorFor(allocation.test_type) },
      onclick: (event) => onSelect(allocation, event.currentTarget),
    },
    icon ? h("span", { class: "bar-icon", "aria-hidden": "true" }, icon) : null,
    h("span", { class: "bar-label" }, label),
  );
}

// A planned assignment that is not booked yet: outlined and hatched, not clickable.
function previewBar(range, assignment) {
  const place = span(range, assignment.start_date, assignment.end_date);
  if (!place) return null;
  const late = assignment.lateness_days ? `, ${assignment.lateness_days} days after the desired start` : "";
  const description = `Planned (preview): request ${assignment.request_id}, ${assignment.test_type} ${assignment.mileage_step}, vehicle ${assignment.vehicle_label}, ${formatDay(assignment.start_date)} to ${formatDay(assignment.end_date)} (${assignment.start_date} to ${assignment.end_date})${late}`;
  const classes = ["bar", "preview"];
  if (place.clippedStart) classes.push("clip-start");
  if (place.clippedEnd) classes.push("clip-end");
  return h(
    "div",
    {
      class: classes.join(" "),
      role: "img",
      "data-request-id": assignment.request_id,
      "aria-label": description,
      title: description,
      style: { left: place.left, width: place.width, "--c": colorFor(assignment.test_type) },
    },
    h("span", { class: "bar-label", "aria-hidden": "true" }, `${assignment.vehicle_label} · ${assignment.test_type}`),
  );
}

function unavailable(range, dyno) {
  const blocks = [];
  if (dyno.available_from && dyno.available_from > range.start) {
    blocks.push(span(range, range.start, addDays(dyno.available_from, -1)));
  }
  if (dyno.available_to && dyno.available_to < range.end) {
    blocks.push(span(range, addDays(dyno.available_to, 1), range.end));
  }
  return blocks.filter(Boolean).map((place) =>
    h("div", { class: "tl-outside", title: "Outside the dyno's available dates", style: { left: place.left, width: place.width } }),
  );
}

function track(range, dyno, allocations, windows, onSelect, selectedId, previews, choice) {
  const items = [];
  items.push(...unavailable(range, dyno));
  for (const window of windows) {
    const place = span(range, window.start_date, window.end_date);
    if (!place) continue;
    const text = `Maintenance ${formatRange(window.start_date, window.end_date)} (${window.start_date} – ${window.end_date})${window.reason ? `: ${window.reason}` : ""}`;
    items.push(h("div", { class: "tl-maint", title: text, "data-maintenance-id": window.id, style: { left: place.left, width: place.width } }, h("span", { class: "sr-only" }, text)));
  }
  // Cancelled bookings first, so active ones draw on top of them.
  const ordered = [...allocations].sort((a, b) => (b.status === "cancelled") - (a.status === "cancelled"));
  for (const allocation of ordered) items.push(bar(range, allocation, onSelect, selectedId, choice));
  for (const assignment of previews) items.push(previewBar(range, assignment));
  return h("div", { class: `tl-track${dyno.enabled ? "" : " disabled"}` }, items);
}

/**
 * The whole grid as one element. `groups` is [[facility, [dyno, ...]], ...]; `previewByDyno` holds a
 * plan's assignments, drawn as previews over the bookings.
 */
export function drawTimeline({ range, zoom, groups, allocationsByDyno, maintenanceByDyno, today, onSelect, selectedId, previewByDyno = new Map(), barLabel = "tag" }) {
  const grid = h("div", { class: "tl-grid", role: "region", "aria-label": `Schedule ${range.start} to ${range.end}` });
  grid.style.setProperty("--days", String(range.days));
  grid.style.setProperty("min-width", `calc(var(--tl-label) + ${range.days * MIN_DAY_PX[zoom]}px)`);
  grid.append(h("div", { class: "tl-head" }, h("div", { class: "tl-corner" }, "Dyno"), scale(range, zoom, today)));
  const body = h("div", { class: "tl-body" }, backdrop(range, today));
  for (const [facility, dynos] of groups) {
    body.append(h("div", { class: "tl-group", role: "heading", "aria-level": "3" }, facility));
    for (const dyno of dynos) {
      body.append(
        h(
          "div",
          { class: "tl-row", "data-dyno": dyno.name },
          h("div", { class: "tl-label", title: dyno.notes || dyno.name }, dyno.name, dyno.enabled ? null : h("small", { class: "muted" }, " (disabled)")),
          track(range, dyno, allocationsByDyno.get(dyno.id) || [], maintenanceByDyno.get(dyno.id) || [], onSelect, selectedId, previewByDyno.get(dyno.id) || [], barLabel),
        ),
      );
    }
  }
  grid.append(body);
  return grid;
}
