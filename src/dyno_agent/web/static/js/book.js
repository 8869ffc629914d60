// The Book view: an availability search (or a vehicle picked by tag or VIN), its answer, one-click booking.

import { api, errorText } from "./api.js";
import { append, debounce, emptyState, errorBox, field, h, loading, option, replace, toast, vehicleName } from "./dom.js";
import { addDays, formatDay, formatRange, nextMonday } from "./dates.js";
import { emit, state, today } from "./state.js";
import { bookingNoteFields } from "./notes.js";

const REASONS = { busy: "booked", maintenance: "maintenance", disabled: "disabled", outside_window: "outside its dates" };

export function createBookView(root) {
  let vehicle = null; // the picked vehicle, or null
  let lastSearch = null; // the query of the answer on screen

  const vehicleInput = h("input", { type: "text", list: "book-vehicles", autocomplete: "off", placeholder: "Tag, VIN, program or #id", spellcheck: "false" });
  const vehicleList = h("datalist", { id: "book-vehicles" });
  const vehicleInfo = h("p", { class: "vehicle-info muted", "aria-live": "polite" }, "No vehicle picked: search by weight and drive only.");
  const testType = h("select", { required: true }, option("", "Choose a test type"));
  const start = h("input", { type: "date", required: true, value: nextMonday(today()) });
  const days = h("input", { type: "number", min: 1, max: 3650, required: true, value: 2 });
  const endText = h("small", { class: "hint" });
  const weight = h("input", { type: "number", min: 1, max: 200000, step: 1, placeholder: "e.g. 4800" });
  const weightClass = h("select", {}, option("", "From the weight"), option("<10K"), option(">10K"));
  const drive = h("select", { required: true }, option("", "Choose"), option("2WD"), option("AWD"), option("4WD"));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Find free dynos");
  const noteFields = bookingNoteFields();
  const form = h(
    "form",
    { class: "book-form", "aria-label": "Availability search" },
    h("div", { class: "field vehicle-field" }, h("label", { for: "book-vehicle" }, "Vehicle (optional)"), vehicleInput, vehicleList, vehicleInfo),
    field("Test type", testType),
    field("Start date", start),
    h("div", { class: "field" }, h("label", { for: "book-days" }, "Days"), days, endText),
    field("Weight (lbs)", weight),
    field("Weight class", weightClass),
    field("Drive", drive),
    ...noteFields.elements,
    h("div", { class: "form-actions" }, submit),
  );
  vehicleInput.id = "book-vehicle";
  days.id = "book-days";
  const results = h("section", { class: "book-results", "aria-live": "polite", "aria-label": "Availability" });

  root.classList.add("book");
  append(root, h("h2", {}, "Book a dyno"), form, results);
  results.append(emptyState("Fill in the test and the dates, then search. Picking a vehicle fills its weight and drive."));

  function endDate() {
    const n = Number(days.value);
    return start.value && n >= 1 ? addDays(start.value, n - 1) : null;
  }
  function updateEnd() {
    const end = endDate();
    endText.textContent = end ? `Ends ${formatDay(end, { weekday: "short", day: "numeric", month: "short", year: "numeric" })}` : "";
  }
  start.addEventListener("input", updateEnd);
  days.addEventListener("input", updateEnd);
  updateEnd();

  function pick(found) {
    vehicle = found;
    if (!found) {
      vehicleInfo.textContent = "No vehicle picked: search by weight and drive only.";
      return;
    }
    vehicleInput.value = vehicleName(found);
    weight.value = found.weight_lbs ?? "";
    weightClass.value = found.weight_lbs ? "" : found.weight_class;
    drive.value = found.drive_type;
    vehicleInfo.textContent = `#${found.id} · ${found.program || "no program"} · ${found.drive_type} · ${found.weight_lbs ? `${found.weight_lbs.toLocaleString("en-US")} lbs` : "weight unknown"} (${found.weight_class})`;
  }

  async function lookup(text) {
    const term = text.trim();
    if (!term) return [];
    if (/^#?\d+$/.test(term)) {
      try {
        return [await api.get(`vehicles/${term.replace("#", "")}`)];
      } catch {
        return [];
      }
    }
    const page = await api.get("vehicles", { q: term, limit: 20 });
    return page.items;
  }

  const suggest = debounce(async () => {
    try {
      const found = await lookup(vehicleInput.value);
      replace(vehicleList, ...found.map((v) => option(vehicleName(v), `${vehicleName(v)} · ${v.vin && v.vin !== vehicleName(v) ? `${v.vin} · ` : ""}${v.program || ""} · ${v.drive_type}`)));
      const exact = found.find((v) => names(v, vehicleInput.value));
      if (exact && exact !== vehicle) pick(exact);
    } catch {
      // suggestions are a convenience; the search reports real errors
    }
  }, 200);
  vehicleInput.addEventListener("input", () => {
    if (vehicle && !names(vehicle, vehicleInput.value)) pick(null);
    suggest();
  });

  async function resolveVehicle() {
    const text = vehicleInput.value.trim();
    if (!text || (vehicle && names(vehicle, text))) return true;
    const found = await lookup(text);
    const exact = found.find((v) => names(v, text)) ?? (found.length === 1 ? found[0] : null);
    if (!exact) {
      vehicleInfo.textContent = found.length ? `${found.length} vehicles match; pick one from the list.` : "No vehicle matches.";
      vehicleInput.focus();
      return false;
    }
    pick(exact);
    return true;
  }

  async function book(body, path) {
    try {
      const answer = await api.post(path, body);
      const allocation = answer.allocation ?? answer;
      emit("allocations-changed");
      noteFields.clear();
      toast(`Booked allocation #${allocation.id}.`, "success");
      await search(false);
      results.prepend(
        h(
          "div",
          { class: "alert alert-success", role: "status" },
          `Booked allocation #${allocation.id}: ${allocation.test_type} on ${allocation.dyno?.name}, ${formatRange(allocation.start_date, allocation.end_date)}. `,
          answer.message ? `${answer.message} ` : "",
          h("button", { type: "button", class: "btn btn-link", onclick: () => emit("navigate", { view: "schedule", arg: { allocation } }) }, "Show on the schedule"),
        ),
      );
    } catch (err) {
      results.prepend(errorBox(errorText(err)));
    }
  }

  function bookingBody(extra) {
    return { vehicle_id: vehicle.id, test_type: lastSearch.test_type, start_date: lastSearch.start_date, days_to_complete: lastSearch.days, ...noteFields.values(), ...extra };
  }

  function showAnswer(answer) {
    const parts = [h("p", { class: "answer-message" }, answer.message)];
    if (answer.free.length) {
      const needVehicle = vehicle ? null : h("p", { class: "muted" }, "Pick a vehicle above to book.");
      parts.push(
        needVehicle,
        h("div", { class: "actions" }, h("button", { type: "button", class: "btn btn-primary", disabled: !vehicle, onclick: () => book(bookingBody({}), "allocations/auto") }, "Book the best dyno")),
        h(
          "ol",
          { class: "free-list", "aria-label": "Free dynos, best first" },
          answer.free.map((dyno, index) =>
            h(
              "li",
              {},
              h("span", { class: "free-name" }, dyno.name),
              h("span", { class: "muted" }, ` ${dyno.facility}`),
              index === 0 ? h("span", { class: "badge badge-good" }, "best") : null,
              h("button", { type: "button", class: "btn", disabled: !vehicle, "aria-label": `Book ${dyno.name}`, onclick: () => book(bookingBody({ dyno: dyno.id }), "allocations") }, "Book"),
            ),
          ),
        ),
      );
    } else if (answer.compatible) {
      parts.push(
        h(
          "table",
          { class: "table" },
          h("thead", {}, h("tr", {}, h("th", {}, "Dyno"), h("th", {}, "Why not"), h("th", {}, "Detail"))),
          h("tbody", {}, answer.blocked.map((b) => h("tr", {}, h("td", {}, b.dyno.name), h("td", {}, h("span", { class: `badge reason-${b.reason}` }, REASONS[b.reason] || b.reason)), h("td", {}, b.detail)))),
        ),
      );
      if (answer.earliest_start) {
        parts.push(
          h(
            "p",
            {},
            `Earliest free: ${formatDay(answer.earliest_start)} on ${answer.earliest_dyno?.name}. `,
            h("button", { type: "button", class: "btn", onclick: () => { start.value = answer.earliest_start; updateEnd(); form.requestSubmit(); } }, `Search from ${answer.earliest_start}`),
          ),
        );
      }
    }
    replace(results, ...parts.filter(Boolean));
  }

  async function search(focusResults = true) {
    if (!(await resolveVehicle())) return;
    const end = endDate();
    if (!weight.value && !weightClass.value) {
      replace(results, errorBox("Give the weight in lbs or choose a weight class."));
      return;
    }
    lastSearch = { test_type: testType.value, start_date: start.value, days: Number(days.value) };
    const query = { start_date: start.value, end_date: end, test_type: testType.value, drive_type: drive.value };
    if (weight.value) query.weight_lbs = weight.value;
    else query.weight_class = weightClass.value;
    replace(results, loading("Searching…"));
    try {
      showAnswer(await api.get("availability", query));
      if (focusResults) results.querySelector("button:not([disabled])")?.focus();
    } catch (err) {
      replace(results, errorBox(errorText(err)));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });

  return {
    show(arg) {
      const keep = testType.value;
      replace(testType, option("", "Choose a test type"), state.testTypes.map((t) => option(t, t, t === keep)));
      if (arg?.vehicle) pick(arg.vehicle);
      (arg?.vehicle ? testType : vehicleInput).focus();
    },
  };
}

// Whether typed text names this vehicle: its tag or VIN, any case and spacing.
function names(v, text) {
  const key = text.trim().replace(/\s+/g, " ").toUpperCase();
  return key !== "" && (key === v.tag || key === v.vin);
}
