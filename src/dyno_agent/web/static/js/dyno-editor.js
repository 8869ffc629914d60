// One dyno: its details, its compatibility rules and its maintenance windows (editable by power users).

import { api, errorText } from "./api.js";
import { confirmDialog, emptyState, errorBox, field, h, option, replace, toast } from "./dom.js";
import { formatRange, isoOnHover, rangeElements, withDates } from "./dates.js";
import { hasRole, state } from "./state.js";

const DRIVES = ["any", "2WD", "AWD", "4WD"];
const CLASSES = ["any", "<10K", ">10K"];

function problemBox() {
  const box = h("div", { class: "alert alert-error", role: "alert", hidden: true });
  box.show = (err) => {
    replace(box, withDates(errorText(err)));
    box.hidden = false;
  };
  return box;
}

function detailsForm(dyno, readOnly, { onSaved }) {
  const name = h("input", { type: "text", required: true, maxlength: 60, value: dyno?.name ?? "" });
  const facility = h("input", { type: "text", required: true, maxlength: 60, value: dyno?.facility ?? "" });
  const enabled = h("input", { type: "checkbox", checked: dyno ? dyno.enabled : true });
  const needsApproval = h("input", { type: "checkbox", checked: dyno ? dyno.needs_approval : false });
  const from = isoOnHover(h("input", { type: "date", value: dyno?.available_from ?? "" }));
  const to = isoOnHover(h("input", { type: "date", value: dyno?.available_to ?? "" }));
  const notes = h("textarea", { rows: 2, maxlength: 2000 }, dyno?.notes ?? "");
  const problem = problemBox();
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Dyno details" },
    field("Name", name),
    field("Facility", facility),
    h("div", { class: "field check" }, h("label", {}, enabled, " Enabled")),
    h("div", { class: "field check" }, h("label", { title: "Users' bookings here wait for a power user's approval." }, needsApproval, " Needs approval")),
    field("Bookable from", from),
    field("Bookable until", to),
    field("Notes", notes),
    readOnly ? null : h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, dyno ? "Save details" : "Create dyno")),
    problem,
  );
  for (const control of form.querySelectorAll("input, textarea")) control.disabled = readOnly;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      name: name.value,
      facility: facility.value,
      enabled: enabled.checked,
      needs_approval: needsApproval.checked,
      available_from: from.value || null,
      available_to: to.value || null,
      notes: notes.value || null,
    };
    try {
      const saved = dyno ? await api.patch(`dynos/${dyno.id}`, body) : await api.post("dynos", body);
      toast(`${saved.name} saved.`, "success");
      onSaved(saved, !dyno); // a new dyno reopens, to add its rules and maintenance
    } catch (err) {
      problem.show(err);
    }
  });
  return form;
}

function rulesEditor(dyno, readOnly, { onSaved }) {
  const body = h("tbody");
  const problem = problemBox();
  const types = h("datalist", { id: "rule-test-types" }, state.testTypes.map((t) => option(t)));
  function addRow(rule = { test_type: "", drive_type: "any", weight_class: "any" }) {
    const test = h("input", { type: "text", list: "rule-test-types", required: true, value: rule.test_type, "aria-label": "Test type", disabled: readOnly });
    const drive = h("select", { "aria-label": "Drive", disabled: readOnly }, DRIVES.map((d) => option(d, d, d === rule.drive_type)));
    const weight = h("select", { "aria-label": "Weight class", disabled: readOnly }, CLASSES.map((c) => option(c, c, c === rule.weight_class)));
    const row = h("tr", { class: "rule" }, h("td", {}, test), h("td", {}, drive), h("td", {}, weight));
    if (!readOnly) {
      row.append(h("td", {}, h("button", { type: "button", class: "btn btn-small", "aria-label": "Remove rule", onclick: () => row.remove() }, "Remove")));
    }
    body.append(row);
    return test;
  }
  for (const rule of dyno.rules) addRow(rule);
  const form = h(
    "form",
    { class: "rules-form", "aria-label": "Compatibility rules" },
    h("h3", {}, "Compatibility rules"),
    h("p", { class: "muted" }, "Each row: this dyno may run the test for this drive and weight class (any matches all)."),
    types,
    h("div", { class: "table-wrap" }, h("table", { class: "table" }, h("thead", {}, h("tr", {}, h("th", {}, "Test type"), h("th", {}, "Drive"), h("th", {}, "Weight class"), readOnly ? null : h("th", {}, ""))), body)),
    readOnly
      ? null
      : h(
          "div",
          { class: "form-actions" },
          h("button", { type: "button", class: "btn", onclick: () => addRow().focus() }, "Add rule"),
          h("button", { type: "submit", class: "btn btn-primary" }, "Save rules"),
        ),
    problem,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const rules = [...body.querySelectorAll("tr.rule")].map((row) => {
      const [test, drive, weight] = row.querySelectorAll("input, select");
      return { test_type: test.value, drive_type: drive.value, weight_class: weight.value };
    });
    try {
      await api.put(`dynos/${dyno.id}/rules`, rules);
      state.testTypes = await api.get("dynos/test-types");
      toast(`Rules of ${dyno.name} saved (${rules.length}).`, "success");
      onSaved(await api.get(`dynos/${dyno.id}`), false);
    } catch (err) {
      problem.show(err);
    }
  });
  return form;
}

function maintenanceSection(dyno, readOnly) {
  const list = h("ul", { class: "maint-list" });
  const problem = problemBox();
  async function load() {
    try {
      const windows = await api.get("maintenance", { dyno_id: dyno.id });
      list.replaceChildren();
      if (windows.length === 0) list.append(h("li", { class: "muted" }, "No maintenance windows."));
      for (const w of windows) {
        list.append(
          h(
            "li",
            {},
            h("span", {}, rangeElements(w.start_date, w.end_date), w.reason ? ` — ${w.reason}` : ""),
            readOnly
              ? null
              : h("button", {
                  type: "button",
                  class: "btn btn-small",
                  "aria-label": `Delete maintenance ${w.start_date} to ${w.end_date}`,
                  onclick: async () => {
                    if (!(await confirmDialog({ title: "Delete maintenance window?", message: formatRange(w.start_date, w.end_date), confirmLabel: "Delete", danger: true }))) return;
                    try {
                      await api.del(`maintenance/${w.id}`);
                      load();
                    } catch (err) {
                      problem.show(err);
                    }
                  },
                }, "Delete"),
          ),
        );
      }
    } catch (err) {
      replace(list, h("li", {}, errorBox(errorText(err))));
    }
  }
  const start = isoOnHover(h("input", { type: "date", required: true }));
  const end = isoOnHover(h("input", { type: "date", required: true }));
  const reason = h("input", { type: "text", maxlength: 200 });
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Add maintenance" },
    field("From", start),
    field("To", end),
    field("Reason", reason),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Add maintenance")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    try {
      await api.post(`dynos/${dyno.id}/maintenance`, { start_date: start.value, end_date: end.value, reason: reason.value || null });
      form.reset();
      toast("Maintenance window added.", "success");
      load();
    } catch (err) {
      problem.show(err);
    }
  });
  load();
  return h("section", { "aria-label": "Maintenance windows" }, h("h3", {}, "Maintenance windows"), list, readOnly ? null : form, problem);
}

/** Render the editor for `dyno` (null: a new one) into `root`. */
export function showDynoEditor(root, dyno, { onSaved, onDeleted, onClose }) {
  const readOnly = !hasRole("power_user");
  const heading = h("h2", { tabindex: "-1" }, dyno ? dyno.name : "New dyno");
  const problem = problemBox();
  const remove =
    dyno && !readOnly
      ? h("button", {
          type: "button",
          class: "btn btn-danger",
          onclick: async () => {
            if (!(await confirmDialog({ title: `Delete ${dyno.name}?`, message: "Only a dyno that was never booked can be deleted.", confirmLabel: "Delete", danger: true }))) return;
            try {
              await api.del(`dynos/${dyno.id}`);
              toast(`${dyno.name} deleted.`, "success");
              onDeleted();
            } catch (err) {
              problem.show(err);
            }
          },
        }, "Delete dyno")
      : null;
  replace(root,
    h("div", { class: "panel-head" }, heading, h("button", { type: "button", class: "btn btn-icon", "aria-label": "Close editor", onclick: onClose }, "×")),
    detailsForm(dyno, readOnly, { onSaved }),
    dyno ? rulesEditor(dyno, readOnly, { onSaved }) : emptyState("Create the dyno first, then add its rules and maintenance."),
    dyno ? maintenanceSection(dyno, readOnly) : null,
    remove ? h("div", { class: "actions danger-zone" }, remove) : null,
    problem,
  );
  root.hidden = false;
  heading.focus();
}
