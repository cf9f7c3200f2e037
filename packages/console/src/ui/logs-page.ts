// Logs: one plugin's log entries as they come (its recent ones first), filtered by level,
// paused and resumed (what arrives meanwhile is held, then shown), and bounded: the page keeps
// the last MAX_SHOWN entries.
import { followLog } from "./api.js";
import { h, pageHeading, replace } from "./dom.js";
import type { PageStop } from "./main.js";
import { pluginPicker } from "./plugin-picker.js";
import type { LogEvent } from "./types.js";

const MAX_SHOWN = 500;
const LEVELS = ["debug", "info", "warn", "error"] as const;

export function logsPage(main: HTMLElement, pluginId: string | undefined): PageStop {
  replace(main, pageHeading("Logs"), pluginPicker("logs", pluginId));
  if (pluginId === undefined || pluginId === "") {
    main.append(h("p", {}, "Choose a plugin to follow its log."));
    return () => undefined;
  }
  const entries: LogEvent[] = [];
  let held = 0;
  let paused = false;
  const level = h(
    "select",
    { id: "log-level" },
    LEVELS.map((name) =>
      h("option", { value: name, selected: name === "debug" }, `${name} and up`),
    ),
  );
  const pause = h("button", { type: "button", "aria-pressed": "false" }, "Pause");
  const state = h("span", { class: "log-state", role: "status" }, "Connecting…");
  const list = h("ol", { class: "log", role: "log", "aria-label": `Log of ${pluginId}` });

  const visible = (entry: LogEvent) =>
    LEVELS.indexOf(entry.level) >= LEVELS.indexOf(level.value as LogEvent["level"]);
  const line = (entry: LogEvent) => {
    const fields = Object.keys(entry.fields).length > 0 ? ` ${JSON.stringify(entry.fields)}` : "";
    return h(
      "li",
      { class: `log-entry level-${entry.level}`, "data-level": entry.level },
      h("time", { datetime: new Date(entry.time).toISOString() }, formatTime(entry.time)),
      h("span", { class: "level" }, entry.level.toUpperCase()),
      h("span", { class: "msg" }, entry.msg + fields),
    );
  };
  const render = () => replace(list, entries.filter(visible).map(line));

  level.addEventListener("change", render);
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused) {
      held = 0;
      render();
    }
    state.textContent = paused ? "Paused" : "Live";
  });

  const controller = new AbortController();
  const onEntry = (entry: LogEvent) => {
    entries.push(entry);
    if (entries.length > MAX_SHOWN) entries.shift();
    if (paused) {
      held += 1;
      state.textContent = `Paused: ${held} new entries held`;
      return;
    }
    if (visible(entry)) {
      list.append(line(entry));
      while (list.children.length > MAX_SHOWN) list.firstElementChild?.remove();
    }
  };
  // The host ends the stream when the right to read it may have changed (a session ended, a
  // role changed) or when it stops: follow again, which asks for session and permission anew
  // (a 401 sends the shell back to sign-in) and starts over from the recent entries.
  void (async () => {
    for (let attempt = 0; !controller.signal.aborted; attempt += 1) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5_000)));
        if (controller.signal.aborted) return;
        entries.length = 0;
        held = 0;
        render();
      }
      state.textContent = paused ? "Paused" : "Live";
      try {
        await followLog(pluginId, onEntry, controller.signal);
        if (!controller.signal.aborted)
          state.textContent = "The server closed the log; following again…";
      } catch (error) {
        state.textContent = `The log could not be followed: ${(error as Error).message}`;
        return;
      }
    }
  })();

  main.append(
    h(
      "div",
      { class: "log-controls" },
      h("label", { for: "log-level" }, "Level "),
      level,
      pause,
      state,
    ),
    h("p", { class: "hint" }, `The last ${MAX_SHOWN} entries are kept.`),
    list,
  );
  return () => controller.abort();
}

function formatTime(time: number): string {
  return new Date(time).toLocaleTimeString(undefined, { hour12: false });
}
