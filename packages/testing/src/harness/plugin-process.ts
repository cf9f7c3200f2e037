// The out-of-process harness: a built plugin folder started as a real child process by the
// host's own supervisor, on real Unix sockets, with the host's PluginAPI server in front of
// the fake backend. It is the path a plugin takes in production, minus the database file.
// Every started plugin is tracked, so stopAll() can end whatever a failed test left running.
import { resolve } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { HOST_VERSION, type LogLevel, loadManifest, type PluginManifest } from "@plugwire/host";
import { PluginSupervisor, startPluginApiServer } from "@plugwire/host/internal";
import type { CapturedLog } from "../captured-log.js";
import {
  createFakePluginAPI,
  type FakePluginAPI,
  type FakePluginAPIOptions,
} from "../fake-api/fake-plugin-api.js";
import type { FakeClock } from "../fake-clock.js";
import { type HookCalls, hookCalls } from "./hook-calls.js";
import { type PluginFetch, pluginFetch } from "./plugin-http.js";
import { pluginTargets } from "./plugin-targets.js";

export interface PluginProcessOptions extends Omit<FakePluginAPIOptions, "pluginId"> {
  /** The lowest level the plugin logs at (PLUGWIRE_LOG_LEVEL); "debug" by default. */
  logLevel?: LogLevel;
  /** How long the process has to print its handshake; 10 s by default. */
  startTimeoutMs?: number;
  /** Deadline of each hook call; 30 s by default. */
  hookTimeoutMs?: number;
}

/** A built plugin running as its own process under the host's supervisor. */
export interface PluginProcessHarness {
  readonly pluginId: string;
  /** The manifest as the host validated it. */
  readonly manifest: PluginManifest;
  /** The operating system's process id while it runs. */
  readonly pid: number | undefined;
  /** Call any hook with typed arguments; see HookCalls. The plugin is already activated. */
  readonly hooks: HookCalls;
  /** The fake backend: recorded calls, the store, the app, a client to inspect with. */
  readonly api: FakePluginAPI;
  readonly clock: FakeClock;
  /**
   * What the host read from the process: the plugin's log entries, lines it printed otherwise
   * (console.log at "info", stderr at "warn"), and the supervisor's notes about it.
   */
  readonly logs: readonly CapturedLog[];
  /** Sends a request to ServeHTTP over the plugin's socket: `http("/api/hello", { userId })`. */
  readonly http: PluginFetch;
  /** Saves new settings as an administrator would and waits for OnConfigurationChange. */
  configure(config: JsonObject): Promise<void>;
  /**
   * Stops the plugin as the host disables it (OnDeactivate, Shutdown, SIGKILL after a grace
   * period), removes its commands and closes the backend. Safe to call twice.
   */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const running = new Set<PluginProcessHarness>();

/**
 * Resolves once what the plugin wrote before its last answer has been read. A plugin writes its
 * log lines (synchronously, to a pipe) before it answers a hook on its socket, so both are ready
 * when the answer is; but the answer can be handled first, in the same turn of the event loop.
 * One turn more, and the lines are in `logs`.
 */
function outputRead(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The hook calls, each resolving only once the plugin's output up to its answer is read. */
function afterOutput(hooks: HookCalls): HookCalls {
  const wrapped: Record<string, unknown> = {};
  for (const [name, call] of Object.entries(hooks)) {
    wrapped[name] = async (...args: unknown[]) => {
      const result = await (call as (...args: unknown[]) => Promise<unknown>)(...args);
      await outputRead();
      return result;
    };
  }
  return wrapped as unknown as HookCalls;
}

/**
 * Starts the built plugin in `pluginDir` (the folder holding plugin.json) and resolves once
 * OnActivate succeeded. Rejects with the host's error when the manifest is invalid (build the
 * plugin first: the executable must exist) or the process fails to start or activate; that
 * error names the phase and quotes the plugin's last output.
 */
export async function startPluginProcess(
  pluginDir: string,
  options: PluginProcessOptions = {},
): Promise<PluginProcessHarness> {
  const serverVersion = options.serverVersion ?? HOST_VERSION;
  const manifest = await loadManifest(resolve(pluginDir), { serverVersion });
  const api = await createFakePluginAPI({ ...options, serverVersion, pluginId: manifest.id });
  const logs: CapturedLog[] = [];
  const supervisor = new PluginSupervisor(manifest, {
    serveApi: ({ socketPath, token, pluginId }) =>
      startPluginApiServer({ socketPath, token, service: api.service(pluginId) }),
    log: (entry) =>
      logs.push({ level: entry.level, msg: entry.msg, fields: entry.fields, time: entry.time }),
    logLevel: options.logLevel ?? "debug",
    startTimeoutMs: options.startTimeoutMs,
    hookTimeoutMs: options.hookTimeoutMs,
    // A crash in a test is a finding, not something to paper over with a restart.
    restart: { maxRestarts: 0 },
  });
  api.dispatchHooksTo(pluginTargets(supervisor, () => supervisor.state === "active"));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      try {
        await supervisor.stop();
        await api.store.unregisterPluginCommands(manifest.id);
      } finally {
        running.delete(harness);
        await api.close();
      }
    })();
    return stopping;
  };
  const harness: PluginProcessHarness = {
    pluginId: manifest.id,
    manifest,
    get pid() {
      return supervisor.pid;
    },
    hooks: afterOutput(hookCalls(supervisor)),
    api,
    clock: api.clock,
    logs,
    http: pluginFetch(supervisor),
    configure: async (config) => {
      await api.configure(config);
      await outputRead();
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
  running.add(harness);
  try {
    await supervisor.start();
  } catch (error) {
    await stop();
    throw error;
  }
  await outputRead();
  return harness;
}

/**
 * Stops every plugin process started here and not stopped yet. Call it after each test, e.g.
 * `afterEach(stopAll)`, so a failing test leaves no process behind.
 */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((plugin) => plugin.stop()));
}
