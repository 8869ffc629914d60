// The sign-in page: log in, or register a new account (role `user`) when registration is open.

import { api, errorText, setToken } from "./api.js";
import { clear, field, h } from "./dom.js";
import { state } from "./state.js";

function demoHint(demo, fill) {
  if (!demo) {
    return h("p", { class: "hint" }, "Use the account your lab administrator gave you.");
  }
  return h(
    "aside",
    { class: "demo-hint", "aria-label": "Demo logins" },
    h("p", {}, "Demo data is loaded. Every demo login uses the password ", h("code", {}, demo.password), ":"),
    h(
      "ul",
      {},
      demo.logins.map((login) =>
        h(
          "li",
          {},
          h("button", { type: "button", class: "btn btn-link", onclick: () => fill(login.email, demo.password) }, login.email),
          " ",
          h("span", { class: "badge" }, login.role),
        ),
      ),
    ),
  );
}

/** Render the page into `root`; `onSignedIn()` is called with a stored token. */
export function showLogin(root, { message = null, onSignedIn }) {
  const notice = h("div", { class: "alert alert-info", role: "alert", hidden: !message }, message || "");
  const problem = h("div", { class: "alert alert-error", role: "alert", hidden: true });

  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const loginButton = h("button", { type: "submit", class: "btn btn-primary" }, "Log in");
  const loginForm = h(
    "form",
    { class: "stack", "aria-label": "Log in" },
    field("Email", email),
    field("Password", password),
    loginButton,
  );

  const regEmail = h("input", { type: "email", autocomplete: "username", required: true });
  const regName = h("input", { type: "text", autocomplete: "name", maxlength: 120 });
  const regPassword = h("input", { type: "password", autocomplete: "new-password", required: true, minlength: 8 });
  const registerForm = h(
    "form",
    { class: "stack", "aria-label": "Create an account", hidden: true },
    field("Email", regEmail),
    field("Full name (optional)", regName),
    field("Password", regPassword, "At least 8 characters."),
    h("button", { type: "submit", class: "btn btn-primary" }, "Create account"),
  );

  const toggle = h("button", { type: "button", class: "btn btn-link" }, "Create an account");
  toggle.addEventListener("click", () => {
    const registering = registerForm.hidden;
    registerForm.hidden = !registering;
    loginForm.hidden = registering;
    toggle.textContent = registering ? "I already have an account" : "Create an account";
    (registering ? regEmail : email).focus();
  });

  async function signIn(address, secret, button) {
    problem.hidden = true;
    button.disabled = true;
    try {
      const token = await api.post("auth/login", { email: address, password: secret }, { auth: false });
      setToken(token.access_token);
      await onSignedIn();
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn(email.value, password.value, loginButton);
  });
  registerForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const button = registerForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await api.post(
        "auth/register",
        { email: regEmail.value, password: regPassword.value, full_name: regName.value || null },
        { auth: false },
      );
      await signIn(regEmail.value, regPassword.value, button);
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    } finally {
      button.disabled = false;
    }
  });

  const fill = (address, secret) => {
    email.value = address;
    password.value = secret;
    loginButton.focus();
  };

  clear(root).append(
    h(
      "div",
      { class: "login-card" },
      h("h1", {}, h("span", { class: "brand-mark", "aria-hidden": "true" }, "◧"), " Dyno Agent"),
      h("p", { class: "muted" }, "Chassis-dynamometer scheduling for the test lab."),
      notice,
      problem,
      loginForm,
      registerForm,
      state.config?.registration ? h("p", { class: "switch" }, toggle) : null,
      demoHint(state.config?.demo, fill),
    ),
  );
  root.hidden = false;
  email.focus();
}
