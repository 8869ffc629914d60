// The Reports view: utilisation per dyno as an SVG bar chart, counts by status and by test type.

import { api, errorText } from "./api.js";
import { createBusinessSection } from "./business.js";
import { append, emptyState, errorBox, field, h, loading, replace, svg } from "./dom.js";
import { addDays, isoOnHover, monthStart, quarterStart, rangeElements } from "./dates.js";
import { colorFor } from "./colors.js";
import { downloadButtons } from "./download-buttons.js";
import { today } from "./state.js";

const STATUSES = ["scheduled", "running", "delayed", "completed", "cancelled", "requested"];
const percent = (value) => (value === null || value === undefined ? "n/a" : `${Math.round(value * 100)}%`);

function utilisationChart(report) {
  const rows = report.dynos;
  const rowHeight = 22;
  const labelWidth = 110;
  const barWidth = 440;
  const width = labelWidth + barWidth + 60;
  const height = rows.length * rowHeight + 24;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": `Utilisation per dyno, ${report.start_date} to ${report.end_date}` });
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const x = labelWidth + tick * barWidth;
    chart.append(
      svg("line", { x1: x, x2: x, y1: 0, y2: height - 18, class: "chart-grid" }),
      svg("text", { x, y: height - 4, class: "chart-tick", "text-anchor": "middle" }, `${tick * 100}%`),
    );
  }
  rows.forEach((row, index) => {
    const y = index * rowHeight;
    const value = row.utilization ?? 0;
    const detail = `${row.dyno.name}: ${percent(row.utilization)} — ${row.booked_days} booked of ${row.available_days} available days, ${row.maintenance_days} in maintenance, ${row.allocations} allocations`;
    chart.append(
      svg(
        "g",
        { class: "chart-row", "data-dyno": row.dyno.name },
        svg("title", {}, detail),
        svg("text", { x: labelWidth - 8, y: y + 15, class: "chart-label", "text-anchor": "end" }, row.dyno.name),
        svg("rect", { x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 8, class: "chart-track" }),
        svg("rect", { x: labelWidth, y: y + 4, width: Math.max(value * barWidth, value > 0 ? 2 : 0), height: rowHeight - 8, class: "chart-bar" }),
        svg("text", { x: labelWidth + barWidth + 6, y: y + 15, class: "chart-value" }, percent(row.utilization)),
      ),
    );
  });
  return chart;
}

function statusBars(counts) {
  const max = Math.max(1, ...STATUSES.map((s) => counts.by_status[s] || 0));
  return h(
    "ul",
    { class: "status-bars", "aria-label": "Allocations by status" },
    STATUSES.map((status) => {
      const n = counts.by_status[status] || 0;
      return h(
        "li",
        {},
        h("span", { class: `status-pill status-${status}` }, status),
        h("span", { class: "meter", "aria-hidden": "true" }, h("span", { class: `meter-fill status-${status}`, style: { width: `${(n / max) * 100}%` } })),
        h("span", { class: "num" }, String(n)),
      );
    }),
  );
}

function testTypeTable(counts) {
  const types = Object.keys(counts.by_test_type).sort();
  if (types.length === 0) return emptyState("No allocations in this range.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table", "aria-label": "Allocations by test type" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Test type"), STATUSES.map((s) => h("th", { scope: "col", class: "num" }, s)), h("th", { scope: "col", class: "num" }, "total"))),
      h(
        "tbody",
        {},
        types.map((type) => {
          const row = counts.by_test_type[type];
          const total = Object.values(row).reduce((a, b) => a + b, 0);
          return h(
            "tr",
            {},
            h("th", { scope: "row" }, h("span", { class: "swatch", style: { "--c": colorFor(type) } }), type),
            STATUSES.map((s) => h("td", { class: "num" }, String(row[s] || 0))),
            h("td", { class: "num" }, h("strong", {}, String(total))),
          );
        }),
      ),
    ),
  );
}

export function createReportsView(root) {
  const start = isoOnHover(h("input", { type: "date", required: true }));
  const end = isoOnHover(h("input", { type: "date", required: true }));
  const output = h("div", { class: "report-output", "aria-live": "polite" });
  const presets = {
    "Next 4 weeks": () => [today(), addDays(today(), 27)],
    "This month": () => [monthStart(today()), addDays(monthStart(today(), 1), -1)],
    "Last month": () => [monthStart(today(), -1), addDays(monthStart(today()), -1)],
    "This quarter": () => [quarterStart(today()), addDays(quarterStart(today(), 1), -1)],
  };
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Report range" },
    field("From", start),
    field("To", end),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Show")),
    h("div", { class: "form-actions" }, downloadButtons({ query: () => ({ start_date: start.value, end_date: end.value }), label: "Download the schedule of this range" })),
    h(
      "div",
      { class: "presets", role: "group", "aria-label": "Ranges" },
      Object.entries(presets).map(([label, range]) =>
        h("button", { type: "button", class: "btn btn-chip", onclick: () => { [start.value, end.value] = range(); load(); } }, label),
      ),
    ),
  );
  const business = createBusinessSection();
  append(root, h("h2", {}, "Reports"), form, output, business.element);

  async function load() {
    replace(output, loading("Computing…"));
    try {
      const query = { start_date: start.value, end_date: end.value };
      const [utilisation, counts] = await Promise.all([api.get("reports/utilization", query), api.get("reports/counts", query)]);
      replace(output,
        h(
          "section",
          { class: "card" },
          h("h3", {}, "Utilisation, ", rangeElements(utilisation.start_date, utilisation.end_date)),
          h("p", { class: "big-figure" }, percent(utilisation.overall), h("small", { class: "muted" }, " overall (booked ÷ available dyno-days)")),
          utilisation.dynos.length ? utilisationChart(utilisation) : emptyState("No dynos."),
        ),
        h(
          "div",
          { class: "two-col" },
          h("section", { class: "card" }, h("h3", {}, `By status (${counts.total} allocations)`), statusBars(counts)),
          h("section", { class: "card" }, h("h3", {}, "By test type"), testTypeTable(counts)),
        ),
      );
    } catch (err) {
      replace(output, errorBox(errorText(err)));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  let loaded = false;
  return {
    show() {
      if (!loaded) [start.value, end.value] = presets["Next 4 weeks"]();
      loaded = true;
      load();
      business.load();
    },
  };
}
