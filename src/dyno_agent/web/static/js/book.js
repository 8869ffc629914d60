// The Book view: an availability search (or a vehicle picked by tag or VIN), its answer, one-click booking.

import { api, errorText } from "./api.js";
import { append, debounce, emptyState, errorBox, field, h, loading, option, replace, toast, vehicleName } from "./dom.js";
import { addDays, dayElement, isoOnHover, nextMonday, rangeElements, withDates } from "./dates.js";
import { emit, state, today } from "./state.js";
import { createRepeatSection } from "./series.js";
import { joinWaitlistBlock } from "./waitlist.js";
import { bookingNoteFields } from "./notes.js";

const LABELS = { vehicle_id: "Vehicle", start_date: "Start date", days_to_complete: "Days" };
const REASONS = { busy: "booked", maintenance: "maintenance", disabled: "disabled", outside_window: "outside its dates" };

export function createBookView(root) {
  let vehicle = null; // the picked vehicle, or null
  let lastSearch = null; // the query of the answer on screen

  const vehicleInput = h("input", { type: "text", list: "book-vehicles", autocomplete: "off", placeholder: "Tag, VIN, program or #id", spellcheck: "false" });
  const vehicleList = h("datalist", { id: "book-vehicles" });
  const vehicleInfo = h("p", { class: "vehicle-info muted", "aria-live": "polite" }, "No vehicle picked: search by weight and drive only.");
  const testType = h("select", { required: true }, option("", "Choose a test type"));
  const start = isoOnHover(h("input", { type: "date", required: true, value: nextMonday(today()) }));
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
  const repeat = createRepeatSection(() => ({ vehicle, testType: testType.value, start: start.value, days: Number(days.value) }));
  append(root, h("h2", {}, "Book a dyno"), form, repeat, results);
  results.append(emptyState("Fill in the test and the dates, then search. Picking a vehicle fills its weight and drive."));

  function endDate() {
    const n = Number(days.value);
    return start.value && n >= 1 ? addDays(start.value, n - 1) : null;
  }
  function updateEnd() {
    const end = endDate();
    replace(endText, end ? ["Ends ", dayElement(end, { weekday: "short", day: "numeric", month: "short", year: "numeric" })] : []);
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
    vehicleInfo.textContent = `#${found.id} · ${found.program || "no program"} · ${found.drive_type} · ${found.weight_lbs ? `${found.weight_lbs.toLocaleString()} lbs` : "weight unknown"} (${found.weight_class})`;
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
          `Booked allocation #${allocation.id}: ${allocation.test_type} on ${allocation.dyno?.name}, `,
          rangeElements(allocation.start_date, allocation.end_date),
          ". ",
          answer.message ? [withDates(answer.message), " "] : "",
          h("button", { type: "button", class: "btn btn-link", onclick: () => emit("navigate", { view: "schedule", arg: { allocation } }) }, "Show on the schedule"),
        ),
      );
    } catch (err) {
      results.prepend(errorBox(errorText(err, LABELS)));
    }
  }

  function bookingBody(extra) {
    return { vehicle_id: vehicle.id, test_type: lastSearch.test_type, start_date: lastSearch.start_date, days_to_complete: lastSearch.days, ...noteFields.values(), ...extra };
  }

  function searchFrom(day) {
    return h("button", { type: "button", class: "btn", onclick: () => { start.value = day; start.dispatchEvent(new Event("input")); form.requestSubmit(); } }, "Search from ", dayElement(day));
  }

  // The picked vehicle is booked itself in the window: say that first, and offer no dyno.
  function showClash(answer) {
    const clash = answer.vehicle_clash;
    return h(
      "div",
      { class: "alert alert-warning vehicle-clash", role: "alert" },
      h("strong", {}, `${clash.vehicle} is already booked then: `),
      `allocation #${clash.allocation_id}, ${clash.test_type}${clash.dyno ? ` on ${clash.dyno}` : ""}, `,
      rangeElements(clash.start_date, clash.end_date),
      ". No dyno can take it in this window. ",
      answer.earliest_start ? [h("span", {}, "Earliest it and a dyno are free: ", dayElement(answer.earliest_start), ` on ${answer.earliest_dyno?.name}. `), searchFrom(answer.earliest_start)] : null,
    );
  }

  function showAnswer(answer) {
    if (answer.vehicle_clash) {
      replace(results, showClash(answer));
      return;
    }
    const parts = [h("p", { class: "answer-message" }, withDates(answer.message))];
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
            "Earliest free: ",
            dayElement(answer.earliest_start),
            ` on ${answer.earliest_dyno?.name}. `,
            searchFrom(answer.earliest_start),
          ),
        );
      }
      parts.push(joinWaitlistBlock({ vehicle, testType: lastSearch.test_type, startDate: lastSearch.start_date, days: lastSearch.days }));
    }
    replace(results, ...parts.filter(Boolean));
  }

  async function search(focusResults = true) {
    if (!(await resolveVehicle())) return;
    const end = endDate();
    if (!vehicle && !weight.value && !weightClass.value) {
      replace(results, errorBox("Give the Weight (lbs) or choose a Weight class."));
      return;
    }
    lastSearch = { test_type: testType.value, start_date: start.value, days: Number(days.value) };
    const query = { start_date: start.value, end_date: end, test_type: testType.value };
    if (vehicle) query.vehicle_id = vehicle.id; // its own drive, weight class and bookings
    else {
      query.drive_type = drive.value;
      if (weight.value) query.weight_lbs = weight.value;
      else query.weight_class = weightClass.value;
    }
    replace(results, loading("Searching…"));
    try {
      showAnswer(await api.get("availability", query));
      if (focusResults) results.querySelector("button:not([disabled])")?.focus();
    } catch (err) {
      replace(results, errorBox(errorText(err, LABELS)));
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
