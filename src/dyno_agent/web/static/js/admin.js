// The Users view (admins): search users, change roles and active state, create accounts.

import { api, errorText } from "./api.js";
import { append, debounce, emptyState, errorBox, field, h, loading, option, replace, toast, dataTable } from "./dom.js";
import { formatDateTime } from "./dates.js";
import { state } from "./state.js";

const ROLES = ["user", "power_user", "admin"];

export function createUsersView(root) {
  const q = h("input", { type: "search", placeholder: "Email or name", "aria-label": "Search users" });
  const list = h("div", { class: "list" });
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });

  const email = h("input", { type: "email", required: true });
  const name = h("input", { type: "text", maxlength: 120 });
  const password = h("input", { type: "password", required: true, minlength: 8, autocomplete: "new-password" });
  const role = h("select", {}, ROLES.map((r) => option(r, r, r === "user")));
  const form = h(
    "form",
    { class: "inline-form", "aria-label": "Create a user" },
    field("Email", email),
    field("Full name", name),
    field("Password", password, "At least 8 characters."),
    field("Role", role),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Create user")),
  );

  append(root, 
    h("div", { class: "toolbar" }, h("h2", {}, "Users and roles"), h("div", { class: "toolbar-group filters" }, q)),
    h("details", { class: "card" }, h("summary", {}, "Create a user"), form),
    problem,
    list,
  );

  /** PATCH the user; false (with the reason shown) when refused, e.g. for the last admin. */
  async function update(user, change) {
    problem.hidden = true;
    try {
      Object.assign(user, await api.patch(`users/${user.id}`, change));
      toast(`${user.email} updated.`, "success");
      return true;
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
      return false;
    }
  }

  async function load() {
    replace(list, loading());
    try {
      const users = await api.get("users", { q: q.value.trim(), limit: 500 });
      if (users.length === 0) {
        replace(list, emptyState("No user matches."));
        return;
      }
      replace(list,
        dataTable(["#", "Email", "Name", "Role", "Active", "Created"], users.map((user) => {
          const roleSelect = h("select", { "aria-label": `Role of ${user.email}` }, ROLES.map((r) => option(r, r, r === user.role)));
          roleSelect.addEventListener("change", async () => {
            if (!(await update(user, { role: roleSelect.value }))) roleSelect.value = user.role;
          });
          const active = h("input", { type: "checkbox", checked: user.is_active, "aria-label": `${user.email} is active`, disabled: user.id === state.user.id });
          active.addEventListener("change", async () => {
            if (!(await update(user, { is_active: active.checked }))) active.checked = user.is_active;
          });
          return h(
            "tr",
            { "data-user-id": user.id },
            h("td", {}, String(user.id)),
            h("td", {}, user.email, user.id === state.user.id ? h("span", { class: "badge" }, "you") : null),
            h("td", {}, user.full_name || "—"),
            h("td", {}, roleSelect),
            h("td", {}, active),
            h("td", {}, formatDateTime(user.created_at)),
          );
        })),
      );
    } catch (err) {
      replace(list, errorBox(errorText(err)));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    try {
      const created = await api.post("users", { email: email.value, password: password.value, full_name: name.value || null, role: role.value });
      toast(`${created.email} created as ${created.role}.`, "success");
      form.reset();
      load();
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    }
  });
  q.addEventListener("input", debounce(load));

  return { show: load };
}
