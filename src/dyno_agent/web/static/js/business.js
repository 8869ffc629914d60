// The lab's figures on the Reports view: utilisation this week and month, backlog, lead time,
// on-time starts, completed tests and the estimated planning time saved (GET reports/business).

import { api, errorText } from "./api.js";
import { errorBox, h, loading, replace } from "./dom.js";
import { rangeElements } from "./dates.js";

const percent = (value) => (value === null || value === undefined ? "n/a" : `${Math.round(value * 100)}%`);
const days = (value) => (value === null || value === undefined ? "n/a" : `${value} d`);

function figure(label, value, note) {
  return h("div", { class: "business-figure" }, h("dt", {}, label), h("dd", {}, h("strong", {}, value), note ? h("small", { class: "muted" }, ` ${note}`) : null));
}

function periodCard(period, minutes) {
  const title = period.period === "week" ? "This week" : "This month";
  return h(
    "section",
    { class: "card", "data-period": period.period },
    h("h3", {}, `${title}, `, rangeElements(period.start_date, period.end_date)),
    h(
      "dl",
      { class: "business-figures" },
      figure("Utilisation", percent(period.utilization.utilization), `${period.utilization.booked_days} of ${period.utilization.available_days} dyno-days`),
      figure("Bookings", String(period.bookings), "tests starting"),
      figure("Tests completed", String(period.tests_completed)),
      figure("On-time starts", percent(period.on_time_ratio), `${period.on_time_starts} of ${period.requested_starts} requested`),
      figure("Lead time (median)", days(period.lead_time_median_days), "request to start"),
      figure("Planning time saved", `${period.planning_time_saved_hours} h`, `estimate: ${minutes} min per booking`),
    ),
    h(
      "p",
      { class: "muted" },
      "By facility: ",
      period.facilities.map((f) => `${f.facility} ${percent(f.utilization)}`).join(" · ") || "no dynos",
    ),
  );
}

export function createBusinessSection() {
  const output = h("div", { class: "business-output", "aria-live": "polite" });
  const section = h("section", { class: "business", "aria-label": "Lab figures" }, h("h2", {}, "Lab figures"), output);

  async function load() {
    replace(output, loading("Computing…"));
    try {
      const report = await api.get("reports/business");
      replace(
        output,
        h(
          "p",
          { class: "business-backlog" },
          String(report.backlog.open),
          h("small", { class: "muted" }, ` open requests waiting for a dyno, ${report.backlog.planned} in a plan`),
        ),
        h("div", { class: "two-col" }, report.periods.map((p) => periodCard(p, report.manual_minutes_per_booking))),
      );
    } catch (err) {
      replace(output, errorBox(errorText(err)));
    }
  }
  return { element: section, load };
}
