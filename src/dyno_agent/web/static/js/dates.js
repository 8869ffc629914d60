// Calendar days as "YYYY-MM-DD" strings, computed in UTC so time zones never shift a day.

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

export function formatDay(day, options = { day: "numeric", month: "short", year: "numeric" }) {
  return parseDay(day).toLocaleDateString("en-GB", { timeZone: "UTC", ...options });
}

export function formatRange(start, end) {
  return start === end ? formatDay(start) : `${formatDay(start)} – ${formatDay(end)}`;
}

export function formatDateTime(text) {
  const date = new Date(text);
  return Number.isNaN(date.getTime())
    ? text
    : date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}
