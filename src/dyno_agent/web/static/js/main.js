// Start-up, sign-in state and the tabs. Each view lives in its own module.

import { api, clearToken, errorText, getToken, onSessionExpired, scheduleExpiry } from "./api.js";
import { clear, h, toast } from "./dom.js";
import { showLogin } from "./login.js";
import { hasRole, on, state } from "./state.js";
import { createChatView } from "./chat.js";
import { createTimelineView } from "./timeline.js";
import { createBookView } from "./book.js";
import { createVehiclesView } from "./vehicles.js";
import { createDynosView } from "./dynos.js";
import { createReportsView } from "./reports.js";
import { createUsersView } from "./admin.js";
import { createPlanView } from "./plan.js";
import { createImportView } from "./import.js";
import { createFeedsView } from "./feeds.js";
import { createNotificationsView } from "./notifications.js";
import { createWaitlistView } from "./waitlist.js";
import { createApprovalsView } from "./approvals.js";

const VIEWS = [
  { id: "chat", label: "Chat", create: createChatView },
  { id: "schedule", label: "Schedule", create: createTimelineView },
  { id: "book", label: "Book", create: createBookView },
  { id: "plan", label: "Plan", create: createPlanView },
  { id: "waitlist", label: "Waitlist", create: createWaitlistView },
  { id: "vehicles", label: "Vehicles", create: createVehiclesView },
  { id: "dynos", label: "Dynos", create: createDynosView },
  { id: "reports", label: "Reports", create: createReportsView },
  { id: "feeds", label: "Calendar feeds", create: createFeedsView },
  { id: "approvals", label: "Approvals", create: createApprovalsView },
  { id: "import", label: "Import", create: createImportView, role: "power_user" },
  { id: "notifications", label: "Notifications", create: createNotificationsView },
  { id: "users", label: "Users", create: createUsersView, role: "admin" },
];
const EXPIRED = "Your session expired; please log in again.";

const loginView = document.getElementById("login-view");
const shell = document.getElementById("shell");
const tabs = document.getElementById("tabs");
const viewsRoot = document.getElementById("views");

let mounted = new Map(); // view id -> {root, view}
let current = null;
let pendingArg = null;
let unsubscribe = [];

function allowed(spec) {
  return !spec.role || hasRole(spec.role);
}

function viewFromHash() {
  const id = window.location.hash.replace(/^#\/?/, "").split("/")[0] || "chat";
  return VIEWS.find((v) => v.id === id) ? id : "chat";
}

function showView(id) {
  const spec = VIEWS.find((v) => v.id === id);
  for (const button of tabs.querySelectorAll("button")) {
    if (button.dataset.view === id) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  for (const [otherId, entry] of mounted) {
    if (otherId !== id) {
      entry.root.hidden = true;
      entry.view.hide?.();
    }
  }
  if (!allowed(spec)) {
    const root = h("section", { class: "view", "data-view": id }, h("div", { class: "alert alert-error", role: "alert" }, `This page needs the ${spec.role} role.`));
    mounted.get(id)?.root.remove();
    mounted.set(id, { root, view: {} });
    viewsRoot.append(root);
    current = id;
    return;
  }
  let entry = mounted.get(id);
  if (!entry) {
    const root = h("section", { class: "view", "data-view": id, "aria-label": spec.label });
    viewsRoot.append(root);
    entry = { root, view: spec.create(root) };
    mounted.set(id, entry);
  }
  entry.root.hidden = false;
  current = id;
  const arg = pendingArg;
  pendingArg = null;
  entry.view.show?.(arg);
}

/** Switch to a view, optionally handing it something (an allocation to show, a vehicle to book). */
export function navigate(id, arg = null) {
  pendingArg = arg;
  if (window.location.hash === `#${id}`) showView(id);
  else window.location.hash = `#${id}`; // the hashchange listener shows it
}

async function startShell() {
  state.user = await api.get("auth/me");
  state.testTypes = await api.get("dynos/test-types").catch(() => []);
  document.getElementById("whoami-email").textContent = state.user.email;
  document.getElementById("whoami-role").textContent = state.user.role;
  clear(tabs).append(
    ...VIEWS.filter(allowed).map((spec) =>
      h("button", { type: "button", class: "tab", "data-view": spec.id, onclick: () => navigate(spec.id) }, spec.label),
    ),
  );
  unsubscribe.push(on("navigate", ({ view, arg }) => navigate(view, arg)));
  loginView.hidden = true;
  shell.hidden = false;
  showView(viewFromHash());
}

function stopShell() {
  for (const { view } of mounted.values()) view.destroy?.();
  for (const off of unsubscribe) off();
  unsubscribe = [];
  mounted = new Map();
  current = null;
  clear(viewsRoot);
  clear(tabs);
  shell.hidden = true;
  state.user = null;
}

function toLogin(message = null) {
  stopShell();
  showLogin(loginView, { message, onSignedIn: startShell });
}

async function boot() {
  try {
    state.config = await api.get("/ui/config", undefined, { auth: false });
  } catch (err) {
    toast(errorText(err), "error");
  }
  document.getElementById("loading").hidden = true;
  onSessionExpired(() => toLogin(EXPIRED));
  const token = getToken();
  if (!token) {
    toLogin();
    return;
  }
  scheduleExpiry(token);
  try {
    await startShell();
  } catch (err) {
    if (getToken()) {
      clearToken();
      toLogin(errorText(err));
    }
  }
}

window.addEventListener("hashchange", () => {
  if (state.user) showView(viewFromHash());
});
document.getElementById("logout").addEventListener("click", () => {
  clearToken();
  window.location.hash = "";
  toLogin("You are logged out.");
});

boot();
