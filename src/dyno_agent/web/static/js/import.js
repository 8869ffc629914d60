// The Import view (power users): check a forecast workbook (dry run), read the report, then import.

import { ApiError, api, errorText } from "./api.js";
import { append, dataTable, emptyState, errorBox, field, h, loading, replace, toast } from "./dom.js";
import { emit } from "./state.js";

const MAX_CHANGE_ROWS = 500; // rows drawn per table; the counts above them cover every row

function total(group) {
  return Object.values(group || {}).reduce((a, b) => a + b, 0);
}

/** True when importing the checked file would write something. */
function hasWork(report) {
  return (
    total(report.created) + total(report.updated) > 0 ||
    Boolean(report.rules?.added?.length || report.rules?.removed?.length) ||
    Boolean(report.maintenance?.added?.length || report.maintenance?.removed?.length)
  );
}

function stat(key, label, value, tone = "") {
  return h("div", { class: `stat${tone ? ` stat-${tone}` : ""}`, "data-stat": key }, h("span", { class: "stat-value" }, String(value)), h("span", { class: "stat-label" }, label));
}

function counts(report) {
  return h(
    "div",
    { class: "stats", role: "group", "aria-label": "Import counts" },
    stat("rows", "rows read", report.rows),
    stat("valid", "valid", report.valid, "good"),
    stat("invalid", "invalid", report.invalid, report.invalid ? "bad" : ""),
    stat("created-vehicles", "vehicles created", report.created.vehicles),
    stat("created-requests", "requests created", report.created.requests),
    stat("created-allocations", "allocations created", report.created.allocations),
    stat("updated-vehicles", "vehicles updated", report.updated.vehicles),
    stat("updated-requests", "requests updated", report.updated.requests),
    report.updated.allocations !== undefined ? stat("updated-allocations", "allocations updated", report.updated.allocations) : null,
    stat("unchanged", "unchanged", report.unchanged),
    stat("skipped", "skipped", report.skipped, report.skipped ? "warn" : ""),
  );
}

function cellText(value) {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function problemsTable(problems) {
  const errors = problems.filter((p) => p.severity !== "warning");
  const ordered = [...errors, ...problems.filter((p) => p.severity === "warning")];
  return h(
    "section",
    { class: "card", "aria-label": "Problems" },
    h("h3", {}, `Problems (${errors.length} make a row invalid, ${problems.length - errors.length} warnings)`),
    dataTable(
      ["Sheet", "Row", "Column", "Value", "Reason", ""],
      ordered.slice(0, MAX_CHANGE_ROWS).map((p) =>
        h(
          "tr",
          { class: `problem problem-${p.severity ?? "error"}` },
          h("td", {}, p.sheet),
          h("td", { class: "num" }, p.row ?? "—"),
          h("td", {}, p.column ?? "—"),
          h("td", {}, h("code", {}, cellText(p.value))),
          h("td", {}, p.reason),
          h("td", {}, h("span", { class: `badge severity-${p.severity ?? "error"}` }, p.severity === "warning" ? "warning: imported" : "invalid row")),
        ),
      ),
    ),
    ordered.length > MAX_CHANGE_ROWS ? h("p", { class: "muted" }, `The first ${MAX_CHANGE_ROWS} of ${ordered.length} problems are shown; the CLI's --json lists them all.`) : null,
  );
}

function fieldChanges(fields) {
  const entries = Object.entries(fields || {});
  if (!entries.length) return "—";
  return h(
    "ul",
    { class: "field-changes" },
    entries.map(([name, [before, after]]) => h("li", {}, h("strong", {}, name), ": ", h("del", {}, cellText(before)), " → ", h("ins", {}, cellText(after)))),
  );
}

function changesSection(changes) {
  const showUnchanged = h("input", { type: "checkbox" });
  const body = h("div");
  function draw() {
    const shown = changes.filter((c) => showUnchanged.checked || c.action !== "unchanged");
    if (!shown.length) {
      replace(body, emptyState("Nothing to change."));
      return;
    }
    replace(
      body,
      dataTable(
        ["Row", "Key", "Action", "Fields"],
        shown.slice(0, MAX_CHANGE_ROWS).map((c) =>
          h(
            "tr",
            { class: `change change-${c.action}` },
            h("td", { class: "num" }, String(c.row)),
            h("td", {}, c.key),
            h("td", {}, h("span", { class: `badge action-${c.action}` }, c.action), c.what === "allocation" ? h("small", { class: "muted" }, " booking") : null),
            h("td", {}, fieldChanges(c.fields)),
          ),
        ),
      ),
      shown.length > MAX_CHANGE_ROWS ? h("p", { class: "muted" }, `The first ${MAX_CHANGE_ROWS} of ${shown.length} rows are shown.`) : null,
    );
  }
  showUnchanged.addEventListener("change", draw);
  draw();
  return h(
    "section",
    { class: "card", "aria-label": "Changes" },
    h("div", { class: "card-head" }, h("h3", {}, "Changes"), h("label", { class: "check" }, showUnchanged, " Show unchanged rows")),
    body,
  );
}

function vehicleSection(changes) {
  if (!changes?.length) return null;
  return h(
    "section",
    { class: "card", "aria-label": "Vehicle changes" },
    h("h3", {}, `Vehicles changed (${changes.length})`),
    dataTable(["Vehicle", "Fields"], changes.slice(0, MAX_CHANGE_ROWS).map((v) => h("tr", {}, h("td", {}, v.key), h("td", {}, fieldChanges(v.fields))))),
  );
}

function itemText(item) {
  if (item === null || typeof item !== "object") return String(item);
  return Object.entries(item)
    .map(([k, v]) => `${k}: ${cellText(v)}`)
    .join(", ");
}

function diffSection(title, diff) {
  if (!diff) return null;
  const added = diff.added || [];
  const removed = diff.removed || [];
  return h(
    "section",
    { class: "card", "aria-label": title },
    h("h3", {}, title),
    !added.length && !removed.length ? h("p", { class: "muted" }, "No change.") : null,
    added.length ? h("ul", { class: "diff-list" }, added.map((item) => h("li", { class: "diff-added" }, "+ ", itemText(item)))) : null,
    removed.length ? h("ul", { class: "diff-list" }, removed.map((item) => h("li", { class: "diff-removed" }, "− ", itemText(item)))) : null,
  );
}

function reportView(report) {
  return h(
    "div",
    { class: "import-report", "aria-label": "Import report" },
    h("p", { class: "muted report-source" }, `${report.file}${report.sheet ? ` · sheet “${report.sheet}”` : ""} · ${report.dry_run ? "checked, nothing written" : "imported"}`),
    counts(report),
    report.problems.length ? problemsTable(report.problems) : null,
    diffSection("Dyno rules", report.rules),
    diffSection("Maintenance windows", report.maintenance),
    vehicleSection(report.vehicle_changes),
    changesSection(report.changes),
  );
}

function createdText(report) {
  const c = report.created;
  const u = report.updated;
  return `Imported: ${c.vehicles} vehicles, ${c.requests} requests and ${c.allocations} allocations created; ${u.vehicles} vehicles and ${u.requests} requests updated; ${report.skipped} rows skipped.`;
}

export function createImportView(root) {
  let checked = null; // {file, report} after a successful check of the chosen file
  let busy = false;

  const fileInput = h("input", { type: "file", accept: ".xlsx,.csv", required: true });
  const rules = h("input", { type: "checkbox" });
  const maintenance = h("input", { type: "checkbox" });
  const checkButton = h("button", { type: "submit", class: "btn" }, "Check");
  const importButton = h("button", { type: "button", class: "btn btn-primary", disabled: true }, "Import");
  const status = h("p", { class: "hint import-status", "aria-live": "polite" }, "Choose a file, then Check: nothing is written until you Import.");
  const output = h("div", { class: "import-output", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "inline-form import-form", "aria-label": "Import a forecast" },
    field("Forecast file (.xlsx or .csv)", fileInput),
    h(
      "fieldset",
      { class: "checks" },
      h("legend", {}, "Also replace (xlsx only)"),
      h("label", { class: "check" }, rules, " Dyno rules (sheet DynoRules)"),
      h("label", { class: "check" }, maintenance, " Maintenance (sheet Maintenance)"),
    ),
    h("div", { class: "form-actions" }, checkButton, importButton),
    status,
  );
  append(root, h("h2", {}, "Import the forecast"), form, output);

  function query(extra) {
    return { rules: rules.checked || null, maintenance: maintenance.checked || null, ...extra };
  }

  function setImport(report) {
    importButton.disabled = true;
    importButton.textContent = "Import";
    if (!report) return;
    if (!hasWork(report)) {
      status.textContent = "Nothing to import: every row is already in the schedule as the file says.";
      return;
    }
    importButton.disabled = false;
    if (report.invalid) {
      importButton.textContent = `Import, skipping ${report.invalid} invalid rows`;
      status.textContent = `${report.invalid} of ${report.rows} rows are invalid (see Problems). Fix the file and check again, or import the valid rows only.`;
    } else {
      status.textContent = "Every row is valid. Import writes the changes below in one transaction.";
    }
  }

  function reset() {
    checked = null;
    setImport(null);
    replace(output);
    status.textContent = fileInput.files.length ? "Check the file to see what it would change." : "Choose a file, then Check: nothing is written until you Import.";
  }

  function showError(err) {
    const report = err instanceof ApiError && err.code === "invalid_rows" ? err.details : null;
    const title = err instanceof ApiError && err.status === 413 ? "The file is too large." : err instanceof ApiError && err.code === "not_a_workbook" ? "This file is not a forecast workbook." : null;
    replace(output, errorBox(title ? `${title} ${errorText(err)}` : errorText(err)), report?.problems ? reportView(report) : null);
  }

  async function run(dryRun) {
    const file = fileInput.files[0];
    if (!file || busy) return;
    busy = true;
    checkButton.disabled = true;
    importButton.disabled = true;
    replace(output, loading(dryRun ? "Checking the file…" : "Importing…"));
    try {
      const report = await api.upload("imports/forecast", file, query({ dry_run: dryRun, skip_invalid: dryRun ? null : Boolean(checked?.report.invalid) }));
      if (dryRun) {
        checked = { file, report };
        replace(output, reportView(report));
        setImport(report);
      } else {
        checked = null;
        setImport(null);
        status.textContent = "Imported. Check the file again to confirm nothing is left to change.";
        replace(output, h("div", { class: "alert alert-success", role: "status" }, createdText(report)), reportView(report));
        toast("Forecast imported.", "success");
        emit("allocations-changed");
      }
    } catch (err) {
      if (dryRun) checked = null;
      setImport(checked?.report ?? null);
      showError(err);
    } finally {
      busy = false;
      checkButton.disabled = false;
    }
  }

  fileInput.addEventListener("change", reset);
  for (const box of [rules, maintenance]) box.addEventListener("change", reset);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(true);
  });
  importButton.addEventListener("click", () => {
    if (checked && checked.file === fileInput.files[0]) run(false);
  });
  return {};
}
