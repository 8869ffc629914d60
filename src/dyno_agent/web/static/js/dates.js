// Calendar days as "YYYY-MM-DD" strings, computed in UTC so time zones never shift a day.
// The one place dates are shown: in the user's locale (Intl.DateTimeFormat), ISO on hover.

const DAY_MS = 86_400_000;

export function parseDay(text) {
  const [y, m, d] = text.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export function addDays(day, n) {
  return isoDay(new Date(parseDay(day).getTime() + n * DAY_MS));
}

/** Days from `a` to `b` (b - a). */
export function daysBetween(a, b) {
  return Math.round((parseDay(b) - parseDay(a)) / DAY_MS);
}

/** 0 = Monday ... 6 = Sunday */
export function weekdayIndex(day) {
  return (parseDay(day).getUTCDay() + 6) % 7;
}

export function mondayOf(day) {
  return addDays(day, -weekdayIndex(day));
}

export function nextMonday(day) {
  return addDays(mondayOf(day), 7);
}

export function monthStart(day, offset = 0) {
  const d = parseDay(day);
  return isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1)));
}

export function quarterStart(day, offset = 0) {
  const d = parseDay(day);
  const month = Math.floor(d.getUTCMonth() / 3) * 3 + offset * 3;
  return isoDay(new Date(Date.UTC(d.getUTCFullYear(), month, 1)));
}

const LOCALE = undefined; // the browser's, i.e. the user's, locale
const DAY_FORMAT = { day: "numeric", month: "short", year: "numeric" };
const ISO_DAY = /\b(\d{4}-\d{2}-\d{2})\b/g;

export function formatDay(day, options = DAY_FORMAT) {
  return new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", ...options }).format(parseDay(day));
}

export function formatRange(start, end) {
  return start === end ? formatDay(start) : `${formatDay(start)} – ${formatDay(end)}`;
}

export function formatDateTime(text) {
  const date = new Date(text);
  return Number.isNaN(date.getTime())
    ? text
    : new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** A `<time>` showing the day in the user's locale, its ISO date on hover. */
export function dayElement(day, options = DAY_FORMAT) {
  const time = document.createElement("time");
  time.dateTime = day;
  time.title = day;
  time.textContent = formatDay(day, options);
  return time;
}

/** `dayElement`s for a range: "start – end" (one day when equal). */
export function rangeElements(start, end) {
  return start === end ? [dayElement(start)] : [dayElement(start), " – ", dayElement(end)];
}

/** Text (a message from the API) as nodes, its ISO days shown in the user's locale. */
export function withDates(text) {
  const parts = String(text ?? "").split(ISO_DAY);
  return parts.map((part, index) => (index % 2 ? dayElement(part) : part)).filter((part) => part !== "");
}

/** Keeps a date input's ISO value in its title (the input shows the day in the user's locale). */
export function isoOnHover(input) {
  const sync = () => {
    input.title = input.value ? `${input.value} (${formatDay(input.value, { dateStyle: "full" })})` : "";
  };
  for (const event of ["input", "change", "mouseenter", "focus"]) input.addEventListener(event, sync);
  sync();
  return input;
}
