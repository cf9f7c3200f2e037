// The embedding API: one Host ties the store, the application layer and one supervisor per
// plugin together. Server builders create a host, load plugin folders, enable plugins and
// call the application layer (host.app) from their own operations; hooks fire from there.
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import type { HookName } from "@plugwire/protocol";
import type { ClusterBus } from "./app/cluster-bus.js";
import type { AppEvents } from "./app/host-app.js";
import { HostApp } from "./app/host-app.js";
import type { HookTargets } from "./app/plugin-hooks.js";
import { fetchFromPlugin, type PluginFetchInit } from "./http/plugin-fetch.js";
import { jsonLineSink, Logger, type LogLevel, type LogSink } from "./log.js";
import { loadManifest } from "./manifest/load-manifest.js";
import type { PluginManifest } from "./manifest/manifest.js";
import { startPluginApiServer } from "./rpc/api-server.js";
import { createPluginApiService } from "./rpc/plugin-api-service.js";
import type { FileStore } from "./store/file-store.js";
import { LocalFileStore } from "./store/local-file-store.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import type { Store } from "./store/store.js";
import type { HookDispatcher } from "./supervisor/hook-client.js";
import type { PluginProcessError } from "./supervisor/plugin-process-error.js";
import { type PluginState, PluginSupervisor, type RestartPolicy } from "./supervisor/supervisor.js";
import { HOST_VERSION } from "./version.js";

export interface HostOptions {
  /** Folder for the SQLite database and uploaded files; needed unless store and files are given. */
  dataDir?: string;
  /** The store; default: SQLite at <dataDir>/plugwire.db. */
  store?: Store;
  /** Where file bytes live; default: <dataDir>/files. */
  files?: FileStore;
  /** Where host and plugin log entries go; default: JSON lines on stderr from "info" up. */
  log?: LogSink;
  /** Lowest level plugins log at (PLUGWIRE_LOG_LEVEL). Default "info". */
  pluginLogLevel?: LogLevel;
  /** Version reported to plugins and checked against min_server_version. */
  serverVersion?: string;
  /** The server configuration plugins get from GetConfig; give it without secrets. */
  serverConfig?: JsonObject;
  /** How long a plugin has to print its handshake. Default 10 s. */
  startTimeoutMs?: number;
  /** Deadline of each hook call. Default 30 s. */
  hookTimeoutMs?: number;
  /** Time between health checks. Default 30 s. */
  healthCheckIntervalMs?: number;
  /** How long a plugin has to exit after Shutdown. Default 5 s. */
  stopGracePeriodMs?: number;
  restart?: RestartPolicy;
  /** Live delivery of ephemeral posts and the like. */
  events?: AppEvents;
  /** Other hosts of the cluster, for plugin cluster events. */
  cluster?: ClusterBus;
  /** This host's id in the cluster. Default: random. */
  hostId?: string;
}

/** What the host knows of one loaded plugin. */
export interface PluginStatus {
  id: string;
  manifest: PluginManifest;
  state: PluginState;
  /** Why it crashed or failed, when it did. */
  error?: string;
}

export class Host implements HookTargets {
  readonly app: HostApp;
  readonly serverVersion: string;
  private readonly plugins = new Map<string, PluginSupervisor>();
  private readonly logger: Logger;
  private readonly leaveCluster: (() => void) | undefined;
  private closed = false;

  private constructor(
    readonly store: Store,
    readonly files: FileStore,
    private readonly options: HostOptions,
    private readonly log: LogSink,
  ) {
    this.serverVersion = options.serverVersion ?? HOST_VERSION;
    this.logger = new Logger(log);
    const hostId = options.hostId ?? randomUUID();
    this.app = new HostApp({
      store,
      hooks: this,
      log: this.logger,
      events: options.events,
      cluster: options.cluster,
      hostId,
    });
    this.leaveCluster = options.cluster?.join(hostId, (pluginId, event) =>
      this.app.deliverClusterEvent(pluginId, event),
    );
  }

  /** Creates a host; with only dataDir, opens (or creates) the SQLite store in it. */
  static async create(options: HostOptions): Promise<Host> {
    if ((!options.store || !options.files) && !options.dataDir) {
      throw new TypeError("createHost needs dataDir, or both store and files");
    }
    const dataDir = options.dataDir ?? "";
    const store = options.store ?? (await openSqliteStore({ path: join(dataDir, "plugwire.db") }));
    const files = options.files ?? new LocalFileStore(join(dataDir, "files"));
    return new Host(store, files, options, options.log ?? jsonLineSink("info"));
  }

  /**
   * Validates the manifest in `dir` and registers the plugin, stopped. Throws ManifestError
   * for a bad manifest and AlreadyExistsError when a plugin with the same id is loaded.
   */
  async loadPlugin(dir: string): Promise<PluginManifest> {
    const manifest = await loadManifest(dir, { serverVersion: this.serverVersion });
    if (this.plugins.has(manifest.id)) {
      throw new AlreadyExistsError({
        id: "app.plugin.load.duplicate_id",
        message: `A plugin with id "${manifest.id}" is already loaded (from ${this.plugins.get(manifest.id)?.manifest.dir}).`,
        params: { plugin_id: manifest.id },
      });
    }
    const supervisor = new PluginSupervisor(manifest, {
      serveApi: ({ socketPath, token, pluginId }) =>
        startPluginApiServer({
          socketPath,
          token,
          service: createPluginApiService({
            pluginId,
            store: this.store,
            files: this.files,
            app: this.app,
            serverVersion: this.serverVersion,
            serverConfig: () => this.options.serverConfig ?? {},
          }),
        }),
      log: this.log,
      logLevel: this.options.pluginLogLevel,
      startTimeoutMs: this.options.startTimeoutMs,
      hookTimeoutMs: this.options.hookTimeoutMs,
      healthCheckIntervalMs: this.options.healthCheckIntervalMs,
      stopGracePeriodMs: this.options.stopGracePeriodMs,
      restart: this.options.restart,
    });
    supervisor.onStateChange(({ state, previous, error }) => {
      const level = state === "failed" || state === "restarting" ? "warn" : "info";
      this.log({
        level,
        msg: `plugin ${manifest.id}: ${previous} → ${state}${error ? `: ${error.message}` : ""}`,
        time: new Date(),
        pluginId: manifest.id,
        fields: { state, previous },
      });
    });
    this.plugins.set(manifest.id, supervisor);
    return manifest;
  }

  /** Loads every subfolder of `dir` that holds a manifest; returns what loaded and what failed. */
  async loadPluginsFrom(
    dir: string,
  ): Promise<{ loaded: PluginManifest[]; failed: { dir: string; error: Error }[] }> {
    const loaded: PluginManifest[] = [];
    const failed: { dir: string; error: Error }[] = [];
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const pluginDir = join(dir, entry.name);
      try {
        loaded.push(await this.loadPlugin(pluginDir));
      } catch (error) {
        failed.push({ dir: pluginDir, error: error as Error });
      }
    }
    return { loaded, failed };
  }

  /** Starts a loaded plugin and resolves once OnActivate succeeded; rejects with why it failed. */
  async enablePlugin(pluginId: string): Promise<void> {
    await this.supervisor(pluginId).start();
  }

  /** Calls OnDeactivate, shuts the plugin's process down and removes its commands. */
  async disablePlugin(pluginId: string): Promise<void> {
    await this.supervisor(pluginId).stop();
    await this.store.unregisterPluginCommands(pluginId);
  }

  /** Disables (if needed) and forgets a plugin. */
  async unloadPlugin(pluginId: string): Promise<void> {
    await this.disablePlugin(pluginId);
    this.plugins.delete(pluginId);
  }

  status(pluginId: string): PluginStatus {
    const supervisor = this.supervisor(pluginId);
    return statusOf(supervisor.manifest, supervisor.state, supervisor.lastError);
  }

  statuses(): PluginStatus[] {
    return [...this.plugins.values()]
      .map((s) => statusOf(s.manifest, s.state, s.lastError))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  implementing(hook: HookName): readonly HookDispatcher[] {
    return [...this.plugins.values()]
      .filter((s) => s.state === "active" && s.implements(hook))
      .sort((a, b) => (a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0));
  }

  get(pluginId: string): HookDispatcher | undefined {
    return this.plugins.get(pluginId);
  }

  /**
   * Sends an HTTP request to a plugin's ServeHTTP. Any Mattermost-User-Id header in the request
   * is dropped; init.context.userId, when given, is sent as that header instead. Throws
   * NotFoundError when the plugin is not loaded or does not serve HTTP, UnavailableError while
   * it is restarting.
   */
  async fetchPlugin(pluginId: string, request: Request, init?: PluginFetchInit): Promise<Response> {
    return fetchFromPlugin(this.supervisor(pluginId), request, init);
  }

  /** Stops every plugin, waits for notification hooks in flight, and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.leaveCluster?.();
    await this.app.settled();
    await Promise.all([...this.plugins.values()].map((s) => s.stop()));
    await this.store.close();
  }

  private supervisor(pluginId: string): PluginSupervisor {
    const supervisor = this.plugins.get(pluginId);
    if (!supervisor) {
      throw new NotFoundError({
        id: "app.plugin.not_found",
        message: `No plugin with id "${pluginId}" is loaded.`,
        params: { plugin_id: pluginId },
      });
    }
    return supervisor;
  }
}

/** Creates a host; see HostOptions. */
export function createHost(options: HostOptions): Promise<Host> {
  return Host.create(options);
}

function statusOf(
  manifest: PluginManifest,
  state: PluginState,
  error: PluginProcessError | undefined,
): PluginStatus {
  const status: PluginStatus = { id: manifest.id, manifest, state };
  if (error) status.error = error.message;
  return status;
}
