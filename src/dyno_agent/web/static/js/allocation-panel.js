// Details of one allocation, with Cancel and Reschedule when the signed-in user may do them.

import { api, errorText } from "./api.js";
import { append, confirmDialog, errorBox, field, h, option, replace, toast, vehicleName } from "./dom.js";
import { formatDateTime, formatDay, formatRange, isoOnHover, rangeElements, withDates } from "./dates.js";
import { colorFor } from "./colors.js";
import { mayChange, state } from "./state.js";
import { seriesRow } from "./series.js";
import { noteEditor, noteRows } from "./notes.js";

const CANCELLABLE = new Set(["scheduled", "delayed", "running", "requested"]);
const MOVABLE = new Set(["scheduled", "delayed"]);

function bookedBy(allocation, users) {
  if (allocation.created_by === null) return "unknown (imported)";
  if (allocation.created_by === state.user.id) return `you (${state.user.email})`;
  const user = users.get(allocation.created_by);
  const name = allocation.created_by_name ?? `user #${allocation.created_by}`;
  return user ? `${name} (${user.email})` : name;
}

function row(label, ...value) {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

/**
 * Renders into `root`. `onChanged(allocation)` runs after a cancel or a move; `onClose()` on close.
 * `dynos` lists the dynos for the move form; `users` maps ids to users (admins only, else empty).
 */
export function showAllocation(root, allocation, { users, dynos, onChanged, onClose }) {
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });
  const fail = (err) => {
    replace(problem, withDates(errorText(err)));
    problem.hidden = false;
  };
  const heading = h("h2", { tabindex: "-1" }, `Allocation #${allocation.id}`);
  const vehicle = allocation.vehicle;
  const details = h(
    "dl",
    { class: "details" },
    row("Vehicle", h("span", { class: "mono" }, vehicleName(vehicle)), vehicle.vin && vehicle.vin !== vehicleName(vehicle) ? ` (VIN ${vehicle.vin}, #${vehicle.id})` : ` (#${vehicle.id})`),
    row("Program", vehicle.program || "—"),
    row("Vehicle class", `${vehicle.drive_type}, ${vehicle.weight_class}`),
    row("Test", h("span", { class: "swatch", style: { "--c": colorFor(allocation.test_type) } }), allocation.test_type),
    row("Dyno", allocation.dyno ? `${allocation.dyno.name} (${allocation.dyno.facility})` : "not placed"),
    row("Dates", rangeElements(allocation.start_date, allocation.end_date), ` · ${allocation.days} day${allocation.days === 1 ? "" : "s"}`),
    row("Status", h("span", { class: `status-pill status-${allocation.status}` }, allocation.status)),
    allocation.status === "requested" ? row("Approval", "Waiting for a power user's approval") : null,
    allocation.approval ? row("Approval", allocation.approval, allocation.approval_reason ? `: ${allocation.approval_reason}` : "") : null,
    row("Booked by", bookedBy(allocation, users)),
    row("Booked at", h("time", { datetime: allocation.created_at, title: allocation.created_at }, formatDateTime(allocation.created_at))),
    allocation.series_id ? seriesRow(allocation, { mayChange: mayChange(allocation), onChanged, fail }) : null,
    ...noteRows(allocation),
  );

  const actions = h("div", { class: "actions" });
  const allowed = mayChange(allocation);
  const moveForm = h("form", { class: "stack move-form", hidden: true, "aria-label": "Reschedule" });

  if (allowed && CANCELLABLE.has(allocation.status)) {
    append(actions, 
      h("button", {
        type: "button",
        class: "btn btn-danger",
        onclick: async () => {
          const ok = await confirmDialog({
            title: `Cancel allocation #${allocation.id}?`,
            message: `${allocation.test_type} for ${vehicleName(vehicle)} on ${allocation.dyno?.name ?? "no dyno"}, ${formatRange(allocation.start_date, allocation.end_date)}. This cannot be undone.`,
            confirmLabel: "Cancel booking",
            cancelLabel: "Keep it",
            danger: true,
          });
          if (!ok) return;
          try {
            const updated = await api.post(`allocations/${allocation.id}/cancel`);
            toast(`Allocation #${allocation.id} cancelled.`, "success");
            onChanged(updated);
          } catch (err) {
            fail(err);
          }
        },
      }, "Cancel booking"),
    );
  }
  if (allowed && MOVABLE.has(allocation.status)) {
    const start = isoOnHover(h("input", { type: "date", required: true, value: allocation.start_date }));
    const days = h("input", { type: "number", min: 1, max: 3650, required: true, value: allocation.days });
    const dyno = h(
      "select",
      {},
      option("", "Same dyno if free, else the best", true),
      dynos.filter((d) => d.enabled).map((d) => option(String(d.id), d.name)),
    );
    append(moveForm, 
      field("New start date", start),
      field("Days", days),
      field("Dyno", dyno),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Move booking")),
    );
    moveForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const body = { new_start_date: start.value, days_to_complete: Number(days.value) };
        if (dyno.value) body.dyno = Number(dyno.value);
        const updated = await api.post(`allocations/${allocation.id}/reschedule`, body);
        toast(`Allocation #${allocation.id} moved to ${formatDay(updated.start_date)} on ${updated.dyno?.name}.`, "success");
        onChanged(updated);
      } catch (err) {
        fail(err);
      }
    });
    append(actions, 
      h("button", {
        type: "button",
        class: "btn",
        "aria-expanded": "false",
        onclick: (event) => {
          moveForm.hidden = !moveForm.hidden;
          event.currentTarget.setAttribute("aria-expanded", String(!moveForm.hidden));
          if (!moveForm.hidden) start.focus();
        },
      }, "Reschedule…"),
    );
  }
  const notes = allowed ? noteEditor(allocation, { onChanged, fail }) : null;
  if (notes) append(actions, notes.button);
  if (!allowed && (CANCELLABLE.has(allocation.status) || MOVABLE.has(allocation.status))) {
    append(actions, h("p", { class: "muted" }, "Only the person who booked it, or a power user, can change this booking."));
  }

  replace(root,
    h(
      "div",
      { class: "panel-head" },
      heading,
      h("button", { type: "button", class: "btn btn-icon", "aria-label": "Close details", onclick: onClose }, "×"),
    ),
    details,
    problem,
    actions,
    moveForm,
    notes?.form,
  );
  root.hidden = false;
  heading.focus();
}

export function panelError(root, err) {
  replace(root, errorBox(errorText(err)));
}
