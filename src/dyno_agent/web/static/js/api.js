// The REST API over fetch(): bearer token, JSON bodies, `{error, message, details}` errors, 401 handling.

import { fieldLabel, labelFields } from "./field-names.js";
import { readEvents } from "./sse.js";

export const API = "/api/v1";
const TOKEN_KEY = "dyno.token";

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let expiredHandler = () => {};
let expiryTimer = null;

/** Called once when the token is refused (401) or reaches its expiry time. */
export function onSessionExpired(handler) {
  expiredHandler = handler;
}

export function getToken() {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
  scheduleExpiry(token);
}

export function clearToken() {
  localStorage.removeItem(TOKEN_KEY);
  clearTimeout(expiryTimer);
}

function tokenExpiry(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const exp = JSON.parse(atob(payload)).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export function scheduleExpiry(token) {
  clearTimeout(expiryTimer);
  const at = tokenExpiry(token);
  if (at === null) return;
  const wait = Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1);
  expiryTimer = setTimeout(expire, wait);
}

function expire() {
  if (!getToken()) return;
  clearToken();
  expiredHandler();
}

function buildUrl(path, query) {
  const url = new URL(path.startsWith("/") ? path : `${API}/${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value === null || value === undefined || value === "") continue;
    url.searchParams.set(key, String(value));
  }
  return url;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy page or an empty body
  }
  const message = body?.message || `The server answered ${response.status} ${response.statusText}.`;
  return new ApiError(response.status, body?.error || "http_error", message, body?.details);
}

/**
 * One API call. `path` is "vehicles" (under /api/v1) or an absolute path such as "/ui/config".
 * Options: query, body (JSON, or FormData sent as multipart), signal, raw (return the Response),
 * accept (the Accept header of a raw call), auth (default true).
 */
export async function request(method, path, { query, body, signal, raw = false, accept, auth = true } = {}) {
  const headers = { Accept: accept ?? (raw ? "text/event-stream" : "application/json") };
  const token = getToken();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  const multipart = body instanceof FormData;
  if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined || multipart ? body : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "network", "The server cannot be reached. Is it running?");
  }
  if (response.status === 401 && auth && token) {
    expire();
    throw new ApiError(401, "session_expired", "Your session expired; please log in again.");
  }
  if (!response.ok) throw await errorOf(response);
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const api = {
  get: (path, query, options) => request("GET", path, { ...options, query }),
  post: (path, body, options) => request("POST", path, { ...options, body }),
  patch: (path, body, options) => request("PATCH", path, { ...options, body }),
  put: (path, body, options) => request("PUT", path, { ...options, body }),
  del: (path, options) => request("DELETE", path, options),
  /** POST one file as multipart form field `field`. */
  upload: (path, file, query, field = "file") => {
    const form = new FormData();
    form.append(field, file, file.name);
    return request("POST", path, { query, body: form });
  },
};

function fileNameOf(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

/**
 * Download a file the API serves: fetched with the bearer token (never put in the URL), then saved
 * from a blob. Resolves to the file name used.
 */
export async function download(path, query, fallbackName) {
  const response = await request("GET", path, { query, raw: true, accept: "*/*" });
  const name = fileNameOf(response, fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** Every item of a paginated `{items, total}` listing. */
export async function getAll(path, query = {}, pageSize = 500) {
  const items = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await api.get(path, { ...query, limit: pageSize, offset });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/** A chat turn's Server-Sent Events as parsed objects. */
export async function* streamEvents(path, body, signal) {
  const response = await request("POST", path, { body, signal, raw: true });
  yield* readEvents(response.body);
}

/** A readable one-line message for any error thrown by these calls. */
/** What went wrong, for people: fields named by their form labels (`labels` adds a form's own). */
export function errorText(err, labels = {}) {
  if (err instanceof ApiError) {
    const problems = err.details?.errors;
    if (Array.isArray(problems) && problems.length) {
      return problems
        .map((p) => (p.field ? `${fieldLabel(p.field, labels)}: ${labelFields(p.message ?? p.msg, labels)}` : labelFields(p.message ?? p.msg ?? String(p), labels)))
        .join("; ");
    }
    return labelFields(err.message, labels);
  }
  return err?.message || String(err);
}
