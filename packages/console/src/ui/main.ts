// The console's shell: sign-in, the check that the user is a system admin, the navigation and
// the page of the current address (#/plugins, #/plugins/<id>/settings, #/logs/<id>,
// #/activity/<id>, #/server). Each page renders into <main> and returns what stops it.
import { activityPage } from "./activity-page.js";
import { ApiError, api, SESSION_ENDED } from "./api.js";
import { h, replace } from "./dom.js";
import { logsPage } from "./logs-page.js";
import { pluginsPage } from "./plugins-page.js";
import { serverPage } from "./server-page.js";
import { settingsPage } from "./settings-page.js";
import type { CurrentUser } from "./types.js";

/** What a page returns: called when the user leaves it (to stop timers and streams). */
export type PageStop = () => void;

const root = document.getElementById("app") as HTMLElement;
let stopPage: PageStop | undefined;

const NAV: { href: string; label: string; page: string }[] = [
  { href: "#/plugins", label: "Plugins", page: "plugins" },
  { href: "#/logs", label: "Logs", page: "logs" },
  { href: "#/activity", label: "Activity", page: "activity" },
  { href: "#/server", label: "Server", page: "server" },
];

async function start(): Promise<void> {
  let user: CurrentUser;
  try {
    user = await api.me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signIn();
      return;
    }
    replace(root, h("p", { role: "alert", class: "error" }, (error as Error).message));
    return;
  }
  if (!isSystemAdmin(user)) {
    noAccess(user);
    return;
  }
  shell(user);
}

function isSystemAdmin(user: CurrentUser): boolean {
  return user.roles.split(" ").includes("system_admin");
}

function signIn(message?: string): void {
  document.title = "Sign in · Plugwire console";
  const error = h("p", { id: "sign-in-error", role: "alert", class: "error" }, message ?? "");
  const loginId = h("input", {
    id: "login-id",
    name: "login_id",
    autocomplete: "username",
    required: true,
  });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    {
      class: "sign-in",
      "aria-describedby": "sign-in-error",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        error.textContent = "";
        try {
          await api.login(loginId.value, password.value);
          await start();
        } catch (failure) {
          error.textContent = (failure as Error).message;
          submit.disabled = false;
          password.focus();
        }
      },
    },
    h("label", { for: "login-id" }, "Username or email"),
    loginId,
    h("label", { for: "password" }, "Password"),
    password,
    submit,
    error,
  );
  replace(
    root,
    h(
      "main",
      { id: "main", class: "narrow" },
      h("h1", {}, "Plugwire console"),
      h("p", {}, "Sign in with a system admin's account."),
      form,
    ),
  );
  loginId.focus();
}

function noAccess(user: CurrentUser): void {
  document.title = "No access · Plugwire console";
  replace(
    root,
    h(
      "main",
      { id: "main", class: "narrow" },
      h("h1", {}, "No access"),
      h(
        "p",
        { role: "alert", class: "error" },
        `The console is for system admins; ${user.username} is not one.`,
      ),
      h("button", { type: "button", onclick: signOut }, "Sign out"),
    ),
  );
}

async function signOut(): Promise<void> {
  stopPage?.();
  stopPage = undefined;
  await api.logout().catch(() => undefined);
  signIn();
}

function shell(user: CurrentUser): void {
  const main = h("main", { id: "main", tabindex: -1 });
  const links = NAV.map(({ href, label, page }) => h("a", { href, "data-page": page }, label));
  replace(
    root,
    h("a", { class: "skip-link", href: "#main", onclick: skipToMain }, "Skip to content"),
    h(
      "header",
      { class: "top" },
      h("span", { class: "brand" }, "Plugwire console"),
      h(
        "nav",
        { "aria-label": "Console" },
        h(
          "ul",
          {},
          links.map((link) => h("li", {}, link)),
        ),
      ),
      h(
        "span",
        { class: "who" },
        `Signed in as ${user.username} `,
        h("button", { type: "button", onclick: signOut }, "Sign out"),
      ),
    ),
    main,
  );
  const route = () => {
    stopPage?.();
    const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    const [page = "plugins", pluginId, sub] = parts;
    for (const link of links) {
      if (link.dataset.page === page) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    replace(main);
    if (page === "plugins" && pluginId !== undefined && sub === "settings") {
      stopPage = settingsPage(main, pluginId);
    } else if (page === "logs") {
      stopPage = logsPage(main, pluginId);
    } else if (page === "activity") {
      stopPage = activityPage(main, pluginId);
    } else if (page === "server") {
      stopPage = serverPage(main);
    } else {
      stopPage = pluginsPage(main);
    }
  };
  window.onhashchange = route;
  route();
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

window.addEventListener(SESSION_ENDED, () => {
  if (stopPage === undefined) return;
  stopPage();
  stopPage = undefined;
  window.onhashchange = null;
  signIn("Your session has ended: sign in again.");
});

void start();
