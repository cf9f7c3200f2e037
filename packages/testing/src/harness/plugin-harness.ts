// The in-process harness: a plugin class instantiated by the SDK's own createPluginRoutes,
// its hooks served over Connect's in-memory router transport and called through the host's
// HookClient, its API calls served by the fake backend over another in-memory transport. No
// process and no socket, yet every request and response is protobuf-encoded as on the wire.
import type { JsonObject } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { HookClient } from "@plugwire/host/internal";
import { PluginHooks, PluginHTTP } from "@plugwire/protocol";
import {
  createPluginRoutes,
  type LogLevel,
  type Manifest,
  type Plugin,
  type PluginClass,
} from "@plugwire/sdk";
import type { CapturedLog } from "../captured-log.js";
import {
  createFakePluginAPI,
  DEFAULT_PLUGIN_ID,
  type FakePluginAPI,
  type FakePluginAPIOptions,
} from "../fake-api/fake-plugin-api.js";
import type { FakeClock } from "../fake-clock.js";
import { type HookCalls, hookCalls } from "./hook-calls.js";
import { type PluginFetch, pluginFetch } from "./plugin-http.js";
import { pluginTargets } from "./plugin-targets.js";

export interface PluginHarnessOptions extends Omit<FakePluginAPIOptions, "pluginId"> {
  /** The plugin's manifest as `this.manifest` shows it; `id` is "com.example.plugin" unless given. */
  manifest?: Partial<Manifest>;
  /** The lowest level the plugin's logger keeps; "debug" by default, so tests see everything. */
  logLevel?: LogLevel;
  /** Deadline of each hook call, as the host's; 30 s by default. */
  hookTimeoutMs?: number;
  /**
   * Another harness's backend (`first.api`), shared: this harness is then a second copy of the
   * plugin, as on another host of a cluster, with the same KV store, users and posts, so that
   * code using `this.cluster` (or the atomic KV) can be tested against its other copy. The
   * backend's fixtures and settings are the first harness's (`fixtures`, `config`, `startTime`
   * are not used again); hooks the app fires (a post made, a user created) still go to the
   * copy whose backend it is, and this harness's `close()` leaves the backend open.
   */
  backend?: FakePluginAPI;
}

/** A plugin instance under test, in this process. */
export interface PluginHarness<P extends Plugin = Plugin> {
  /** The plugin instance, for the rare test that must look inside. */
  readonly plugin: P;
  readonly pluginId: string;
  /** Call any hook with typed arguments; see HookCalls. */
  readonly hooks: HookCalls;
  /** The fake backend: recorded calls, the store, the app, a client to inspect with. */
  readonly api: FakePluginAPI;
  /** The fake clock of the backend: `clock.advance(ms)`. */
  readonly clock: FakeClock;
  /** What the plugin logged, in order. */
  readonly logs: readonly CapturedLog[];
  /** Whether activate() succeeded and deactivate() has not run since. */
  readonly active: boolean;
  /**
   * Runs OnActivate (the SDK fetches the saved config first) and marks the plugin active:
   * from then on the app fires hooks at it, e.g. its own createPost runs its MessageWillBePosted.
   */
  activate(): Promise<void>;
  /**
   * Runs OnDeactivate (when implemented), marks it inactive, frees its `this.cluster` locks and
   * stops its jobs (as the plugin's process does when it stops) and removes its commands, as
   * the host does.
   */
  deactivate(): Promise<void>;
  /**
   * Saves new settings as an administrator would and, while the plugin is active, waits for
   * its OnConfigurationChange; rejects with that hook's error.
   */
  configure(config: JsonObject): Promise<void>;
  /** Sends a request to ServeHTTP: `http("/api/hello", { userId })`. */
  readonly http: PluginFetch;
  /**
   * Stops the plugin's `this.cluster` jobs and frees its locks, waits for hooks the host runs in
   * the background, then closes the backend (unless it was given as `backend`).
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Instantiates `pluginClass` against a fresh fake backend. The plugin starts inactive: call
 * `activate()` to run OnActivate, or call hooks directly.
 */
export async function createPluginHarness<P extends Plugin>(
  pluginClass: PluginClass<P>,
  options: PluginHarnessOptions = {},
): Promise<PluginHarness<P>> {
  const shared = options.backend;
  const pluginId = options.manifest?.id || shared?.pluginId || DEFAULT_PLUGIN_ID;
  const api = shared ?? (await createFakePluginAPI({ ...options, pluginId }));
  const logs: CapturedLog[] = [];
  const { plugin, routes } = createPluginRoutes(pluginClass, {
    api: api.transport(),
    logSink: (entry) =>
      logs.push({
        level: entry.level,
        msg: entry.msg,
        fields: entry.fields ?? {},
        time: new Date(entry.time),
      }),
    logLevel: options.logLevel ?? "debug",
    manifest: { ...options.manifest, id: pluginId },
    config: shared === undefined ? options.config : undefined,
  });
  const transport = createRouterTransport(routes);
  const client = createClient(PluginHooks, transport);
  // The host learns what the plugin implements by asking, so the harness does too.
  const { hooks: implemented } = await client.implemented({});
  const dispatcher = new HookClient(
    pluginId,
    client,
    implemented,
    options.hookTimeoutMs ?? 30_000,
    createClient(PluginHTTP, transport),
  );
  let active = false;
  if (shared === undefined) {
    api.dispatchHooksTo(pluginTargets(dispatcher, () => active));
  }
  const hooks = hookCalls(dispatcher);

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= plugin.cluster.close().then(() => (shared === undefined ? api.close() : undefined));
    return closed;
  };
  return {
    plugin,
    pluginId,
    hooks,
    api,
    clock: api.clock,
    logs,
    get active() {
      return active;
    },
    async activate() {
      await hooks.OnActivate();
      active = true;
    },
    async deactivate() {
      active = false;
      try {
        if (dispatcher.implements("OnDeactivate")) {
          await hooks.OnDeactivate();
        }
      } finally {
        await plugin.cluster.close();
        await api.store.unregisterPluginCommands(pluginId);
      }
    },
    configure: (config) => api.configure(config),
    http: pluginFetch(dispatcher),
    close,
    [Symbol.asyncDispose]: close,
  };
}
