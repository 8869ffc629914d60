// The API's field names as the forms label them, so errors name the field the user sees.

export const FIELD_LABELS = {
  vehicle_id: "Vehicle",
  vin: "VIN",
  tag: "Tag",
  test_type: "Test type",
  start_date: "Start date",
  end_date: "End date",
  new_start_date: "New start date",
  days_to_complete: "Days",
  weight_lbs: "Weight (lbs)",
  weight_class: "Weight class",
  drive_type: "Drive",
  dyno: "Dyno",
  dyno_id: "Dyno",
  max_backup_days: "Days later at most",
  full_name: "Name",
  available_from: "Available from",
  available_to: "Available to",
};

// In free text only the snake_case names are replaced: "dyno" or "tag" there are plain words.
const NAMES = new RegExp(`\\b(${Object.keys(FIELD_LABELS).filter((name) => name.includes("_")).join("|")})\\b`, "g");

/** The label of an API field ("body.weight_lbs", "weight_lbs" -> "Weight (lbs)"). */
export function fieldLabel(field, labels = {}) {
  const name = String(field ?? "").split(".").pop();
  return labels[name] ?? FIELD_LABELS[name] ?? name;
}

/** A message with the API's field names replaced by the labels the user sees. */
export function labelFields(message, labels = {}) {
  return String(message ?? "").replace(NAMES, (name) => fieldLabel(name, labels));
}
