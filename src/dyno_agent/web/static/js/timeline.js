// The Schedule view: toolbar (zoom, prev/next/today, filters), legend, grid and the details panel.

import { api, errorText, getAll } from "./api.js";
import { append, emptyState, errorBox, h, loading, option, replace } from "./dom.js";
import { addDays, daysBetween, formatDay, mondayOf, monthStart, quarterStart, rangeElements } from "./dates.js";
import { colorFor } from "./colors.js";
import { BAR_LABELS, drawTimeline, STATUS_ICONS } from "./timeline-draw.js";
import { showAllocation } from "./allocation-panel.js";
import { downloadButtons } from "./download-buttons.js";
import { hasRole, on, state, today } from "./state.js";
import { noteSearch } from "./notes.js";

const STATUSES = ["scheduled", "running", "delayed", "completed", "cancelled", "held", "requested"];
const BAR_LABEL_KEY = "dyno.barLabel";
// The schedule shows a rolling window from a few days before its anchor (today at first).
const ROLLING = { week: { lead: 1, days: 7 }, month: { lead: 3, days: 31 }, quarter: { lead: 7, days: 91 } };

export function rollingRange(zoom, anchor) {
  const { lead, days } = ROLLING[zoom];
  const start = addDays(anchor, -lead);
  return { start, end: addDays(start, days - 1), days };
}

export function rollingShift(zoom, anchor, step) {
  return addDays(anchor, step * ROLLING[zoom].days);
}

function storedBarLabel() {
  const kept = localStorage.getItem(BAR_LABEL_KEY);
  return kept in BAR_LABELS ? kept : "tag";
}

export function rangeOf(zoom, anchor) {
  let start;
  let end;
  if (zoom === "week") {
    start = mondayOf(anchor);
    end = addDays(start, 6);
  } else if (zoom === "month") {
    start = monthStart(anchor);
    end = addDays(monthStart(anchor, 1), -1);
  } else {
    start = quarterStart(anchor);
    end = addDays(quarterStart(anchor, 1), -1);
  }
  return { start, end, days: daysBetween(start, end) + 1 };
}

export function shift(zoom, anchor, step) {
  if (zoom === "week") return addDays(anchor, 7 * step);
  if (zoom === "month") return monthStart(anchor, step);
  return quarterStart(anchor, step);
}

export function title(zoom, range) {
  if (zoom === "week") return `Week of ${formatDay(range.start)}`;
  if (zoom === "month") return formatDay(range.start, { month: "long", year: "numeric" });
  const quarter = Math.floor(Number(range.start.slice(5, 7)) / 3) + 1;
  return `Q${quarter} ${range.start.slice(0, 4)} (${formatDay(range.start, { month: "short" })} – ${formatDay(range.end, { month: "short" })})`;
}

export function groupBy(items, key) {
  const map = new Map();
  for (const item of items) {
    const k = key(item);
    if (!map.has(k)) map.set(k, []);
    map.get(k).push(item);
  }
  return map;
}

export function createTimelineView(root) {
  let zoom = "month";
  let anchor = today();
  let data = null; // {dynos, allocations, maintenance}
  let selected = null; // {id, opener}
  let users = new Map();
  let visible = false;
  let loadSeq = 0;

  const heading = h("h2", { class: "tl-title" });
  const zoomButtons = ["week", "month", "quarter"].map((z) =>
    h("button", { type: "button", class: "btn btn-seg", "data-zoom": z, onclick: () => { zoom = z; load(); } }, z[0].toUpperCase() + z.slice(1)),
  );
  const facility = h("select", { "aria-label": "Facility" }, option("", "All facilities"));
  const testType = h("select", { "aria-label": "Test type" }, option("", "All test types"));
  const status = h(
    "select",
    { "aria-label": "Status" },
    option("open", "Not cancelled", true),
    option("", "All statuses"),
    STATUSES.map((s) => option(s, s)),
  );
  const barLabel = h("select", { "aria-label": "Bar label", title: "What the bars show" }, Object.entries(BAR_LABELS).map(([key, name]) => option(key, `Label: ${name}`, key === storedBarLabel())));
  barLabel.addEventListener("change", () => {
    localStorage.setItem(BAR_LABEL_KEY, barLabel.value);
    render();
  });
  const legend = h("div", { class: "legend", "aria-label": "Legend" });
  const canvas = h("div", { class: "tl-scroll" });
  const panel = h("aside", { class: "panel", hidden: true, "aria-label": "Allocation details" });

  root.classList.add("schedule");
  append(root, 
    h(
      "div",
      { class: "toolbar" },
      heading,
      h(
        "div",
        { class: "toolbar-group", role: "group", "aria-label": "Move" },
        h("button", { type: "button", class: "btn", "aria-label": "Previous", onclick: () => { anchor = rollingShift(zoom, anchor, -1); load(); } }, "‹ Prev"),
        h("button", { type: "button", class: "btn", onclick: () => { anchor = today(); load(); } }, "Today"),
        h("button", { type: "button", class: "btn", "aria-label": "Next", onclick: () => { anchor = rollingShift(zoom, anchor, 1); load(); } }, "Next ›"),
      ),
      h("div", { class: "toolbar-group seg", role: "group", "aria-label": "Zoom" }, zoomButtons),
      h("div", { class: "toolbar-group filters" }, facility, testType, status, barLabel),
      h("button", { type: "button", class: "btn btn-quiet", onclick: () => load(), "aria-label": "Refresh" }, "↻ Refresh"),
      downloadButtons({ query: () => ({ facility: facility.value }) }),
      noteSearch(),
    ),
    legend,
    h("div", { class: "schedule-body" }, canvas, panel),
  );
  for (const select of [facility, testType, status]) select.addEventListener("change", () => render());

  function closePanel() {
    panel.hidden = true;
    const opener = selected?.opener;
    selected = null;
    render();
    const again = opener && canvas.querySelector(`[data-allocation-id="${opener}"]`);
    again?.focus();
  }

  function openPanel(allocation) {
    selected = { id: allocation.id, opener: allocation.id };
    showAllocation(panel, allocation, {
      users,
      dynos: data?.dynos ?? [],
      onClose: closePanel,
      onChanged: async (updated) => {
        const range = rollingRange(zoom, anchor);
        if (updated.end_date < range.start || updated.start_date > range.end) anchor = updated.start_date;
        await load();
        openPanel(updated);
      },
    });
    for (const el of canvas.querySelectorAll(".bar.selected")) el.classList.remove("selected");
    canvas.querySelector(`[data-allocation-id="${allocation.id}"]`)?.classList.add("selected");
  }

  function fillFilters() {
    const facilities = [...new Set(data.dynos.map((d) => d.facility))];
    const keepFacility = facility.value;
    replace(facility, option("", "All facilities"), facilities.map((f) => option(f, f, f === keepFacility)));
    const keepType = testType.value;
    const types = [...new Set([...state.testTypes, ...data.allocations.map((a) => a.test_type)])].sort();
    replace(testType, option("", "All test types"), types.map((t) => option(t, t, t === keepType)));
  }

  function drawLegend(allocations) {
    const types = [...new Set(allocations.map((a) => a.test_type))].sort();
    replace(legend,
      h("span", { class: "legend-title" }, "Test types:"),
      types.length ? types.map((t) => h("span", { class: "legend-item" }, h("span", { class: "swatch", style: { "--c": colorFor(t) } }), t)) : h("span", { class: "muted" }, "none in view"),
      h("span", { class: "legend-title" }, "Status:"),
      STATUSES.map((s) => h("span", { class: `legend-item legend-status status-${s}` }, h("span", { class: "legend-bar" }, STATUS_ICONS[s] || " "), s)),
      h("span", { class: "legend-item" }, h("span", { class: "legend-maint" }), "maintenance"),
      h("span", { class: "legend-item" }, h("span", { class: "legend-today" }), "today"),
    );
  }

  function render() {
    if (!data) return;
    const range = rollingRange(zoom, anchor);
    const wanted = (a) =>
      (!testType.value || a.test_type === testType.value) &&
      (status.value === "" || (status.value === "open" ? a.status !== "cancelled" : a.status === status.value));
    const dynos = data.dynos.filter((d) => !facility.value || d.facility === facility.value);
    const allocations = data.allocations.filter(wanted);
    drawLegend(allocations);
    if (dynos.length === 0) {
      replace(canvas, emptyState("No dynos match these filters."));
      return;
    }
    const groups = [...groupBy(dynos, (d) => d.facility)];
    const unplaced = allocations.filter((a) => a.dyno_id === null);
    if (unplaced.length) groups.push(["Not placed", [{ id: null, name: "—", facility: "", enabled: true }]]);
    const allocationsByDyno = groupBy(allocations, (a) => a.dyno_id);
    const maintenanceByDyno = groupBy(data.maintenance, (m) => m.dyno_id);
    const scrollLeft = canvas.scrollLeft;
    replace(canvas,
      drawTimeline({ range, zoom, groups, allocationsByDyno, maintenanceByDyno, today: today(), onSelect: openPanel, selectedId: selected?.id, barLabel: barLabel.value }),
    );
    canvas.scrollLeft = scrollLeft;
    if (allocations.length === 0) {
      canvas.prepend(h("p", { class: "muted tl-note" }, "No bookings in this period with these filters."));
    }
  }

  async function load() {
    const seq = ++loadSeq;
    const range = rollingRange(zoom, anchor);
    replace(heading, rangeElements(range.start, range.end));
    for (const button of zoomButtons) button.setAttribute("aria-pressed", String(button.dataset.zoom === zoom));
    if (!data) replace(canvas, loading("Loading the schedule…"));
    root.setAttribute("aria-busy", "true");
    try {
      const window = { start_date: range.start, end_date: range.end };
      const [dynos, allocations, maintenance] = await Promise.all([
        api.get("dynos"),
        getAll("allocations", window),
        api.get("maintenance", window),
      ]);
      if (seq !== loadSeq) return;
      data = { dynos, allocations, maintenance };
      fillFilters();
      render();
      if (selected) {
        const still = allocations.find((a) => a.id === selected.id);
        if (!still) closePanel();
      }
    } catch (err) {
      if (seq === loadSeq) replace(canvas, errorBox(errorText(err)));
    } finally {
      if (seq === loadSeq) root.setAttribute("aria-busy", "false");
    }
  }

  async function loadUsers() {
    if (!hasRole("admin") || users.size) return;
    try {
      const list = await api.get("users", { limit: 500 });
      users = new Map(list.map((u) => [u.id, u]));
    } catch {
      // not fatal: the panel then shows "user #id"
    }
  }

  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanel();
  });
  // Showing the view always re-reads; while visible, a booking made elsewhere re-reads too.
  const off = on("allocations-changed", () => {
    if (visible) load();
  });

  return {
    async show(arg) {
      visible = true;
      await loadUsers();
      if (arg?.allocation) {
        anchor = arg.allocation.start_date;
        await load();
        const fresh = data?.allocations.find((a) => a.id === arg.allocation.id) ?? arg.allocation;
        openPanel(fresh);
        return;
      }
      load();
    },
    hide() {
      visible = false;
    },
    destroy() {
      off();
    },
  };
}
