// The Vehicles view: search, page through, register a vehicle, jump to booking one.

import { api, errorText } from "./api.js";
import { append, debounce, emptyState, errorBox, field, h, loading, option, replace, toast, dataTable, vehicleName } from "./dom.js";
import { emit } from "./state.js";

const PAGE = 25;

export function createVehiclesView(root) {
  let offset = 0;

  const q = h("input", { type: "search", placeholder: "Tag, VIN, program, build, team", "aria-label": "Search vehicles" });
  const drive = h("select", { "aria-label": "Drive" }, option("", "Any drive"), option("2WD"), option("AWD"), option("4WD"));
  const table = h("div", { class: "list" });
  const pager = h("div", { class: "pager" });
  const addButton = h("button", { type: "button", class: "btn", "aria-expanded": "false" }, "Register a vehicle");

  const tag = h("input", { type: "text", maxlength: 40, spellcheck: "false" });
  const vin = h("input", { type: "text", maxlength: 17, minlength: 17, spellcheck: "false" });
  const program = h("input", { type: "text", maxlength: 120 });
  const weight = h("input", { type: "number", min: 1, max: 200000 });
  const newClass = h("select", {}, option("", "From the weight"), option("<10K"), option(">10K"));
  const newDrive = h("select", { required: true }, option("", "Choose"), option("2WD"), option("AWD"), option("4WD"));
  const team = h("input", { type: "text", maxlength: 120 });
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });
  const addForm = h(
    "form",
    { class: "inline-form", hidden: true, "aria-label": "Register a vehicle" },
    field("Tag", tag, "The Tag #, e.g. 312W028 (the VIN when left empty)"),
    field("VIN (optional)", vin, "17 characters, no I, O or Q"),
    field("Program", program),
    field("Weight (lbs)", weight),
    field("Weight class", newClass),
    field("Drive", newDrive),
    field("Cert team", team),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Register")),
    problem,
  );

  append(root, 
    h("div", { class: "toolbar" }, h("h2", {}, "Vehicles"), h("div", { class: "toolbar-group filters" }, q, drive), addButton),
    addForm,
    table,
    pager,
  );

  async function load() {
    replace(table, loading());
    try {
      const page = await api.get("vehicles", { q: q.value.trim(), drive_type: drive.value, limit: PAGE, offset });
      if (page.items.length === 0) {
        replace(table, emptyState(q.value || drive.value ? "No vehicle matches." : "No vehicles yet."));
      } else {
        replace(table,
          dataTable(["#", "Tag", "VIN", "Program", "Drive", "Weight", "Class", "Team", ""], page.items.map((v) =>
            h(
              "tr",
              {},
              h("td", {}, String(v.id)),
              h("td", { class: "mono" }, v.tag || h("span", { class: "muted", title: "Placeholder: tag to come" }, v.placeholder_key)),
              h("td", { class: "mono" }, v.vin || "—"),
              h("td", {}, v.program || "—"),
              h("td", {}, v.drive_type),
              h("td", { class: "num" }, v.weight_lbs ? v.weight_lbs.toLocaleString() : "—"),
              h("td", {}, v.weight_class),
              h("td", {}, v.cert_team || "—"),
              h("td", {}, h("button", { type: "button", class: "btn btn-small", "aria-label": `Book vehicle ${vehicleName(v)}`, onclick: () => emit("navigate", { view: "book", arg: { vehicle: v } }) }, "Book…")),
            ),
          )),
        );
      }
      const last = Math.min(offset + PAGE, page.total);
      replace(pager,
        h("span", { class: "muted" }, page.total ? `${offset + 1}–${last} of ${page.total}` : ""),
        h("button", { type: "button", class: "btn", disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, "‹ Previous"),
        h("button", { type: "button", class: "btn", disabled: last >= page.total, onclick: () => { offset += PAGE; load(); } }, "Next ›"),
      );
    } catch (err) {
      replace(table, errorBox(errorText(err)));
    }
  }

  const reload = debounce(() => {
    offset = 0;
    load();
  });
  q.addEventListener("input", reload);
  drive.addEventListener("change", reload);
  addButton.addEventListener("click", () => {
    addForm.hidden = !addForm.hidden;
    addButton.setAttribute("aria-expanded", String(!addForm.hidden));
    if (!addForm.hidden) tag.focus();
  });
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    try {
      const body = { tag: tag.value || null, vin: vin.value || null, drive_type: newDrive.value, program: program.value || null, cert_team: team.value || null };
      if (weight.value) body.weight_lbs = Number(weight.value);
      if (newClass.value) body.weight_class = newClass.value;
      const created = await api.post("vehicles", body);
      toast(`Vehicle #${created.id} registered.`, "success");
      addForm.reset();
      addForm.hidden = true;
      q.value = vehicleName(created);
      offset = 0;
      load();
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    }
  });

  return { show: load };
}
