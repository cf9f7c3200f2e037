// The command line that starts a plugin process. A Node plugin runs under this host's own
// node; any other is its executable. On Linux, when util-linux's setpriv is installed, the
// command goes through `setpriv --pdeathsig KILL`, which sets the parent-death signal and then
// executes the plugin in its place: the kernel kills the plugin when the host dies, even by
// SIGKILL and even when the plugin is too busy to notice its stdin lifeline end. setpriv costs
// one exec at start and nothing after (no extra process, no memory).
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { PluginManifest } from "../manifest/manifest.js";

/** A program and its arguments. */
export interface SpawnCommand {
  command: string;
  args: string[];
}

export interface SpawnCommandOptions {
  /**
   * Whether the kernel kills the plugin when the host dies (setpriv --pdeathsig). Default: on
   * Linux when setpriv is on PATH; without it the stdin lifeline alone ends the plugin.
   */
  killWithHost?: boolean;
}

/**
 * The command that starts the plugin of `manifest`. Throws when the plugin's command cannot be
 * executed.
 */
export function spawnCommand(
  manifest: PluginManifest,
  options: SpawnCommandOptions = {},
): SpawnCommand {
  const { executable, runtime } = manifest.server;
  const plugin: SpawnCommand =
    runtime === "node"
      ? { command: process.execPath, args: [executable] }
      : { command: executable, args: [] };
  const setpriv = options.killWithHost === false ? undefined : findSetpriv();
  if (setpriv === undefined) {
    if (options.killWithHost === true) {
      throw new Error(
        "killWithHost needs setpriv (util-linux) on PATH, on Linux; install it or leave the option unset",
      );
    }
    return plugin;
  }
  // Checked here, since a spawn of setpriv succeeds whatever it is then asked to execute.
  try {
    accessSync(plugin.command, constants.X_OK);
  } catch (error) {
    throw new Error(`the process could not be spawned: ${(error as Error).message}`);
  }
  return {
    command: setpriv,
    args: ["--pdeathsig", "KILL", "--", plugin.command, ...plugin.args],
  };
}

let setprivPath: string | null | undefined;

/** setpriv's path on Linux, looked up on PATH once. */
function findSetpriv(): string | undefined {
  if (setprivPath === undefined) {
    setprivPath = null;
    if (process.platform === "linux") {
      for (const dir of (process.env.PATH ?? "").split(delimiter)) {
        const candidate = join(dir, "setpriv");
        try {
          accessSync(candidate, constants.X_OK);
          setprivPath = candidate;
          break;
        } catch {
          // Not in this folder.
        }
      }
    }
  }
  return setprivPath ?? undefined;
}
