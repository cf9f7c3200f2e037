// Activity: per hook of one plugin, its calls, failures, timeouts and p50/p99 latency over the
// last minutes (GET /api/v4/plugins/{plugin_id}/activity), as small charts with their numbers,
// refreshed every few seconds. A hook with failures or timeouts is marked, in words too.
import { api } from "./api.js";
import { barChart, latencyChart } from "./chart.js";
import { h, pageHeading, replace } from "./dom.js";
import type { PageStop } from "./main.js";
import { pluginPicker } from "./plugin-picker.js";
import type { HookActivity } from "./types.js";

const REFRESH_MS = 5000;

export function activityPage(main: HTMLElement, pluginId: string | undefined): PageStop {
  replace(main, pageHeading("Activity"), pluginPicker("activity", pluginId));
  if (pluginId === undefined || pluginId === "") {
    main.append(h("p", {}, "Choose a plugin to see what its hooks did."));
    return () => undefined;
  }
  const body = h("div", { class: "activity" }, h("p", {}, "Loading…"));
  main.append(body);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = async () => {
    try {
      const { hooks } = await api.activity(pluginId);
      if (hooks.length === 0) {
        replace(body, h("p", {}, "No hook of this plugin was called in the last minutes."));
      } else {
        const minutes = hooks[0]?.minutes.length ?? 0;
        replace(
          body,
          h(
            "table",
            {},
            h("caption", {}, `Hooks of ${pluginId}, the last ${minutes} minutes, one bar a minute`),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                [
                  "Hook",
                  "Calls",
                  "Failures",
                  "Timeouts",
                  "Calls a minute",
                  "p50 / p99 latency",
                ].map((title) => h("th", { scope: "col" }, title)),
              ),
            ),
            h("tbody", {}, hooks.map(hookRow)),
          ),
        );
      }
    } catch (error) {
      replace(body, h("p", { role: "alert", class: "error" }, (error as Error).message));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  };
  void refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function hookRow({ hook, minutes }: HookActivity): HTMLTableRowElement {
  const sum = (pick: (m: (typeof minutes)[number]) => number) =>
    minutes.reduce((total, minute) => total + pick(minute), 0);
  const calls = sum((m) => m.calls);
  const failures = sum((m) => m.failures);
  const timeouts = sum((m) => m.timeouts);
  const busy = minutes.filter((m) => m.calls > 0);
  const last = busy.at(-1);
  const troubled = failures + timeouts > 0;
  return h(
    "tr",
    { "data-hook": hook, class: troubled ? "troubled" : "" },
    h(
      "th",
      { scope: "row" },
      hook,
      troubled &&
        h("span", { class: "flag" }, h("span", { "aria-hidden": "true" }, " ⚠"), " failing"),
    ),
    h("td", {}, String(calls)),
    h("td", {}, String(failures)),
    h("td", {}, String(timeouts)),
    h(
      "td",
      {},
      barChart(
        `${hook}: ${calls} calls, ${failures + timeouts} failed or timed out, the most in a minute ${Math.max(...minutes.map((m) => m.calls))}`,
        minutes.map((m) => m.calls),
        minutes.map((m) => m.failures + m.timeouts),
      ),
    ),
    h(
      "td",
      {},
      latencyChart(
        `${hook}: latency in the last busy minute p50 ${last?.p50_ms ?? 0} ms, p99 ${last?.p99_ms ?? 0} ms`,
        minutes.map((m) => m.p50_ms),
        minutes.map((m) => m.p99_ms),
      ),
      h("span", { class: "latency-text" }, last ? `${last.p50_ms} / ${last.p99_ms} ms` : "—"),
    ),
  );
}
