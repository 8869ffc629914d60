// The Dynos view: a searchable list; power users open the editor (details, rules, maintenance).

import { api, errorText } from "./api.js";
import { append, emptyState, errorBox, h, loading, option, replace, dataTable } from "./dom.js";
import { formatDay, formatRange } from "./dates.js";
import { colorFor } from "./colors.js";
import { showDynoEditor } from "./dyno-editor.js";
import { hasRole } from "./state.js";

function windowText(dyno) {
  if (!dyno.available_from && !dyno.available_to) return "always";
  if (dyno.available_from && dyno.available_to) return formatRange(dyno.available_from, dyno.available_to);
  return dyno.available_from ? `from ${formatDay(dyno.available_from)}` : `until ${formatDay(dyno.available_to)}`;
}

export function createDynosView(root) {
  let dynos = [];
  const q = h("input", { type: "search", placeholder: "Name, facility or test type", "aria-label": "Search dynos" });
  const facility = h("select", { "aria-label": "Facility" }, option("", "All facilities"));
  const list = h("div", { class: "list" });
  const editor = h("section", { class: "editor", hidden: true, "aria-label": "Dyno editor" });
  const canEdit = hasRole("power_user");
  const newButton = canEdit ? h("button", { type: "button", class: "btn", onclick: () => edit(null) }, "New dyno") : null;

  append(root, 
    h("div", { class: "toolbar" }, h("h2", {}, "Dynos"), h("div", { class: "toolbar-group filters" }, q, facility), newButton),
    canEdit ? null : h("p", { class: "muted" }, "Power users edit dynos, their rules and maintenance windows."),
    editor,
    list,
  );

  function edit(dyno) {
    showDynoEditor(editor, dyno, {
      onSaved: async (saved, reopen) => {
        await load();
        if (reopen) edit(saved);
      },
      onDeleted: () => {
        editor.hidden = true;
        load();
      },
      onClose: () => {
        editor.hidden = true;
        list.querySelector(`[data-dyno-id="${dyno?.id}"] button`)?.focus();
      },
    });
  }

  function render() {
    const term = q.value.trim().toLowerCase();
    const shown = dynos.filter(
      (d) =>
        (!facility.value || d.facility === facility.value) &&
        (!term || [d.name, d.facility, ...d.supported_test_types].some((text) => text.toLowerCase().includes(term))),
    );
    if (shown.length === 0) {
      replace(list, emptyState(dynos.length ? "No dyno matches." : "No dynos yet."));
      return;
    }
    replace(list,
      dataTable(["Name", "Facility", "State", "Bookable", "Test types", "Rules", ""], shown.map((d) =>
        h(
          "tr",
          { "data-dyno-id": d.id },
          h("td", {}, h("strong", {}, d.name)),
          h("td", {}, d.facility),
          h("td", {}, h("span", { class: `badge ${d.enabled ? "badge-good" : "badge-off"}` }, d.enabled ? "enabled" : "disabled")),
          h("td", {}, windowText(d)),
          h("td", {}, d.supported_test_types.map((t) => h("span", { class: "chip" }, h("span", { class: "swatch", style: { "--c": colorFor(t) } }), t))),
          h("td", { class: "num" }, String(d.rules.length)),
          h("td", {}, h("button", { type: "button", class: "btn btn-small", "aria-label": `${canEdit ? "Edit" : "View"} ${d.name}`, onclick: () => edit(d) }, canEdit ? "Edit" : "View")),
        ),
      )),
    );
  }

  async function load() {
    if (!dynos.length) replace(list, loading());
    try {
      dynos = await api.get("dynos");
      const keep = facility.value;
      replace(facility, option("", "All facilities"), [...new Set(dynos.map((d) => d.facility))].map((f) => option(f, f, f === keep)));
      render();
    } catch (err) {
      replace(list, errorBox(errorText(err)));
    }
  }

  q.addEventListener("input", render);
  facility.addEventListener("change", render);
  return { show: load };
}
