// The command line that starts a plugin process, with its isolation.
//
// A Node plugin runs under this host's own node, optionally under Node's permission model
// (reads of its folder only, writes of its data folder only, no child processes, worker
// threads, native addons or WASI unless allowed); any other plugin is its executable.
//
// On Linux, when util-linux's setpriv is installed, the command goes through setpriv, which
// changes what is asked and then executes the plugin in its place (no extra process, no memory
// after one exec at start):
// - `--pdeathsig KILL`: the kernel kills the plugin when the host dies, even by SIGKILL and
//   even when the plugin is too busy to notice its stdin lifeline end;
// - `--reuid/--regid/--clear-groups`, for a host running as root: the plugin runs as its own
//   unprivileged user, so /proc/<pid>/environ of the host and of other plugins is closed to it.
import { accessSync, constants } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { ServerPluginManifest } from "../manifest/manifest.js";

/** A program and its arguments. */
export interface SpawnCommand {
  command: string;
  args: string[];
}

/** A user and group a plugin runs as. */
export interface PluginUser {
  uid: number;
  gid: number;
}

/** What confines a plugin process. */
export interface PluginSandbox {
  /**
   * Runs a Node plugin under Node's permission model: it may read its own folder and
   * `readablePaths`, write `writableDir`, and nothing else. Default false.
   */
  nodePermissions?: boolean;
  /** Further files or folders a Node plugin under the permission model may read. */
  readablePaths?: string[];
  /** The plugin's data folder: the one place a Node plugin under the permission model may write (and read, as its folder). */
  writableDir?: string;
  /** What the permission model allows beyond files, e.g. because the manifest asks and an admin agreed. */
  allow?: { childProcesses?: boolean; workerThreads?: boolean; addons?: boolean; wasi?: boolean };
  /** The user and group the plugin runs as; the host must be root. Needs setpriv. */
  user?: PluginUser;
  /**
   * Largest JavaScript heap of a Node plugin, in MiB (`--max-old-space-size`): a plugin that
   * allocates without end dies at this size, and is restarted, instead of growing the machine's
   * memory use to Node's default limit. Default: Node's. A V8 flag: with it, Node 20 compiles
   * its own modules without their built-in code cache, about 25 ms more CPU per plugin start.
   */
  maxHeapMiB?: number;
}

/**
 * Where a Node plugin's inspector listens (`node --inspect=host:port`), for a debugger to
 * attach to that one plugin.
 */
export interface InspectorAddress {
  /** Default 127.0.0.1; any other address lets whoever reaches it run code in the plugin. */
  host?: string;
  /** 0 picks a free port, which the plugin prints as it starts ("Debugger listening on …"). */
  port: number;
}

export interface SpawnCommandOptions {
  /**
   * Starts a Node plugin with the inspector on. Node turns the inspector off under its
   * permission model, so the sandbox must not ask for it.
   */
  inspector?: InspectorAddress;
  /**
   * Whether the kernel kills the plugin when the host dies (setpriv --pdeathsig). Default: on
   * Linux when setpriv is on PATH; without it the stdin lifeline alone ends the plugin.
   */
  killWithHost?: boolean;
  sandbox?: PluginSandbox;
}

/**
 * The command that starts the plugin of `manifest`. Throws when the plugin's command cannot be
 * executed, or when what is asked needs a setpriv that is not there.
 */
export function spawnCommand(
  manifest: ServerPluginManifest,
  options: SpawnCommandOptions = {},
): SpawnCommand {
  const { executable, runtime } = manifest.server;
  const sandbox = options.sandbox ?? {};
  const { inspector } = options;
  if (inspector !== undefined) {
    if (runtime !== "node") {
      throw new Error(`the inspector is for Node plugins; this one runs ${executable}`);
    }
    if (sandbox.nodePermissions) {
      throw new Error(
        "the inspector is off under Node's permission model: start an inspected plugin without it",
      );
    }
  }
  const plugin: SpawnCommand =
    runtime === "node"
      ? {
          command: process.execPath,
          args: [
            ...(inspector === undefined
              ? []
              : [`--inspect=${inspector.host ?? "127.0.0.1"}:${inspector.port}`]),
            ...(sandbox.maxHeapMiB === undefined
              ? []
              : [`--max-old-space-size=${sandbox.maxHeapMiB}`]),
            ...(sandbox.nodePermissions ? permissionFlags(manifest, sandbox) : []),
            executable,
          ],
        }
      : { command: executable, args: [] };
  const setprivArgs = [
    ...(sandbox.user === undefined
      ? []
      : [
          `--reuid=${sandbox.user.uid}`,
          `--regid=${sandbox.user.gid}`,
          "--clear-groups",
          "--inh-caps=-all",
        ]),
    ...(options.killWithHost === false ? [] : ["--pdeathsig", "KILL"]),
  ];
  const setpriv = setprivArgs.length === 0 ? undefined : findSetpriv();
  if (setpriv === undefined) {
    if (options.killWithHost === true || sandbox.user !== undefined) {
      throw new Error(
        `${sandbox.user === undefined ? "killWithHost" : "running a plugin as its own user"} needs setpriv (util-linux) on PATH, on Linux`,
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
  return { command: setpriv, args: [...setprivArgs, "--", plugin.command, ...plugin.args] };
}

/** Node's permission-model flags for a plugin. */
function permissionFlags(manifest: ServerPluginManifest, sandbox: PluginSandbox): string[] {
  // Node 20 knows the model as experimental; later versions also as --permission.
  const flag = process.allowedNodeEnvironmentFlags.has("--permission")
    ? "--permission"
    : "--experimental-permission";
  // Each path once, without a trailing slash: Node 20 aborts at start (an assertion in its
  // permission tree) when it is given the same path twice.
  const readable = [
    ...new Set(
      [
        manifest.dir,
        manifest.server.executable,
        ...(sandbox.writableDir === undefined ? [] : [sandbox.writableDir]),
        ...(sandbox.readablePaths ?? []),
      ].map((path) => resolve(path)),
    ),
  ];
  const flags = [
    flag,
    // The plugin's own warnings still show; only the model's notice, at every start, does not.
    "--disable-warning=ExperimentalWarning",
    // One flag per path: Node 20 does not split a comma-separated list.
    ...readable.map((path) => `--allow-fs-read=${path}`),
  ];
  if (sandbox.writableDir !== undefined) {
    flags.push(`--allow-fs-write=${sandbox.writableDir}`);
  }
  const { childProcesses, workerThreads, addons, wasi } = sandbox.allow ?? {};
  if (childProcesses) flags.push("--allow-child-process");
  if (workerThreads) flags.push("--allow-worker");
  if (addons) flags.push("--allow-addons");
  if (wasi) flags.push("--allow-wasi");
  return flags;
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
