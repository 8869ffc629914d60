// The Approvals view: power users approve or reject requested bookings (oldest first); a user
// sees the state of their own requests (pending, approved, or rejected with the reason).

import { api, errorText } from "./api.js";
import { append, dataTable, emptyState, errorBox, h, loading, option, replace, toast, vehicleName } from "./dom.js";
import { formatDateTime, formatRange } from "./dates.js";
import { hasRole } from "./state.js";

const STATES = [
  ["pending", "Waiting"],
  ["approved", "Approved"],
  ["rejected", "Rejected"],
  ["all", "All"],
];

export function createApprovalsView(root) {
  const decides = hasRole("power_user");
  const which = h("select", { "aria-label": "Which requests" }, STATES.map(([value, label]) => option(value, label, value === "pending")));
  const list = h("div", { class: "list" });
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });
  const lead = decides
    ? "Bookings on dynos that need approval wait here until you approve or reject them; a request holds its days meanwhile."
    : "Your bookings on dynos that need approval, and what was decided.";

  append(root,
    h("div", { class: "toolbar" }, h("h2", {}, "Approvals"), h("div", { class: "toolbar-group filters" }, which)),
    h("p", { class: "muted" }, lead),
    problem,
    list,
  );

  async function decide(item, action, body) {
    problem.hidden = true;
    try {
      await api.post(`approvals/${item.allocation_id}/${action}`, body);
      toast(`Request #${item.allocation_id} ${action === "approve" ? "approved" : "rejected"}.`, "success");
      load();
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    }
  }

  function actions(item) {
    if (!decides || item.state !== "pending") {
      const who = item.decided_by ? ` by ${item.decided_by.name}` : "";
      return h("span", {}, h("span", { class: `status-pill status-${item.status}` }, item.state), who, item.reason ? `: ${item.reason}` : "");
    }
    const reason = h("input", { type: "text", maxlength: 500, placeholder: "Reason (required to reject)", "aria-label": `Reason to reject request ${item.allocation_id}` });
    const reject = h("button", { type: "button", class: "btn btn-danger", disabled: true }, "Reject");
    reason.addEventListener("input", () => { reject.disabled = reason.value.trim() === ""; });
    reject.addEventListener("click", () => decide(item, "reject", { reason: reason.value.trim() }));
    const approve = h("button", { type: "button", class: "btn btn-primary", onclick: () => decide(item, "approve") }, "Approve");
    return h("div", { class: "approval-actions" }, approve, reason, reject);
  }

  async function load() {
    replace(list, loading());
    try {
      const page = await api.get("approvals", { state: which.value, limit: 500 });
      if (page.items.length === 0) {
        replace(list, emptyState(which.value === "pending" ? "No request is waiting for approval." : "No request."));
        return;
      }
      replace(list,
        dataTable(["#", "Vehicle", "Dyno", "Test", "Dates", "Requested by", "Requested at", decides ? "Decision" : "State"], page.items.map((item) =>
          h(
            "tr",
            { "data-request-id": item.allocation_id },
            h("td", {}, String(item.allocation_id)),
            h("td", { class: "mono" }, vehicleName(item.vehicle)),
            h("td", {}, item.dyno ? item.dyno.name : "—"),
            h("td", {}, item.test_type),
            h("td", {}, formatRange(item.start_date, item.end_date)),
            h("td", {}, item.requested_by ? item.requested_by.name : "—"),
            h("td", {}, formatDateTime(item.requested_at)),
            h("td", {}, actions(item)),
          ),
        )),
      );
    } catch (err) {
      replace(list, errorBox(errorText(err)));
    }
  }

  which.addEventListener("change", load);
  return { show: load };
}
