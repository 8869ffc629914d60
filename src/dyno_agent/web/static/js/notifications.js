// The Notifications view: your subscriptions (e-mail and/or a signed webhook), and for admins the
// outbox with its dead letters and a Retry button.

import { api, errorText } from "./api.js";
import { append, emptyState, errorBox, field, h, loading, option, replace, toast, dataTable } from "./dom.js";
import { formatDateTime } from "./dates.js";
import { hasRole } from "./state.js";

const SCOPES = [
  ["dyno", "A dyno"],
  ["facility", "A facility"],
  ["vehicle", "A vehicle"],
  ["all", "All bookings"],
];
const TARGET_HINT = { dyno: "Name or id, e.g. MPG 3", facility: "e.g. MPG", vehicle: "Tag, e.g. DEMO-012", all: "" };

function what(s) {
  if (s.scope === "all") return "All bookings";
  if (s.scope === "dyno") return `Dyno ${s.dyno || s.dyno_id}`;
  if (s.scope === "facility") return `Facility ${s.facility}`;
  return `Vehicle ${s.vehicle || s.vehicle_id}`;
}

export function createNotificationsView(root) {
  const scope = h("select", { "aria-label": "Follow" }, SCOPES.map(([v, label]) => option(v, label, v === "dyno")));
  const target = h("input", { type: "text", maxlength: 60, placeholder: TARGET_HINT.dyno, "aria-label": "Which one" });
  const email = h("input", { type: "checkbox", checked: true, "aria-label": "By e-mail" });
  const webhook = h("input", { type: "url", maxlength: 2000, placeholder: "https://…", "aria-label": "Webhook URL" });
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });
  const secretBox = h("div", { class: "alert", role: "status", hidden: true });
  const list = h("div", { class: "list", "aria-label": "Your subscriptions" });
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Subscribe" },
    field("Follow", scope),
    field("Which one", target),
    field("E-mail", email, "To your account's address."),
    field("Webhook URL", webhook, "Optional; http or https. Signed with X-Dyno-Signature."),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Subscribe")),
  );
  scope.addEventListener("change", () => {
    target.placeholder = TARGET_HINT[scope.value];
    target.disabled = scope.value === "all";
  });

  const outboxStatus = h("select", { "aria-label": "Outbox status" },
    [["dead", "Dead letters"], ["pending", "Pending"], ["delivered", "Delivered"], ["skipped", "Skipped"], ["", "All"]]
      .map(([v, label]) => option(v, label, v === "dead")));
  const outbox = h("div", { class: "list", "aria-label": "Outbox" });
  const admin = h("div", { class: "card", hidden: true },
    h("div", { class: "toolbar" }, h("h3", {}, "Outbox (admins)"), h("div", { class: "toolbar-group filters" }, outboxStatus)),
    outbox);

  append(root,
    h("div", { class: "toolbar" }, h("h2", {}, "Notifications")),
    h("p", {}, "You are told by e-mail about your own bookings. Subscribe to follow a dyno, a facility, a vehicle or every booking: made, moved, delayed, started or cancelled."),
    h("details", { class: "card", open: true }, h("summary", {}, "Subscribe"), form),
    problem,
    secretBox,
    list,
    admin,
  );

  async function loadMine() {
    replace(list, loading());
    try {
      const items = await api.get("notifications/subscriptions");
      if (items.length === 0) {
        replace(list, emptyState("No subscriptions yet."));
        return;
      }
      replace(list, dataTable(["#", "Follows", "E-mail", "Webhook", ""], items.map((s) => {
        const remove = h("button", { type: "button", class: "btn btn-small", "aria-label": `Delete subscription ${s.id}` }, "Delete");
        remove.addEventListener("click", async () => {
          try {
            await api.del(`notifications/subscriptions/${s.id}`);
            toast("Subscription deleted.", "success");
            loadMine();
          } catch (err) {
            toast(errorText(err), "error");
          }
        });
        return h("tr", { "data-subscription-id": s.id },
          h("td", {}, String(s.id)), h("td", {}, what(s)), h("td", {}, s.email ? "yes" : "no"),
          h("td", {}, s.webhook_url || "—"), h("td", {}, remove));
      })));
    } catch (err) {
      replace(list, errorBox(errorText(err)));
    }
  }

  async function loadOutbox() {
    replace(outbox, loading());
    try {
      const params = { limit: 100 };
      if (outboxStatus.value) params.status = outboxStatus.value;
      const page = await api.get("notifications/outbox", params);
      if (page.items.length === 0) {
        replace(outbox, emptyState("Nothing here."));
        return;
      }
      replace(outbox, dataTable(["#", "Kind", "Booking", "To", "Status", "Attempts", "Last error", "Created", ""], page.items.map((m) => {
        const retry = m.status === "dead" || m.status === "skipped"
          ? h("button", { type: "button", class: "btn btn-small", "aria-label": `Retry notification ${m.id}` }, "Retry")
          : null;
        retry?.addEventListener("click", async () => {
          try {
            await api.post(`notifications/outbox/${m.id}/retry`, {});
            toast(`Notification ${m.id} is due again.`, "success");
            loadOutbox();
          } catch (err) {
            toast(errorText(err), "error");
          }
        });
        return h("tr", { "data-outbox-id": m.id },
          h("td", {}, String(m.id)), h("td", {}, m.kind), h("td", {}, `#${m.allocation_id}`),
          h("td", {}, `${m.channel}: ${m.target}`), h("td", {}, m.status), h("td", {}, String(m.attempts)),
          h("td", {}, m.last_error || "—"), h("td", {}, formatDateTime(m.created_at)), h("td", {}, retry));
      })));
    } catch (err) {
      replace(outbox, errorBox(errorText(err)));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    secretBox.hidden = true;
    const body = { scope: scope.value, email: email.checked, webhook_url: webhook.value.trim() || null };
    const ref = target.value.trim();
    if (scope.value === "dyno") body.dyno = ref;
    if (scope.value === "facility") body.facility = ref;
    if (scope.value === "vehicle") {
      if (/^\d+$/.test(ref)) body.vehicle_id = Number(ref);
      else body.vehicle_tag = ref;
    }
    try {
      const created = await api.post("notifications/subscriptions", body);
      toast(`Subscribed to ${what(created).toLowerCase()}.`, "success");
      if (created.webhook_secret) {
        secretBox.textContent = `Webhook secret (shown once, keep it to check X-Dyno-Signature): ${created.webhook_secret}`;
        secretBox.hidden = false;
      }
      form.reset();
      loadMine();
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    }
  });
  outboxStatus.addEventListener("change", loadOutbox);

  return {
    show() {
      loadMine();
      admin.hidden = !hasRole("admin");
      if (!admin.hidden) loadOutbox();
    },
  };
}
