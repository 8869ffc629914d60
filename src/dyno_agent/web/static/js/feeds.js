// The Calendar feeds view: make a feed link (iCalendar, for Outlook/Google/Apple Calendar), copy
// it, list the feed tokens and revoke them. A token is shown once, when it is made.

import { api, errorText } from "./api.js";
import { append, confirmDialog, dataTable, emptyState, errorBox, field, h, loading, option, replace, toast } from "./dom.js";
import { formatDateTime } from "./dates.js";

const KINDS = [
  ["mine", "My bookings"],
  ["dyno", "A dyno"],
  ["facility", "A facility"],
  ["vehicle", "A vehicle"],
];

function copyBox(label, url) {
  const input = h("input", { type: "text", readonly: true, value: url, class: "feed-url", "aria-label": label });
  const copy = h("button", { type: "button", class: "btn" }, "Copy");
  copy.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(url);
      toast("Link copied.", "success");
    } catch {
      document.execCommand?.("copy"); // older browsers, or a page not served over https
    }
  });
  return field(label, h("div", { class: "toolbar-group" }, input, copy));
}

export function createFeedsView(root) {
  const label = h("input", { type: "text", maxlength: 80, placeholder: "e.g. Outlook at work" });
  const kind = h("select", { "aria-label": "Feed of" }, KINDS.map(([value, text]) => option(value, text, value === "mine")));
  const dyno = h("select", { "aria-label": "Dyno" });
  const facility = h("select", { "aria-label": "Facility" });
  const vehicle = h("input", { type: "text", maxlength: 40, placeholder: "Id, tag or VIN", "aria-label": "Vehicle" });
  const refs = { dyno: field("Dyno", dyno), facility: field("Facility", facility), vehicle: field("Vehicle", vehicle) };
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });
  const created = h("div", { class: "card", hidden: true, "aria-live": "polite" });
  const list = h("div", { class: "list" });
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Create a feed link" },
    field("Label", label),
    field("Feed of", kind),
    Object.values(refs),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Create feed link")),
  );

  append(root,
    h("div", { class: "toolbar" }, h("h2", {}, "Calendar feeds")),
    h("p", { class: "muted" },
      "Subscribe to bookings from Outlook, Google or Apple Calendar. Each link holds a secret token: anyone with it can read the feed, so revoke a link you no longer use."),
    h("section", { class: "card", "aria-label": "New feed link" }, form),
    problem,
    created,
    h("h3", {}, "Your feed tokens"),
    list,
  );

  function showRef() {
    for (const [name, box] of Object.entries(refs)) box.hidden = kind.value !== name;
  }

  async function loadDynos() {
    try {
      const dynos = await api.get("dynos");
      replace(dyno, dynos.map((d) => option(String(d.id), d.name)));
      replace(facility, [...new Set(dynos.map((d) => d.facility))].sort().map((f) => option(f, f)));
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    }
  }

  async function load() {
    replace(list, loading());
    try {
      const tokens = await api.get("feeds/tokens");
      if (tokens.length === 0) {
        replace(list, emptyState("No feed tokens yet."));
        return;
      }
      replace(list, dataTable(["#", "Label", "Starts with", "Created", "Last used", ""], tokens.map((t) => {
        const revoke = h("button", { type: "button", class: "btn btn-danger", "aria-label": `Revoke ${t.label}` }, "Revoke");
        revoke.addEventListener("click", async () => {
          const sure = await confirmDialog({
            title: "Revoke this feed?",
            message: `Calendars subscribed with “${t.label}” stop updating at once.`,
            confirmLabel: "Revoke",
            danger: true,
          });
          if (!sure) return;
          try {
            await api.del(`feeds/tokens/${t.id}`);
            toast(`Revoked “${t.label}”.`, "success");
            load();
          } catch (err) {
            toast(errorText(err), "error");
          }
        });
        return h("tr", { "data-token-id": t.id },
          h("td", {}, String(t.id)),
          h("td", {}, t.label),
          h("td", {}, h("code", {}, `${t.prefix}…`)),
          h("td", {}, formatDateTime(t.created_at)),
          h("td", {}, t.last_used_at ? formatDateTime(t.last_used_at) : "never"),
          h("td", {}, revoke));
      })));
    } catch (err) {
      replace(list, errorBox(errorText(err)));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const body = { label: label.value.trim() || null };
    if (kind.value === "dyno") body.dyno = dyno.value;
    if (kind.value === "facility") body.facility = facility.value;
    if (kind.value === "vehicle") body.vehicle = vehicle.value.trim();
    try {
      const made = await api.post("feeds/tokens", body);
      replace(created,
        h("h3", {}, `New feed link: ${made.label}`),
        h("p", { class: "muted" }, "Copy it now: the link is shown only once."),
        copyBox("Feed link", made.links.url),
        kind.value === "mine" ? null : copyBox("My bookings", made.links.mine));
      created.hidden = false;
      form.reset();
      showRef();
      load();
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    }
  });
  kind.addEventListener("change", showRef);
  showRef();

  return {
    show() {
      loadDynos();
      load();
    },
  };
}
