// Who is signed in, the server's settings, shared vocabularies, and an app-wide event bus.

const RANK = { user: 0, power_user: 1, admin: 2 };

export const state = {
  config: null, // GET /ui/config: {today, registration, demo}
  user: null, // GET /api/v1/auth/me
  testTypes: [], // GET /api/v1/dynos/test-types
};

export function hasRole(role) {
  return state.user !== null && RANK[state.user.role] >= RANK[role];
}

/** Today as the server sees it (DYNO_TODAY may pin it), as YYYY-MM-DD. */
export function today() {
  return state.config?.today ?? new Date().toISOString().slice(0, 10);
}

/** Owners may cancel or move their own bookings; power users and admins any booking. */
export function mayChange(allocation) {
  return hasRole("power_user") || (state.user !== null && allocation.created_by === state.user.id);
}

const bus = new EventTarget();

export function emit(name, detail) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

export function on(name, handler) {
  const listener = (event) => handler(event.detail);
  bus.addEventListener(name, listener);
  return () => bus.removeEventListener(name, listener);
}
