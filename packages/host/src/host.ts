// The embedding API: one Host ties the store, the application layer and one supervisor per
// plugin together. Server builders create a host, load plugin folders, enable plugins and
// call the application layer (host.app) from their own operations; hooks fire from there.
//
// Plugin management follows Mattermost: whether each plugin is enabled is recorded in the store
// and restored at start-up (restoreEnabledPlugins); bundles (.tar.gz) are checked completely
// before they are moved into pluginsDir (see bundle/); OnInstall fires, with the installing user,
// the first time an installed plugin is activated after its installation, whether that is the
// admin's enable or, for a replaced plugin that was enabled, the install itself.
//
// On a cluster (several hosts on one PostgreSQL database) each host runs its own copy of each
// plugin, as Mattermost's nodes do. Installed bundles are kept in the database
// (plugin_bundles); a host that installs, enables, disables or removes a plugin tells the
// others, and each brings its own copy to what the database records (reconcilePlugin): it
// unpacks a bundle it lacks, starts or stops its process. Only the host that made the change
// writes the plugin's state; the others follow it. A host starting later unpacks the bundles
// it lacks before its plugins are loaded.
import { randomUUID } from "node:crypto";
import { chmod, mkdir, readdir, realpath, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import {
  AlreadyExistsError,
  NotFoundError,
  PluginAPIError,
  ValidationError,
} from "@plugwire/errors";
import { type HookName, PluginContextSchema } from "@plugwire/protocol";
import type { Actor, App, AppEvents } from "./app/app.js";
import type { ClusterBus, ClusterMessage, PluginChange } from "./app/cluster-bus.js";
import { HostApp } from "./app/host-app.js";
import { KeyedQueue } from "./app/keyed-queue.js";
import type { HookTargets } from "./app/plugin-hooks.js";
import {
  type BundleLimits,
  DEFAULT_MAX_BUNDLE_BYTES,
  DEFAULT_MAX_BUNDLE_UNCOMPRESSED_BYTES,
} from "./bundle/bundle-limits.js";
import { moveFolder, removeFolder, replaceFolder } from "./bundle/plugin-folders.js";
import { stageBundle } from "./bundle/stage-bundle.js";
import { UnpackedBundles } from "./bundle/unpacked-bundles.js";
import { jsonLineSink, Logger, type LogLevel, type LogSink } from "./log.js";
import { LogFeed } from "./log-feed.js";
import { loadManifest } from "./manifest/load-manifest.js";
import type { PluginManifest } from "./manifest/manifest.js";
import { HostMetrics } from "./metrics/host-metrics.js";
import { instrumentedService } from "./metrics/instrumented-service.js";
import { startPluginApiServer } from "./rpc/api-server.js";
import { createPluginApiService } from "./rpc/plugin-api-service.js";
import { checkPluginSettings, settingsWithDefaults } from "./settings/plugin-settings.js";
import type { FileStore } from "./store/file-store.js";
import { LocalFileStore } from "./store/local-file-store.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import type { Store, StoreKind } from "./store/store.js";
import type { HookActivityReport } from "./supervisor/hook-activity.js";
import type { HookDispatcher } from "./supervisor/hook-client.js";
import type { PluginPidRegistry } from "./supervisor/plugin-pid-registry.js";
import { PluginUsers } from "./supervisor/plugin-users.js";
import {
  type PluginSandboxStatus,
  pluginSandbox,
  type SandboxContext,
  type SandboxPolicy,
} from "./supervisor/sandbox-policy.js";
import type { InspectorAddress } from "./supervisor/spawn-command.js";
import { type PluginState, PluginSupervisor, type RestartPolicy } from "./supervisor/supervisor.js";
import { HOST_VERSION } from "./version.js";

export interface HostOptions {
  /** Folder for the SQLite database and uploaded files; needed unless store and files are given. */
  dataDir?: string;
  /** The store; default: SQLite at <dataDir>/plugwire.db. */
  store?: Store;
  /**
   * The clock (ms since the epoch) of KV expiry and of the default store; Date.now unless set.
   * Tests pass a fake one; give your own store the same clock.
   */
  now?: () => number;
  /** How long a connected user may be idle before their status is away. Default 5 minutes. */
  userStatusAwayTimeoutMs?: number;
  /** Where file bytes live; default: <dataDir>/files. */
  files?: FileStore;
  /** Where host and plugin log entries go; default: JSON lines on stderr from "info" up. */
  log?: LogSink;
  /** Lowest level plugins log at (PLUGWIRE_LOG_LEVEL). Default "info". */
  pluginLogLevel?: LogLevel;
  /** Version reported to plugins and checked against min_server_version. */
  serverVersion?: string;
  /**
   * Settings of the server configuration fixed for this run, in Mattermost's config shape
   * (e.g. `{ ServiceSettings: { SiteURL: "https://chat.example.com" } }`; the README lists the
   * settings), as Mattermost's environment overrides: SaveConfig and PUT /api/v4/config can't
   * change them. The settings that can change at run time and are not given here are read from
   * the store. Secrets may be given: plugins' GetConfig and the REST API sanitise them.
   */
  serverConfig?: JsonObject;
  /** How long a plugin has to print its handshake. Default 10 s. */
  startTimeoutMs?: number;
  /** Deadline of each hook call. Default 30 s. */
  hookTimeoutMs?: number;
  /** Where plugin pids are recorded, so a later start can end what a killed host left running. */
  pidRegistry?: PluginPidRegistry;
  /** Time between health checks. Default 30 s. */
  healthCheckIntervalMs?: number;
  /** How long a plugin has to exit after Shutdown. Default 5 s. */
  stopGracePeriodMs?: number;
  restart?: RestartPolicy;
  /** Live delivery of ephemeral posts and the like. */
  events?: AppEvents;
  /**
   * The other hosts of the cluster (on the same database): websocket events, cache drops,
   * plugin changes and plugins' cluster events go through it. Without it the host is alone.
   */
  cluster?: ClusterBus;
  /** This host's id in the cluster. Default: random. */
  hostId?: string;
  /**
   * Folder of installed bundles, one subfolder per plugin id; created if missing. Without it
   * installBundle refuses. Load what is in it with loadPluginsFrom(host.pluginsDir).
   */
  pluginsDir?: string;
  /** Failed password attempts that lock an account (Mattermost's MaximumLoginAttempts). Default 10. */
  maxLoginAttempts?: number;
  /**
   * Let slash commands, post actions and dialogs call URLs other than plugin routes
   * (outbound requests to any host). Off unless set.
   */
  allowExternalIntegrationUrls?: boolean;
  /**
   * Serves public links to files of posts (Mattermost's EnablePublicLink) salted with this
   * (its PublicLinkSalt: keep it secret, and the same on every host of a cluster). Unset: no
   * public links.
   */
  publicLinkSalt?: string;
  /** Largest bundle accepted by installBundle, compressed. Default 50 MiB. */
  maxBundleBytes?: number;
  /** Largest bundle accepted once decompressed; stops gzip bombs. Default 512 MiB. */
  maxBundleUncompressedBytes?: number;
  /**
   * How plugins are confined. Default: Node plugins under Node's permission model, nothing
   * beyond it allowed, every plugin as the host's user.
   */
  sandbox?: SandboxPolicy;
  /**
   * Folder of the plugins' writable data folders, `<folder>/<plugin id>` (each 0700, the
   * plugin's own); default <dataDir>/plugin-data. Without dataDir or this, plugins get none.
   */
  pluginDataDir?: string;
}

/** How one plugin is loaded. */
export interface LoadPluginOptions {
  /**
   * Starts this plugin's process (and each restart of it) with Node's inspector listening
   * there, and without Node's permission model, which turns the inspector off. For a developer's
   * own plugin (`plugwire-plugin dev --inspect`); other plugins are not affected.
   */
  inspector?: InspectorAddress;
}

/**
 * Where a loaded plugin is in its life: "stopped", "starting", "active", "restarting" (after a
 * crash, within the restart policy) or "failed".
 */
export type PluginLifecycle = PluginState;

/**
 * Why a plugin process failed (which plugin, which phase, what it printed last): what
 * enablePlugin rejects with when the plugin does not start.
 */
export { PluginProcessError } from "./supervisor/plugin-process-error.js";

/** What the host knows of one loaded plugin. */
export interface PluginStatus {
  id: string;
  manifest: PluginManifest;
  state: PluginLifecycle;
  /** Why it crashed or failed, when it did. */
  error?: string;
  /** How it is confined: permission model, what it asked and was allowed, data folder, user. */
  sandbox: PluginSandboxStatus;
  /** When the running process became active; absent unless "active". */
  activeSince?: Date;
  /** Restarts after crashes since the plugin was last started. */
  restarts: number;
  /** The last lines its process printed (stdout and stderr), oldest first. */
  lastOutput: string[];
}

/** What restoreEnabledPlugins did with one loaded plugin. */
export interface PluginStartResult {
  pluginId: string;
  /** "enabled": now active; "disabled": left stopped; "failed": enabling it failed. */
  outcome: "enabled" | "disabled" | "failed";
  /** Why enabling failed. */
  error?: Error;
}

export interface RestoreEnabledPluginsOptions {
  /** Plugins to enable when the store has no record of them yet, e.g. those shipped with a server. */
  enableByDefault?: Iterable<string>;
  /** Called with each plugin's result as soon as it is known, e.g. to show progress. */
  onResult?: (result: PluginStartResult) => void;
}

export interface InstallBundleOptions {
  /** Replace an installed plugin with the same id instead of refusing with AlreadyExistsError. */
  replace?: boolean;
}

export class Host implements HookTargets {
  /** The application layer: drive the server through it, so hooks and events fire. */
  readonly app: App;
  readonly serverVersion: string;
  /**
   * What the host counts about itself: hook and API calls per plugin, restarts, REST requests,
   * websocket connections. startMetricsServer serves it to Prometheus; read it in-process too.
   */
  readonly metrics = new HostMetrics();
  private readonly plugins = new Map<string, PluginSupervisor>();
  private readonly sandboxes = new Map<string, PluginSandboxStatus>();
  private readonly logger: Logger;
  private readonly hostApp: HostApp;
  private readonly log: LogSink;
  /** The plugins' recent log entries, to follow live. */
  readonly logFeed: LogFeed;
  private readonly leaveCluster: (() => void) | undefined;
  /**
   * The installing request of each plugin installed by this process and not activated since:
   * OnInstall then carries its whole context. The store keeps who installed it, so that
   * OnInstall still comes after a restart, with the user alone.
   */
  private readonly installedBy = new Map<string, Actor>();
  /** The management operation in progress on each plugin; the next one waits for it. */
  private readonly managing = new KeyedQueue();
  /** What other hosts' plugin changes this host is applying, for close() to wait for. */
  private readonly following = new Set<Promise<void>>();
  /** The shared bundles unpacked into pluginsDir: set when the store keeps bundles. */
  private unpacked: UnpackedBundles | undefined;
  private closed = false;

  private constructor(
    readonly store: Store,
    readonly files: FileStore,
    private readonly options: HostOptions,
    sink: LogSink,
    /** Where installBundle puts plugins (absolute, symlinks resolved); see HostOptions. */
    readonly pluginsDir: string | undefined,
    private readonly sandboxContext: SandboxContext,
  ) {
    this.serverVersion = options.serverVersion ?? HOST_VERSION;
    this.logFeed = new LogFeed(sink);
    this.log = this.logFeed.sink;
    this.logger = new Logger(this.log);
    const hostId = options.hostId ?? randomUUID();
    const app = new HostApp({
      store,
      files,
      hooks: this,
      log: this.logger,
      events: options.events,
      cluster: options.cluster,
      hostId,
      now: options.now,
      userStatusAwayTimeoutMs: options.userStatusAwayTimeoutMs,
      serverConfig: startConfig(store.kind, options, pluginsDir),
      allowExternalIntegrationUrls: options.allowExternalIntegrationUrls,
      publicLinkSalt: options.publicLinkSalt,
    });
    this.app = app;
    this.hostApp = app;
    this.leaveCluster = options.cluster?.join(hostId, {
      receive: (message) => this.receiveClusterMessage(message),
      resync: () => {
        app.resyncCluster();
        this.followAllPlugins();
      },
    });
  }

  /** Creates a host; with only dataDir, opens (or creates) the folder and the SQLite store in it. */
  static async create(options: HostOptions): Promise<Host> {
    if ((!options.store || !options.files) && !options.dataDir) {
      throw new TypeError("createHost needs dataDir, or both store and files");
    }
    const dataDir = options.dataDir ?? "";
    const policy = options.sandbox ?? {};
    const pluginIds = policy.pluginIds;
    if (pluginIds !== undefined && (options.dataDir === undefined || process.getuid?.() !== 0)) {
      throw new TypeError(
        "running plugins as their own users (sandbox.pluginIds) needs a host running as root, and dataDir, where the ids given are recorded",
      );
    }
    // Plugins of their own users reach their data folder and installed bundle through these
    // folders, so they may traverse them (not list them): 0711; else they are the host's alone.
    const folderMode = pluginIds === undefined ? 0o700 : 0o711;
    if (options.dataDir !== undefined) await privateFolder(options.dataDir, folderMode);
    let store = options.store;
    if (store === undefined) {
      const path = join(dataDir, "plugwire.db");
      store = await openSqliteStore({ path, now: options.now });
      // SQLite gives its -wal and -shm files the database's mode.
      await chmod(path, 0o600).catch(() => undefined);
    }
    const files = options.files ?? new LocalFileStore(join(dataDir, "files"));
    let pluginsDir: string | undefined;
    if (options.pluginsDir !== undefined) {
      await mkdir(options.pluginsDir, { recursive: true });
      if (pluginIds !== undefined) await chmod(options.pluginsDir, 0o711);
      pluginsDir = await realpath(options.pluginsDir);
    }
    const dataRoot =
      options.pluginDataDir ??
      (options.dataDir === undefined ? undefined : join(options.dataDir, "plugin-data"));
    if (dataRoot !== undefined) await privateFolder(dataRoot, folderMode);
    const users =
      pluginIds === undefined
        ? undefined
        : await PluginUsers.open(join(dataDir, "plugin-users.json"), pluginIds);
    const sandboxContext: SandboxContext = { policy, dataRoot, users, pluginsDir };
    const log = options.log ?? jsonLineSink("info");
    const host = new Host(store, files, options, log, pluginsDir, sandboxContext);
    await host.hostApp.loadConfig();
    if (pluginsDir !== undefined && store.kind === "postgresql") {
      host.unpacked = await UnpackedBundles.open(pluginsDir);
      await host.unpackMissingBundles();
    }
    await host.hostApp.joinCluster(host.serverVersion);
    return host;
  }

  /**
   * Validates the manifest in `dir` and registers the plugin, stopped. Throws ManifestError
   * for a bad manifest and AlreadyExistsError when a plugin with the same id is loaded.
   */
  async loadPlugin(dir: string, options: LoadPluginOptions = {}): Promise<PluginManifest> {
    const manifest = await loadManifest(dir, { serverVersion: this.serverVersion });
    const pluginLogger = new Logger(this.log, manifest.id);
    for (const warning of manifest.warnings ?? []) {
      pluginLogger.warn(`plugin ${manifest.id}: ${manifest.file}: ${warning}`);
    }
    if (this.plugins.has(manifest.id)) {
      throw new AlreadyExistsError({
        id: "app.plugin.load.duplicate_id",
        message: `A plugin with id "${manifest.id}" is already loaded (from ${this.plugins.get(manifest.id)?.manifest.dir}).`,
        params: { plugin_id: manifest.id },
      });
    }
    const { inspector } = options;
    if (inspector !== undefined && manifest.server?.runtime !== "node") {
      throw new ValidationError({
        id: "app.plugin.load.inspector_not_node",
        message: `Plugin ${manifest.id} ${manifest.server === undefined ? "has no server part" : `runs ${manifest.server.executable}`}; the inspector is for Node plugins (server.runtime "node").`,
        params: { plugin_id: manifest.id },
      });
    }
    // Node turns the inspector off under its permission model: an inspected plugin runs
    // without it, as the debugger attached to it can do anything the plugin's user can anyway.
    const sandboxContext =
      inspector === undefined
        ? this.sandboxContext
        : {
            ...this.sandboxContext,
            policy: { ...this.sandboxContext.policy, nodePermissions: false },
          };
    const { sandbox, status } = await pluginSandbox(manifest, sandboxContext);
    if (inspector !== undefined) {
      pluginLogger.warn(
        `plugin ${manifest.id} starts with the Node inspector on ${inspector.host ?? "127.0.0.1"}:${inspector.port}, without Node's permission model`,
      );
    }
    const supervisor = new PluginSupervisor(manifest, {
      sandbox,
      inspector,
      serveApi: ({ socketPath, token, pluginId }) =>
        startPluginApiServer({
          socketPath,
          token,
          service: () =>
            instrumentedService(
              createPluginApiService({
                pluginId,
                app: this.app,
                serverVersion: this.serverVersion,
                now: this.options.now,
                plugins: this,
              }),
              this.metrics.apiCallsOf(pluginId),
            ),
        }),
      activationConfig: () => this.app.getPluginConfig(manifest.id),
      log: this.log,
      logLevel: this.options.pluginLogLevel,
      startTimeoutMs: this.options.startTimeoutMs,
      hookTimeoutMs: this.options.hookTimeoutMs,
      pidRegistry: this.options.pidRegistry,
      healthCheckIntervalMs: this.options.healthCheckIntervalMs,
      stopGracePeriodMs: this.options.stopGracePeriodMs,
      restart: this.options.restart,
      hookStats: this.metrics.hooksOf(manifest.id),
    });
    supervisor.onStateChange(({ state, previous, error }) => {
      if (state === "restarting") this.metrics.pluginRestarted(manifest.id);
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
    this.sandboxes.set(manifest.id, status);
    return manifest;
  }

  /**
   * Loads every subfolder of `dir` as a plugin; returns what loaded and what failed. Hidden
   * ("."-prefixed) folders are skipped: they hold bundles being installed or removed.
   */
  async loadPluginsFrom(
    dir: string,
  ): Promise<{ loaded: PluginManifest[]; failed: { dir: string; error: Error }[] }> {
    const loaded: PluginManifest[] = [];
    const failed: { dir: string; error: Error }[] = [];
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const pluginDir = join(dir, entry.name);
      try {
        loaded.push(await this.loadPlugin(pluginDir));
      } catch (error) {
        failed.push({ dir: pluginDir, error: error as Error });
      }
    }
    return { loaded, failed };
  }

  /**
   * Records the plugin as enabled, starts it and resolves once OnActivate succeeded (then, right
   * after an install, once OnInstall was delivered); rejects with why it failed. The record stays,
   * as in Mattermost: a plugin that fails to start is tried again at the next start-up.
   * Enabling an active or restarting plugin changes nothing.
   */
  async enablePlugin(pluginId: string): Promise<void> {
    try {
      await this.exclusive(pluginId, () => this.enable(pluginId));
    } finally {
      // The other hosts start their copies even when this one failed to start, as they would
      // at their next start-up.
      this.announce(pluginId, "enabled");
    }
  }

  /** Records the plugin as disabled, calls OnDeactivate, shuts its process down, removes its commands. */
  async disablePlugin(pluginId: string): Promise<void> {
    await this.exclusive(pluginId, async () => {
      const supervisor = this.supervisor(pluginId);
      await this.store.setPluginEnabled(pluginId, false);
      this.announce(pluginId, "disabled");
      await this.stop(supervisor);
    });
  }

  /** Stops (if needed) and forgets a plugin; its enabled record and its folder stay. */
  async unloadPlugin(pluginId: string): Promise<void> {
    await this.exclusive(pluginId, async () => {
      await this.stop(this.supervisor(pluginId));
      this.plugins.delete(pluginId);
      this.sandboxes.delete(pluginId);
    });
  }

  /**
   * Enables, in parallel, every loaded plugin the store records as enabled, and those named in
   * `enableByDefault` that it has no record of. Never rejects: each plugin's result says how it
   * went, in plugin id order.
   */
  async restoreEnabledPlugins(
    options: RestoreEnabledPluginsOptions = {},
  ): Promise<PluginStartResult[]> {
    const recorded = await this.store.getPluginStates();
    const byDefault = new Set(options.enableByDefault);
    const ids = [...this.plugins.keys()].sort();
    return Promise.all(
      ids.map(async (pluginId) => {
        const result = await this.restoreEnabled(pluginId, recorded.get(pluginId), byDefault);
        options.onResult?.(result);
        return result;
      }),
    );
  }

  /**
   * Installs a plugin bundle (.tar.gz) into pluginsDir, loaded but disabled, and returns its
   * manifest. The whole archive is checked before anything is written there (see bundle/): the
   * size caps (413), every entry a plain file or folder inside the plugin folder (400 naming the
   * entry), the manifest at the archive's root or in its one top-level folder and valid (400),
   * and the id free (409 AlreadyExistsError, unless `replace`). Replacing a plugin the store
   * records as enabled enables the new version, as Mattermost does; a failure to start it shows
   * in its status rather than failing the install. `actor` is who OnInstall will name.
   */
  async installBundle(
    archive: Uint8Array,
    actor: Actor,
    options: InstallBundleOptions = {},
  ): Promise<PluginManifest> {
    const pluginsDir = this.requirePluginsDir();
    const staged = await stageBundle(archive, {
      limits: this.bundleLimits(),
      serverVersion: this.serverVersion,
    });
    try {
      const { id } = staged.manifest;
      if (!installableId.test(id)) {
        throw new ValidationError({
          id: "app.plugin.install.hidden_id",
          message: `The plugin id "${id}" starts with "."; installed plugins may not, since their folders would be hidden. Change the manifest's id.`,
          params: { field: "id", plugin_id: id },
        });
      }
      return await this.exclusive(id, async () => {
        const target = join(pluginsDir, id);
        const existing = this.plugins.get(id);
        if (options.replace) {
          if (existing && dirname(existing.manifest.dir) !== pluginsDir) {
            throw new AlreadyExistsError({
              id: "app.plugin.install.id_not_replaceable",
              message: `A plugin with id "${id}" is loaded from ${existing.manifest.dir}, which this host did not install and will not overwrite; remove it there first.`,
              params: { plugin_id: id },
            });
          }
        } else if (existing || (await folderExists(target))) {
          throw new AlreadyExistsError({
            id: "app.plugin.install.id_exists",
            message: `A plugin with id "${id}" is already installed (${existing?.manifest.dir ?? target}); remove it first, or upload it with force=true (the Plugin API's InstallPlugin: replace).`,
            params: { plugin_id: id },
          });
        }
        const wasEnabled = existing !== undefined && (await this.isRecordedEnabled(id));
        if (existing) {
          await this.stop(existing);
          this.plugins.delete(id);
        }
        if (options.replace) await replaceFolder(staged.dir, target);
        else await moveFolder(staged.dir, target);
        // A plugin folder dropped into pluginsDir by hand may be named other than its id.
        if (existing && existing.manifest.dir !== target) await removeFolder(existing.manifest.dir);
        const manifest = await this.loadPlugin(target);
        if (this.unpacked !== undefined) {
          // Saved for the other hosts, which unpack it from the database.
          const saved = await this.store.savePluginBundle(id, archive);
          await this.unpacked.set(id, saved.updatedAt);
        }
        await this.store.setPluginInstaller(id, actor.userId ?? "");
        this.installedBy.set(id, actor);
        if (wasEnabled) {
          // The plugin's status and the log say why, if it does not start.
          await this.enable(id).catch(() => undefined);
        }
        this.announce(id, "installed");
        return manifest;
      });
    } finally {
      await staged.discard();
    }
  }

  /**
   * Removes an installed plugin: disables it, forgets it and its enabled record, and deletes its
   * folder from pluginsDir. Its settings and KV data stay, as in Mattermost. A plugin loaded from
   * a folder outside pluginsDir is refused (400): the host deletes only what it installed.
   */
  async removePlugin(pluginId: string): Promise<void> {
    const pluginsDir = this.requirePluginsDir();
    await this.exclusive(pluginId, async () => {
      const supervisor = this.plugins.get(pluginId);
      // A folder that failed to load can be removed too, so a broken install can be cleaned up;
      // its name must be a plugin id, so no path can be smuggled in.
      const folder = supervisor?.manifest.dir ?? join(pluginsDir, pluginId);
      if (
        supervisor === undefined &&
        !(installableId.test(pluginId) && (await folderExists(folder)))
      ) {
        throw pluginNotFound(pluginId);
      }
      if (dirname(folder) !== pluginsDir) {
        throw new ValidationError({
          id: "app.plugin.remove.not_installed",
          message: `Plugin ${pluginId} was loaded from ${folder}, not installed as a bundle, so the host will not delete it; disable it instead, or delete that folder and restart.`,
          params: { plugin_id: pluginId },
        });
      }
      if (supervisor) {
        await this.stop(supervisor);
        this.plugins.delete(pluginId);
      }
      this.installedBy.delete(pluginId);
      await removeFolder(folder);
      await this.store.deletePluginState(pluginId);
      if (this.unpacked !== undefined) {
        await this.store.deletePluginBundle(pluginId);
        await this.unpacked.set(pluginId, undefined);
      }
      this.announce(pluginId, "removed");
    });
  }

  /** The plugin's settings: what was saved over the defaults of its settings_schema. */
  async getPluginSettings(pluginId: string): Promise<JsonObject> {
    const { manifest } = this.supervisor(pluginId);
    return settingsWithDefaults(
      manifest.settingsSchema,
      await this.store.getPluginConfig(pluginId),
    );
  }

  /**
   * Checks `config` against the plugin's settings_schema (ValidationError naming the key), fills
   * in the defaults of the settings it leaves out, saves it and fires OnConfigurationChange.
   */
  async savePluginSettings(actor: Actor, pluginId: string, config: JsonObject): Promise<void> {
    const { manifest } = this.supervisor(pluginId);
    const checked = checkPluginSettings(pluginId, manifest.settingsSchema, config);
    await this.app.savePluginConfig(actor, pluginId, checked);
  }

  status(pluginId: string): PluginStatus {
    const supervisor = this.supervisor(pluginId);
    return this.statusOf(supervisor);
  }

  /**
   * The plugin's state alone, without building its whole status (which copies its last
   * output): for checks made on every request, as the plugin proxy's.
   */
  pluginState(pluginId: string): PluginStatus["state"] {
    return this.supervisor(pluginId).state;
  }

  statuses(): PluginStatus[] {
    return [...this.plugins.values()]
      .map((s) => this.statusOf(s))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * The server's public URL (the configuration's ServiceSettings.SiteURL), for a server that
   * knows it only once it listens, e.g. on a port picked at start; fixed for the run.
   */
  setSiteUrl(url: string): void {
    this.hostApp.fixConfig({ ServiceSettings: { SiteURL: url } });
  }

  /** Which database keeps the data: "sqlite" or "postgresql". */
  get storeKind(): StoreKind {
    return this.store.kind;
  }

  /** Per hook and minute, the plugin's calls, failures, timeouts and latencies. */
  pluginActivity(pluginId: string): HookActivityReport[] {
    return this.supervisor(pluginId).activity.report();
  }

  private statusOf(supervisor: PluginSupervisor): PluginStatus {
    const { manifest, state, lastError, activeSince, restartCount } = supervisor;
    const sandbox = this.sandboxes.get(manifest.id) as PluginSandboxStatus;
    const status: PluginStatus = {
      id: manifest.id,
      manifest,
      state,
      sandbox,
      restarts: restartCount,
      lastOutput: supervisor.lastOutput(),
    };
    if (activeSince) status.activeSince = activeSince;
    if (lastError) status.error = lastError.message;
    return status;
  }

  implementing(hook: HookName): readonly HookDispatcher[] {
    return [...this.plugins.values()]
      .filter((s) => s.state === "active" && s.implements(hook))
      .sort((a, b) => (a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0));
  }

  get(pluginId: string): HookDispatcher | undefined {
    return this.plugins.get(pluginId);
  }

  /** The loaded plugin with this id, to call its hooks and ServeHTTP; NotFoundError when none is. */
  plugin(pluginId: string): HookDispatcher {
    return this.supervisor(pluginId);
  }

  /** Stops every plugin, waits for notification hooks in flight, and closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.leaveCluster?.();
    await this.hostApp.leaveCluster();
    await Promise.all(this.following);
    await this.app.settled();
    await Promise.all([...this.plugins.values()].map((s) => s.stop()));
    await this.store.close();
  }

  /** What another host of the cluster told: plugin changes here, the rest to the app. */
  private receiveClusterMessage(message: ClusterMessage): void {
    if (message.type === "plugin_changed" && message.change !== "configured") {
      this.followPlugin(message.pluginId);
      return;
    }
    this.hostApp.receiveClusterMessage(message);
  }

  /** Tells the other hosts that this one changed a plugin (they follow what the store says). */
  private announce(pluginId: string, change: PluginChange): void {
    this.options.cluster?.publish(this.app.hostId, { type: "plugin_changed", pluginId, change });
  }

  /** Brings this host's copy of the plugin to what the store records, after its other work on it. */
  private followPlugin(pluginId: string): void {
    const following: Promise<void> = this.exclusive(pluginId, () => this.reconcilePlugin(pluginId))
      .catch((error: unknown) => {
        this.logger.warn(
          `plugin ${pluginId}: following a change another host made failed: ${String(error)}`,
          { pluginId },
        );
      })
      .finally(() => this.following.delete(following));
    this.following.add(following);
  }

  /** The bus may have lost plugin changes: follow every plugin this host or the store knows. */
  private followAllPlugins(): void {
    void (async () => {
      const stored =
        this.unpacked === undefined ? new Map() : await this.store.getPluginBundleTimes();
      for (const pluginId of new Set([...this.plugins.keys(), ...stored.keys()])) {
        this.followPlugin(pluginId);
      }
    })().catch((error: unknown) => {
      this.logger.warn(`following the cluster's plugins after a resync failed: ${String(error)}`);
    });
  }

  /**
   * Makes this host's copy of a plugin what the store records: the bundle saved last (or none,
   * when it was removed), running when recorded enabled. The host that made the change wrote
   * the store; this one only unpacks, loads, starts and stops its own copy.
   */
  private async reconcilePlugin(pluginId: string): Promise<void> {
    if (this.closed) return;
    if (this.unpacked !== undefined) {
      const storedAt = (await this.store.getPluginBundleTimes()).get(pluginId);
      await this.unpackBundle(pluginId, storedAt, { load: true });
    }
    const supervisor = this.plugins.get(pluginId);
    if (supervisor === undefined || this.closed) return;
    const enabled = await this.isRecordedEnabled(pluginId);
    const { state } = supervisor;
    if (enabled && (state === "stopped" || state === "failed")) {
      await supervisor.start();
    } else if (!enabled && state !== "stopped") {
      await supervisor.stop();
    }
  }

  /** At start-up, before plugins are loaded: unpacks what the store has and this host lacks. */
  private async unpackMissingBundles(): Promise<void> {
    const unpacked = this.unpacked as UnpackedBundles;
    const stored = await this.store.getPluginBundleTimes();
    for (const pluginId of new Set([...stored.keys(), ...unpacked.pluginIds()])) {
      await this.unpackBundle(pluginId, stored.get(pluginId), { load: false }).catch(
        (error: unknown) => {
          this.logger.warn(
            `plugin ${pluginId}: unpacking its bundle from the database failed: ${String(error)}`,
            { pluginId },
          );
        },
      );
    }
  }

  /**
   * Puts the version `storedAt` of the plugin's shared bundle into pluginsDir, replacing what is
   * there, or removes the plugin when the store has none (removed on another host) and this host
   * had unpacked one. A plugin loaded from outside pluginsDir is left alone. With `load`, the
   * plugin is loaded (stopped) afterwards, as installBundle leaves it.
   */
  private async unpackBundle(
    pluginId: string,
    storedAt: bigint | undefined,
    { load }: { load: boolean },
  ): Promise<void> {
    const unpacked = this.unpacked as UnpackedBundles;
    const pluginsDir = this.requirePluginsDir();
    if (storedAt === unpacked.get(pluginId)) return;
    const existing = this.plugins.get(pluginId);
    if (existing !== undefined && dirname(existing.manifest.dir) !== pluginsDir) return;
    const target = join(pluginsDir, pluginId);
    const forget = async () => {
      if (existing === undefined) return;
      await existing.stop();
      this.plugins.delete(pluginId);
      this.sandboxes.delete(pluginId);
    };
    if (storedAt === undefined) {
      await forget();
      this.installedBy.delete(pluginId);
      if (await folderExists(existing?.manifest.dir ?? target)) {
        await removeFolder(existing?.manifest.dir ?? target);
      }
      await unpacked.set(pluginId, undefined);
      return;
    }
    const bundle = await this.store.getPluginBundle(pluginId);
    if (bundle === undefined) return; // Removed meanwhile; the removal's message follows.
    const staged = await stageBundle(bundle.bundle, {
      limits: this.bundleLimits(),
      serverVersion: this.serverVersion,
    });
    try {
      if (staged.manifest.id !== pluginId) {
        throw new Error(`the saved bundle is of plugin "${staged.manifest.id}"`);
      }
      await forget();
      await replaceFolder(staged.dir, target);
      if (existing && existing.manifest.dir !== target) await removeFolder(existing.manifest.dir);
      await unpacked.set(pluginId, bundle.updatedAt);
      if (load) await this.loadPlugin(target);
    } finally {
      await staged.discard();
    }
  }

  private async restoreEnabled(
    pluginId: string,
    recorded: boolean | undefined,
    byDefault: ReadonlySet<string>,
  ): Promise<PluginStartResult> {
    if (!(recorded ?? byDefault.has(pluginId))) return { pluginId, outcome: "disabled" };
    try {
      // Every host restores its own copies: nothing to tell the others.
      await this.exclusive(pluginId, () => this.enable(pluginId));
      return { pluginId, outcome: "enabled" };
    } catch (error) {
      return { pluginId, outcome: "failed", error: error as Error };
    }
  }

  private async enable(pluginId: string): Promise<void> {
    const supervisor = this.supervisor(pluginId);
    await this.store.setPluginEnabled(pluginId, true);
    if (supervisor.state === "active" || supervisor.state === "restarting") return;
    await supervisor.start();
    const installerId = await this.store.takePluginInstaller(pluginId);
    const installer = this.installedBy.get(pluginId);
    this.installedBy.delete(pluginId);
    if (installerId !== undefined) {
      await this.deliverOnInstall(supervisor, installer ?? { userId: installerId });
    }
  }

  /** Fires OnInstall; like every notification hook, its failure is logged, not thrown. */
  private async deliverOnInstall(supervisor: PluginSupervisor, installer: Actor): Promise<void> {
    const context =
      installer.context ??
      create(PluginContextSchema, { requestId: randomUUID(), userId: installer.userId ?? "" });
    try {
      await supervisor.callHook("OnInstall", { context, userId: installer.userId ?? "" });
    } catch (error) {
      this.logger.warn(`hook OnInstall failed in plugin ${supervisor.pluginId}: ${String(error)}`, {
        pluginId: supervisor.pluginId,
        hook: "OnInstall",
      });
    }
  }

  private async stop(supervisor: PluginSupervisor): Promise<void> {
    await supervisor.stop();
    await this.store.unregisterPluginCommands(supervisor.pluginId);
  }

  private async isRecordedEnabled(pluginId: string): Promise<boolean> {
    return (await this.store.getPluginStates()).get(pluginId) === true;
  }

  /** Runs `work` once the management operation in progress on the plugin, if any, is done. */
  private exclusive<T>(pluginId: string, work: () => Promise<T>): Promise<T> {
    return this.managing.run(pluginId, work);
  }

  private requirePluginsDir(): string {
    if (this.pluginsDir === undefined) {
      throw new PluginAPIError(
        {
          id: "app.plugin.install.no_plugins_dir",
          message:
            "This host installs no plugin bundles: it was created without pluginsDir. Set HostOptions.pluginsDir (plugwire serve sets <data>/plugins).",
          statusCode: 501,
        },
        Code.Unimplemented,
      );
    }
    return this.pluginsDir;
  }

  /** The largest bundle installBundle accepts, compressed. */
  get maxBundleBytes(): number {
    return this.options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  }

  private bundleLimits(): BundleLimits {
    return {
      maxBundleBytes: this.maxBundleBytes,
      maxUncompressedBytes:
        this.options.maxBundleUncompressedBytes ?? DEFAULT_MAX_BUNDLE_UNCOMPRESSED_BYTES,
    };
  }

  private supervisor(pluginId: string): PluginSupervisor {
    const supervisor = this.plugins.get(pluginId);
    if (!supervisor) throw pluginNotFound(pluginId);
    return supervisor;
  }
}

/** A plugin id (Mattermost's rule) that is also a visible folder name: no leading ".". */
const installableId = /^[a-zA-Z0-9_-][a-zA-Z0-9._-]*$/;

function pluginNotFound(pluginId: string): NotFoundError {
  return new NotFoundError({
    id: "app.plugin.not_found",
    message: `No plugin with id "${pluginId}" is loaded.`,
    params: { plugin_id: pluginId },
  });
}

async function folderExists(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** Creates a host; see HostOptions. */
export function createHost(options: HostOptions): Promise<Host> {
  return Host.create(options);
}

/** Creates `dir` if missing and gives it `mode`, whatever it had. */
async function privateFolder(dir: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  await chmod(dir, mode);
}

/**
 * The settings fixed for this run: what the host knows of itself (its database, plugin
 * uploads, public links), then what the embedder gave, which wins.
 */
function startConfig(
  storeKind: StoreKind,
  options: HostOptions,
  pluginsDir: string | undefined,
): JsonObject {
  const given = options.serverConfig ?? {};
  const section = (name: string): JsonObject => {
    const value = given[name];
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
  };
  return {
    ...given,
    ServiceSettings: {
      ...(options.maxLoginAttempts !== undefined && {
        MaximumLoginAttempts: options.maxLoginAttempts,
      }),
      ...section("ServiceSettings"),
    },
    SqlSettings: {
      DriverName: storeKind === "postgresql" ? "postgres" : "sqlite3",
      ...section("SqlSettings"),
    },
    FileSettings: {
      EnablePublicLink: options.publicLinkSalt !== undefined,
      PublicLinkSalt: options.publicLinkSalt ?? "",
      ...section("FileSettings"),
    },
    PluginSettings: {
      EnableUploads: pluginsDir !== undefined,
      Directory: pluginsDir ?? "",
      ...section("PluginSettings"),
    },
  };
}
