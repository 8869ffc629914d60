// The waitlist: a "Join waitlist" offer when nothing is free (Book view), and the Waitlist view of
// my entries and the slots held for them, with accept/decline and the hold's deadline.

import { api, errorText } from "./api.js";
import { dataTable, emptyState, errorBox, h, loading, replace, toast, vehicleName } from "./dom.js";
import { addDays, formatDateTime, formatDay, formatRange } from "./dates.js";
import { emit, hasRole, on } from "./state.js";

const STATUS_TEXT = { waiting: "waiting", offered: "slot offered", booked: "booked", expired: "expired", withdrawn: "withdrawn" };

/** The Book view's block when no dyno is free: join the waitlist for this search. */
export function joinWaitlistBlock({ vehicle, testType, startDate, days }) {
  if (!vehicle) return h("p", { class: "muted" }, "Pick a vehicle above to join the waitlist for these days.");
  const latest = h("input", { type: "date", min: addDays(startDate, days - 1), value: addDays(startDate, days - 1), "aria-label": "Latest end" });
  const status = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "btn btn-primary" }, "Join waitlist");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const entry = await api.post("waitlist", { vehicle_id: vehicle.id, test_type: testType, start_date: startDate, days_to_complete: days, latest_end: latest.value || null });
      emit("waitlist-changed");
      const text = entry.status === "offered" ? `A slot is held for you already: ${offerText(entry)}.` : `You are on the waitlist (entry #${entry.id}); a fitting slot that frees up will be held for you.`;
      replace(status, h("div", { class: "alert alert-success", role: "status" }, text, " ", h("button", { type: "button", class: "btn btn-link", onclick: () => emit("navigate", { view: "waitlist" }) }, "Show my waitlist")));
      toast(`Joined the waitlist (entry #${entry.id}).`, "success");
    } catch (err) {
      replace(status, errorBox(errorText(err)));
      button.disabled = false;
    }
  });
  return h(
    "div",
    { class: "waitlist-join alert alert-info" },
    h("p", {}, `No dyno is free. Join the waitlist for ${vehicleName(vehicle)}: the first fitting slot that frees up is held for you to accept.`),
    h("div", { class: "actions" }, h("label", {}, "Latest end ", latest), button),
    status,
  );
}

function offerText(entry) {
  const offer = entry.offer;
  const deadline = offer.hold_expires_at ? `, accept by ${formatDateTime(offer.hold_expires_at)}` : "";
  return `${offer.dyno?.name ?? "?"}, ${formatRange(offer.start_date, offer.end_date)}${deadline}`;
}

export function createWaitlistView(root) {
  const everyone = h("input", { type: "checkbox" });
  const closed = h("input", { type: "checkbox" });
  const list = h("div", { "aria-live": "polite", "aria-label": "Waitlist entries" });
  const filters = h("div", { class: "actions" }, hasRole("power_user") ? h("label", {}, everyone, " Everyone's") : null, h("label", {}, closed, " Show closed"));
  root.append(h("h2", {}, "Waitlist"), h("p", { class: "muted" }, "When nothing is free, join the waitlist from the Book view. A freed slot that fits is held for you until the deadline shown: accept it to book it."), filters, list);

  async function act(entry, action) {
    try {
      const updated = await api.post(`waitlist/${entry.id}/${action}`);
      emit("allocations-changed");
      toast(`Entry #${updated.id}: ${STATUS_TEXT[updated.status] ?? updated.status}.`, "success");
    } catch (err) {
      toast(errorText(err), "error");
    }
    load();
  }

  function row(entry) {
    const offered = entry.status === "offered" && entry.offer;
    const buttons = [];
    if (offered) {
      buttons.push(h("button", { type: "button", class: "btn btn-primary", onclick: () => act(entry, "accept") }, "Accept"));
      buttons.push(h("button", { type: "button", class: "btn", onclick: () => act(entry, "decline") }, "Decline"));
    }
    if (entry.status === "waiting") buttons.push(h("button", { type: "button", class: "btn", onclick: () => act(entry, "withdraw") }, "Withdraw"));
    return h(
      "tr",
      { "data-entry": entry.id },
      h("td", {}, `#${entry.id}`),
      h("td", {}, vehicleName(entry.vehicle)),
      h("td", {}, entry.test_type),
      h("td", {}, `${entry.days} d, ${formatDay(entry.earliest_start)} – ${formatDay(entry.latest_end)}`),
      h("td", {}, h("span", { class: `badge status-${entry.status}` }, STATUS_TEXT[entry.status] ?? entry.status)),
      h("td", {}, offered ? offerText(entry) : entry.status === "booked" && entry.offer ? `booking #${entry.offer.id}` : ""),
      h("td", {}, h("div", { class: "actions" }, buttons)),
    );
  }

  async function load() {
    replace(list, loading());
    try {
      const entries = await api.get("waitlist", { all: everyone.checked, closed: closed.checked });
      if (!entries.length) {
        replace(list, emptyState("No waitlist entries."));
        return;
      }
      replace(list, dataTable(["Entry", "Vehicle", "Test", "Window", "Status", "Offer", ""], entries.map(row)));
    } catch (err) {
      replace(list, errorBox(errorText(err)));
    }
  }
  everyone.addEventListener("change", load);
  closed.addEventListener("change", load);
  const off = on("waitlist-changed", load);

  return { show: load, destroy: off };
}
