// A plugin's state as the console shows it: a word and a symbol beside the colour, so that the
// colour is never the only sign (running ✓, starting ◐, restarting ↻, failed ✕, disabled ○).
import { h } from "./dom.js";
import { type ConsolePluginStatus, PluginState } from "./types.js";

export type StateName = "running" | "starting" | "restarting" | "failed" | "disabled";

export function stateName(status: ConsolePluginStatus): StateName {
  switch (status.state) {
    case PluginState.Running:
      return "running";
    case PluginState.Starting:
      return status.restarts > 0 ? "restarting" : "starting";
    case PluginState.Failed:
      return "failed";
    default:
      return "disabled";
  }
}

const SYMBOLS: Record<StateName, string> = {
  running: "✓",
  starting: "◐",
  restarting: "↻",
  failed: "✕",
  disabled: "○",
};

export function stateBadge(status: ConsolePluginStatus): HTMLElement {
  const name = stateName(status);
  return h(
    "span",
    { class: `state state-${name}`, "data-state": name },
    h("span", { "aria-hidden": "true" }, SYMBOLS[name]),
    ` ${name}`,
  );
}
