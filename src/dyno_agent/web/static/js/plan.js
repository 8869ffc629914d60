// The Plan view: plan the open test requests (a preview), review it on the timeline, commit it.

import { ApiError, api, errorText, getAll } from "./api.js";
import { append, confirmDialog, dataTable, emptyState, errorBox, field, h, loading, option, replace, toast } from "./dom.js";
import { formatDateTime, rangeElements } from "./dates.js";
import { colorFor } from "./colors.js";
import { drawTimeline } from "./timeline-draw.js";
import { groupBy, rangeOf, shift, title } from "./timeline.js";
import { downloadButtons } from "./download-buttons.js";
import { emit, hasRole, state, today } from "./state.js";

const MAX_TABLE_ROWS = 500; // rows drawn per table; the summary counts every request
const REASONS = {
  no_compatible_dyno: "no compatible dyno",
  capacity: "compatible dynos full until the horizon",
  vehicle_chain: "vehicle chain too long",
  bad_data: "bad data",
};

function percent(value) {
  if (value === null || value === undefined) return "n/a";
  if (typeof value === "object") return percent(value.overall ?? null);
  return `${Math.round(value * 1000) / 10}%`;
}

function days(value) {
  return value === null || value === undefined ? "n/a" : `${Math.round(value * 10) / 10} d`;
}

function stat(key, label, value, tone = "") {
  return h("div", { class: `stat${tone ? ` stat-${tone}` : ""}`, "data-stat": key }, h("span", { class: "stat-value" }, String(value)), h("span", { class: "stat-label" }, label));
}

function solverText(summary) {
  const gap = typeof summary.gap === "number" ? `, gap ${percent(summary.gap)}` : "";
  const time = typeof summary.solve_seconds === "number" ? ` in ${summary.solve_seconds.toFixed(1)} s` : "";
  return `${summary.solver_status}${gap}${time}`;
}

function summaryCard(plan) {
  const s = plan.summary;
  return h(
    "section",
    { class: "card", "aria-label": "Plan summary" },
    h("h3", {}, `Plan #${plan.id} `, h("span", { class: `badge plan-status plan-${plan.status}` }, plan.status), h("small", { class: "muted" }, ` · horizon ${plan.horizon_days} days`)),
    h(
      "div",
      { class: "stats" },
      stat("requests", "requests", s.requests),
      stat("placed", "placed", s.placed, "good"),
      stat("unplaced", "unplaced", s.unplaced, s.unplaced ? "bad" : ""),
      stat("total-lateness", "total lateness", days(s.total_lateness_days)),
      stat("mean-lateness", "mean lateness", days(s.mean_lateness_days)),
      stat("utilisation", "utilisation before → after", `${percent(s.utilisation_before)} → ${percent(s.utilisation_after)}`),
    ),
    h("p", { class: "solver" }, "Solver: ", h("strong", { "data-solver-status": s.solver_status }, solverText(s))),
    s.unplaced_by_reason && Object.keys(s.unplaced_by_reason).length
      ? h("p", { class: "unplaced-reasons" }, "Not placed: ", Object.entries(s.unplaced_by_reason).map(([reason, n]) => `${n} ${REASONS[reason] ?? reason}`).join(", "), ".")
      : null,
    s.bottleneck ? h("p", { class: "alert alert-info bottleneck" }, h("strong", {}, "Bottleneck: "), s.bottleneck) : null,
  );
}

function unplacedTable(unplaced) {
  if (!unplaced.length) return null;
  return h(
    "section",
    { class: "card", "aria-label": "Unplaced requests" },
    h("h3", {}, `Not placed (${unplaced.length})`),
    dataTable(
      ["Request", "Vehicle", "Test", "Step", "Reason", ""],
      unplaced.slice(0, MAX_TABLE_ROWS).map((u) =>
        h("tr", { "data-request-id": u.request_id }, h("td", { class: "num" }, `#${u.request_id}`), h("td", {}, u.vehicle_label), h("td", {}, u.test_type), h("td", {}, u.mileage_step), h("td", {}, h("span", { class: "badge reason-busy" }, REASONS[u.reason] ?? u.reason)), h("td", {}, u.message ?? "")),
      ),
    ),
  );
}

function assignmentsTable(assignments) {
  return h(
    "section",
    { class: "card", "aria-label": "Assignments" },
    h("h3", {}, `Assignments (${assignments.length})`),
    assignments.length
      ? dataTable(
          ["Request", "Vehicle", "Test", "Step", "Dyno", "Dates", "Desired start", "Late"],
          assignments.slice(0, MAX_TABLE_ROWS).map((a) =>
            h(
              "tr",
              { "data-request-id": a.request_id },
              h("td", { class: "num" }, `#${a.request_id}`),
              h("td", {}, a.vehicle_label),
              h("td", {}, h("span", { class: "swatch", style: { "--c": colorFor(a.test_type) } }), a.test_type),
              h("td", {}, a.mileage_step),
              h("td", {}, a.dyno_name, a.facility ? h("small", { class: "muted" }, ` ${a.facility}`) : null),
              h("td", {}, rangeElements(a.start_date, a.end_date)),
              h("td", {}, a.desired_start ?? "—"),
              h("td", { class: "num" }, a.lateness_days ? `${a.lateness_days} d` : "—"),
            ),
          ),
        )
      : emptyState("Nothing placed."),
    assignments.length > MAX_TABLE_ROWS ? h("p", { class: "muted" }, `The first ${MAX_TABLE_ROWS} of ${assignments.length} are listed; the download has them all.`) : null,
  );
}

function conflictsBox(err, onReplan) {
  const conflicts = err.details?.conflicts ?? [];
  return h(
    "div",
    { class: "alert alert-error conflicts", role: "alert" },
    h("p", {}, h("strong", {}, "Nothing was booked. "), err.message),
    conflicts.length
      ? dataTable(
          ["Request", "Dyno", "Dates", "Reason"],
          conflicts.map((c) => h("tr", { "data-request-id": c.request_id }, h("td", { class: "num" }, `#${c.request_id}`), h("td", {}, c.dyno_name ?? "—"), h("td", {}, c.start_date && c.end_date ? rangeElements(c.start_date, c.end_date) : "—"), h("td", {}, c.reason))),
        )
      : null,
    h("button", { type: "button", class: "btn btn-primary", onclick: onReplan }, "Re-plan"),
  );
}

/** The plan's assignments over the bookings and maintenance of the dynos it uses. */
function createPreview(onOpenAllocation) {
  let zoom = "quarter";
  let anchor = today();
  let plan = null;
  let seq = 0;
  const heading = h("h3", { class: "tl-title" });
  const zoomButtons = ["month", "quarter"].map((z) =>
    h("button", { type: "button", class: "btn btn-seg", "data-zoom": z, onclick: () => { zoom = z; load(); } }, z[0].toUpperCase() + z.slice(1)),
  );
  const canvas = h("div", { class: "tl-scroll" });
  const root = h(
    "section",
    { class: "card plan-preview", "aria-label": "Plan preview" },
    h(
      "div",
      { class: "toolbar" },
      heading,
      h(
        "div",
        { class: "toolbar-group", role: "group", "aria-label": "Move" },
        h("button", { type: "button", class: "btn", "aria-label": "Previous", onclick: () => { anchor = shift(zoom, anchor, -1); load(); } }, "‹ Prev"),
        h("button", { type: "button", class: "btn", "aria-label": "First assignment", onclick: () => { anchor = firstStart(); load(); } }, "First"),
        h("button", { type: "button", class: "btn", "aria-label": "Next", onclick: () => { anchor = shift(zoom, anchor, 1); load(); } }, "Next ›"),
      ),
      h("div", { class: "toolbar-group seg", role: "group", "aria-label": "Zoom" }, zoomButtons),
      h("span", { class: "legend-item" }, h("span", { class: "legend-preview" }), "planned (not booked)"),
    ),
    canvas,
  );

  function firstStart() {
    const starts = (plan?.assignments ?? []).map((a) => a.start_date).sort();
    return starts[0] ?? today();
  }

  async function load() {
    if (!plan) return;
    const mine = ++seq;
    const range = rangeOf(zoom, anchor);
    heading.textContent = title(zoom, range);
    for (const button of zoomButtons) button.setAttribute("aria-pressed", String(button.dataset.zoom === zoom));
    const previews = plan.status === "preview" ? plan.assignments : [];
    const used = new Set(plan.assignments.map((a) => a.dyno_id));
    try {
      const window = { start_date: range.start, end_date: range.end };
      const [dynos, allocations, maintenance] = await Promise.all([api.get("dynos"), getAll("allocations", window), api.get("maintenance", window)]);
      if (mine !== seq) return;
      const shown = dynos.filter((d) => used.has(d.id));
      if (!shown.length) {
        replace(canvas, emptyState("No assignment to draw."));
        return;
      }
      const active = allocations.filter((a) => a.status !== "cancelled");
      replace(
        canvas,
        drawTimeline({
          range,
          zoom,
          groups: [...groupBy(shown, (d) => d.facility)],
          allocationsByDyno: groupBy(active, (a) => a.dyno_id),
          maintenanceByDyno: groupBy(maintenance, (m) => m.dyno_id),
          previewByDyno: groupBy(previews, (a) => a.dyno_id),
          today: today(),
          onSelect: onOpenAllocation,
        }),
      );
    } catch (err) {
      if (mine === seq) replace(canvas, errorBox(errorText(err)));
    }
  }

  return {
    root,
    show(next, { keepPlace = false } = {}) {
      plan = next;
      if (!keepPlace) anchor = firstStart();
      return load();
    },
  };
}

export function createPlanView(root) {
  let plan = null;
  let seq = 0;
  const canCommit = hasRole("power_user");

  const horizon = h("input", { type: "number", min: 1, step: 1, required: true, value: 365 });
  const timeLimit = h("input", { type: "number", min: 1, step: 1, placeholder: "server default" });
  const testType = h("select", {}, option("", "All test types"), state.testTypes.map((t) => option(t, t)));
  const planButton = h("button", { type: "submit", class: "btn btn-primary" }, "Plan");
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Plan the open requests" },
    field("Horizon (days)", horizon),
    field("Time limit (s)", timeLimit),
    field("Test type", testType),
    h("div", { class: "form-actions" }, planButton),
  );
  const recent = h("details", { class: "card recent-plans" }, h("summary", {}, "Recent plans"));
  const recentList = h("div");
  recent.append(recentList);
  const output = h("div", { class: "plan-output", "aria-live": "polite" });
  const preview = createPreview((allocation) => emit("navigate", { view: "schedule", arg: { allocation } }));
  append(
    root,
    h("h2", {}, "Plan the open requests"),
    h("p", { class: "muted" }, "A plan is a preview: nothing is booked until a power user commits it."),
    form,
    recent,
    output,
  );

  async function loadRecent() {
    try {
      const page = await api.get("plans", { limit: 10 });
      const items = page.items ?? page;
      replace(
        recentList,
        items.length
          ? h(
              "ul",
              { class: "recent-list" },
              items.map((p) =>
                h(
                  "li",
                  { "data-plan-id": p.id },
                  h("button", { type: "button", class: "btn btn-link", onclick: () => openPlan(p.id) }, `Plan #${p.id}`),
                  ` · ${formatDateTime(p.created_at)} · `,
                  h("span", { class: `badge plan-status plan-${p.status}` }, p.status),
                  p.summary ? ` · ${p.summary.placed} of ${p.summary.requests} placed` : "",
                ),
              ),
            )
          : h("p", { class: "muted" }, "No plans yet."),
      );
    } catch (err) {
      replace(recentList, errorBox(errorText(err)));
    }
  }

  async function openPlan(id) {
    const mine = ++seq;
    replace(output, loading());
    try {
      const found = await api.get(`plans/${id}`);
      if (mine !== seq) return;
      plan = found;
      render();
    } catch (err) {
      if (mine === seq) replace(output, errorBox(errorText(err)));
    }
  }
  recent.addEventListener("toggle", () => {
    if (recent.open) loadRecent();
  });

  function body() {
    return {
      horizon_days: Number(horizon.value),
      time_limit_s: timeLimit.value ? Number(timeLimit.value) : null,
      test_type: testType.value || null,
    };
  }

  async function makePlan() {
    const mine = ++seq;
    planButton.disabled = true;
    replace(output, loading(timeLimit.value ? `Planning… (up to ${timeLimit.value} s)` : "Planning…"));
    try {
      const made = await api.post("plans", body());
      if (mine !== seq) return;
      plan = made;
      render();
      if (recent.open) loadRecent();
    } catch (err) {
      if (mine === seq) replace(output, errorBox(errorText(err)));
    } finally {
      if (mine === seq) planButton.disabled = false;
    }
  }

  function render(notice = null) {
    const commitArea = h("div", { class: "commit-area" }, notice);
    const commit =
      canCommit && plan.status === "preview" && plan.assignments.length
        ? h("button", { type: "button", class: "btn btn-primary", onclick: (event) => commitPlan(commitArea, event.currentTarget) }, `Commit: book ${plan.assignments.length} tests`)
        : null;
    replace(
      output,
      summaryCard(plan),
      h(
        "div",
        { class: "toolbar plan-actions" },
        commit,
        !canCommit ? h("span", { class: "muted" }, "Power users commit plans.") : null,
        // With plan_id the export writes a preview's assignments as if booked.
        plan.assignments.length
          ? downloadButtons({ query: () => ({ plan_id: plan.id }), formats: ["xlsx"], label: "Download the schedule with this plan", baseName: `plan-${plan.id}` })
          : null,
      ),
      commitArea,
      plan.assignments.length ? preview.root : null,
      unplacedTable(plan.unplaced),
      assignmentsTable(plan.assignments),
    );
    if (plan.assignments.length) preview.show(plan, { keepPlace: notice !== null });
  }

  async function commitPlan(area, button) {
    const ok = await confirmDialog({
      title: `Commit plan #${plan.id}?`,
      message: `This books ${plan.assignments.length} tests on the schedule in one go. If the schedule changed since the plan was made, nothing is booked and the conflicts are listed.`,
      confirmLabel: "Book them",
      cancelLabel: "Not yet",
    });
    if (!ok) return;
    replace(area, loading("Booking…"));
    try {
      const answer = await api.post(`plans/${plan.id}/commit`);
      plan = { ...plan, status: answer.status };
      emit("allocations-changed");
      toast(`Plan #${plan.id} committed.`, "success");
      if (recent.open) loadRecent();
      render(
        h(
          "div",
          { class: "alert alert-success", role: "status" },
          `Booked ${answer.booked} tests. `,
          h("button", { type: "button", class: "btn btn-link", onclick: () => emit("navigate", { view: "schedule" }) }, "Open the schedule"),
        ),
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === "plan_conflicts") {
        button.disabled = true; // this plan no longer fits: only a new plan can be committed
        replace(area, conflictsBox(err, () => makePlan()));
      } else {
        replace(area, errorBox(errorText(err)));
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    makePlan();
  });
  return {
    show(arg) {
      if (arg?.planId) openPlan(arg.planId);
    },
  };
}
