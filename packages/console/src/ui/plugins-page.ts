// Plugins: every loaded plugin with its state at a glance, uptime, restarts, last error and the
// last lines it printed; enable, disable and remove (both confirmed); and the upload of a bundle.
// The list refreshes every few seconds, keeping focus and open details where they were.
import { api } from "./api.js";
import { confirmDialog, duration, h, pageHeading, replace } from "./dom.js";
import type { PageStop } from "./main.js";
import { stateBadge, stateName } from "./plugin-state.js";
import type { ConsolePluginStatus } from "./types.js";
import { uploadForm } from "./upload-form.js";

const REFRESH_MS = 3000;

export function pluginsPage(main: HTMLElement): PageStop {
  const list = h("div", { class: "plugin-list" }, h("p", {}, "Loading…"));
  const notice = h("p", { role: "status", class: "notice" });
  const openOutputs = new Set<string>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const refresh = async () => {
    clearTimeout(timer);
    try {
      render(await api.statuses());
    } catch (error) {
      replace(list, h("p", { role: "alert", class: "error" }, (error as Error).message));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  };

  const act = async (what: () => Promise<unknown>, done: string) => {
    notice.textContent = "";
    notice.classList.remove("error");
    try {
      await what();
      notice.textContent = done;
    } catch (error) {
      notice.textContent = (error as Error).message;
      notice.classList.add("error");
    }
    await refresh();
  };

  const render = (statuses: ConsolePluginStatus[]) => {
    const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
    if (statuses.length === 0) {
      replace(list, h("p", {}, "No plugins are loaded. Upload one above."));
      return;
    }
    replace(
      list,
      h(
        "table",
        {},
        h("caption", {}, `${statuses.length} plugins`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Plugin", "Version", "State", "Uptime", "Restarts", "Last error", "Actions"].map(
              (title) => h("th", { scope: "col" }, title),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          statuses.map((status) => row(status)),
        ),
      ),
    );
    if (focusedKey !== undefined) {
      list.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
    }
  };

  const row = (status: ConsolePluginStatus) => {
    const id = status.plugin_id;
    const state = stateName(status);
    const running = state === "running" || state === "starting" || state === "restarting";
    const output = h(
      "details",
      { "data-key": `${id}:output`, open: openOutputs.has(id) },
      h("summary", {}, `Last output (${status.last_output.length} lines)`),
      h("pre", { class: "output" }, status.last_output.join("\n") || "(nothing printed)"),
    );
    output.addEventListener("toggle", () => {
      if (output.open) openOutputs.add(id);
      else openOutputs.delete(id);
    });
    const uptime = status.active_since > 0 ? duration(Date.now() - status.active_since) : "—";
    return h(
      "tr",
      { "data-plugin-id": id, "data-state": state },
      h(
        "th",
        { scope: "row" },
        h("span", { class: "plugin-name" }, status.name || id),
        h("code", { class: "plugin-id" }, id),
      ),
      h("td", {}, status.version),
      h("td", {}, stateBadge(status)),
      h("td", {}, uptime),
      h("td", {}, String(status.restarts)),
      h(
        "td",
        { class: "last-error" },
        status.error ? h("p", { class: "error-text" }, status.error) : "—",
        output,
      ),
      h(
        "td",
        {},
        h(
          "div",
          { class: "actions" },
          running
            ? h(
                "button",
                {
                  type: "button",
                  "data-key": `${id}:disable`,
                  "aria-label": `Disable ${status.name || id}`,
                  onclick: async () => {
                    if (
                      await confirmDialog(`Disable ${status.name || id}? It stops now.`, "Disable")
                    ) {
                      await act(() => api.disable(id), `${id} disabled.`);
                    }
                  },
                },
                "Disable",
              )
            : h(
                "button",
                {
                  type: "button",
                  "data-key": `${id}:enable`,
                  "aria-label": `Enable ${status.name || id}`,
                  onclick: () => act(() => api.enable(id), `${id} enabled.`),
                },
                "Enable",
              ),
          h(
            "a",
            { href: `#/plugins/${encodeURIComponent(id)}/settings`, "data-key": `${id}:settings` },
            "Settings",
            h("span", { class: "visually-hidden" }, ` of ${status.name || id}`),
          ),
          h(
            "a",
            { href: `#/logs/${encodeURIComponent(id)}` },
            "Logs",
            h("span", { class: "visually-hidden" }, ` of ${status.name || id}`),
          ),
          h(
            "a",
            { href: `#/activity/${encodeURIComponent(id)}` },
            "Activity",
            h("span", { class: "visually-hidden" }, ` of ${status.name || id}`),
          ),
          h(
            "button",
            {
              type: "button",
              class: "danger",
              "data-key": `${id}:remove`,
              "aria-label": `Remove ${status.name || id}`,
              onclick: async () => {
                const question = `Remove ${status.name || id} (${id})? Its files are deleted; its settings and data stay.`;
                if (await confirmDialog(question, "Remove")) {
                  await act(() => api.remove(id), `${id} removed.`);
                }
              },
            },
            "Remove",
          ),
        ),
      ),
    );
  };

  replace(
    main,
    pageHeading("Plugins"),
    uploadForm((manifest) => {
      notice.textContent = `${manifest.name} ${manifest.version} (${manifest.id}) is installed, disabled: enable it below.`;
      notice.classList.remove("error");
      void refresh();
    }),
    notice,
    list,
  );
  void refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
