// The PluginAPI a plugin under test talks to, with the host's real semantics: the host's own
// PluginAPI service over the host's own SqliteStore on ":memory:", a MemoryFileStore, and a
// HostApp that fires hooks at the plugin under test, so a post the plugin creates runs its
// own MessageWillBePosted as on a real host. Nothing here re-implements what those do; this
// file only wires them up, records the calls and holds the fake clock.
import type { JsonObject } from "@bufbuild/protobuf";
import { createRouterTransport, type ServiceImpl, type Transport } from "@connectrpc/connect";
import { asPluginAPIError, type PluginAPIError, serverErrorInterceptor } from "@plugwire/errors";
import {
  type App,
  HOST_VERSION,
  type HookDispatcher,
  type HookTargets,
  Logger,
  MemoryFileStore,
  openSqliteStore,
  type Store,
} from "@plugwire/host";
import {
  createPluginApiService,
  DEFAULT_MAX_MESSAGE_BYTES,
  HostApp,
} from "@plugwire/host/internal";
import { type HookName, PluginAPI } from "@plugwire/protocol";
import { PluginAPIClient } from "@plugwire/sdk";
import type { CapturedLog } from "../captured-log.js";
import { FakeClock } from "../fake-clock.js";
import { type ApiCall, type ApiMethodName, recordCalls } from "./api-call.js";
import { type Fixtures, seedFixtures } from "./fixtures.js";

/** The plugin id used when a test names none. */
export const DEFAULT_PLUGIN_ID = "com.example.plugin";

export interface FakePluginAPIOptions {
  /** The plugin under test: whose KV, commands and settings the fixtures and `config` are. */
  pluginId?: string;
  /** The data the backend starts with. */
  fixtures?: Fixtures;
  /** The plugin's saved settings: what GetPluginConfig answers (and `this.config` after OnActivate). */
  config?: JsonObject;
  /** What GetServerVersion answers; the host's version by default. */
  serverVersion?: string;
  /**
   * Settings of the server configuration fixed for the test, in Mattermost's shape (e.g.
   * `{ ServiceSettings: { SiteURL: "https://chat.test" } }`), as the host's own
   * `serverConfig`: GetConfig and GetUnsanitizedConfig answer the host's whole configuration
   * with them, and SaveConfig can't change them. The others start at the host's defaults.
   */
  serverConfig?: JsonObject;
  /** Where the fake clock starts (ms since the epoch or a Date); the real time by default. */
  startTime?: number | Date;
  /** Serve public file links (GetFileLink) salted with this; unset, GetFileLink answers 501 as a host without them. */
  publicLinkSalt?: string;
}

/** A hook call of the host's app that failed. */
export interface HookFailure {
  pluginId: string;
  hook: HookName;
  error: PluginAPIError;
}

/** Creates the fake backend and seeds it; see FakePluginAPIOptions. */
export async function createFakePluginAPI(
  options: FakePluginAPIOptions = {},
): Promise<FakePluginAPI> {
  const clock = new FakeClock(options.startTime);
  const store = await openSqliteStore({ path: ":memory:", now: () => clock.now() });
  const fake = new FakePluginAPI(store, clock, options);
  try {
    await seedFixtures(store, fake.pluginId, options.fixtures ?? {});
    if (options.config !== undefined) {
      await store.savePluginConfig(fake.pluginId, options.config);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return fake;
}

export class FakePluginAPI {
  readonly pluginId: string;
  readonly serverVersion: string;
  /** The host's own application layer; the operations a person would do (post, join) go here. */
  readonly app: App;
  /** Uploaded file bytes. */
  readonly files = new MemoryFileStore();
  /** What the host logged, e.g. that a plugin's hook failed or answered without a decision. */
  readonly hostLogs: CapturedLog[] = [];
  /**
   * Every hook call of the host's app that failed. The app only logs the failures of
   * notifications, OnConfigurationChange and post decisions (those fail open), so look here.
   */
  readonly hookFailures: HookFailure[] = [];
  readonly #calls: ApiCall[] = [];
  #targets: HookTargets = { implementing: () => [], get: () => undefined };
  #closed: Promise<void> | undefined;

  /** Use createFakePluginAPI. */
  constructor(
    /** The host's own SqliteStore, on ":memory:", for direct inspection. */
    readonly store: Store,
    /** Drives timestamps and KV expiry. */
    readonly clock: FakeClock,
    options: FakePluginAPIOptions,
  ) {
    this.pluginId = options.pluginId ?? DEFAULT_PLUGIN_ID;
    this.serverVersion = options.serverVersion ?? HOST_VERSION;
    const observed = (dispatcher: HookDispatcher) => this.#observe(dispatcher);
    this.app = new HostApp({
      store,
      files: this.files,
      now: () => clock.now(),
      // Resolved on every call, so the plugin can be attached after the app exists.
      hooks: {
        implementing: (hook) => this.#targets.implementing(hook).map(observed),
        get: (pluginId) => {
          const target = this.#targets.get(pluginId);
          return target && observed(target);
        },
      },
      log: new Logger((entry) =>
        this.hostLogs.push({
          level: entry.level,
          msg: entry.msg,
          fields: entry.fields,
          time: entry.time,
        }),
      ),
      hostId: "plugwire-testing",
      publicLinkSalt: options.publicLinkSalt,
      serverConfig: {
        ...options.serverConfig,
        FileSettings: {
          EnablePublicLink: options.publicLinkSalt !== undefined,
          PublicLinkSalt: options.publicLinkSalt ?? "",
          ...(options.serverConfig?.FileSettings as JsonObject | undefined),
        },
      },
    });
  }

  /** Every PluginAPI call made so far, in the order they began. */
  get calls(): readonly ApiCall[] {
    return this.#calls;
  }

  /** The calls of one method, typed by it: `callsTo("KVSet")[0].request.key`. */
  callsTo<M extends ApiMethodName>(method: M): ApiCall<M>[] {
    // The filter establishes what the compiler can't follow through the mapped union.
    return this.#calls.filter((call) => call.method === method) as ApiCall[] as ApiCall<M>[];
  }

  /** Forgets the calls recorded so far, e.g. those made during OnActivate. */
  clearCalls(): void {
    this.#calls.length = 0;
  }

  /** The host's PluginAPI service as `pluginId` sees it, recording every call. */
  service(pluginId = this.pluginId): ServiceImpl<typeof PluginAPI> {
    return recordCalls(this.#service(pluginId), pluginId, this.#calls);
  }

  /**
   * An in-memory transport to service(pluginId): requests and responses are encoded and
   * decoded as on the socket, and errors travel as the host's API server sends them.
   */
  transport(pluginId = this.pluginId): Transport {
    return apiTransport(this.service(pluginId));
  }

  /**
   * A PluginAPI client acting as `pluginId`, whose calls are not recorded: for a test to
   * arrange or inspect what the plugin sees, e.g. `await api.client().kvGetJSON("visits")`.
   */
  client(pluginId = this.pluginId): PluginAPIClient {
    return new PluginAPIClient(apiTransport(this.#service(pluginId)));
  }

  /** Which plugins the app fires hooks at; none until a harness attaches the plugin under test. */
  dispatchHooksTo(targets: HookTargets): void {
    this.#targets = targets;
  }

  /**
   * Saves the plugin's settings as an administrator would and waits for the plugin's
   * OnConfigurationChange, rejecting with its error if it failed.
   */
  async configure(config: JsonObject): Promise<void> {
    const before = this.hookFailures.length;
    await this.app.savePluginConfig({}, this.pluginId, config);
    await this.app.settled();
    const failure = this.hookFailures
      .slice(before)
      .find((f) => f.pluginId === this.pluginId && f.hook === "OnConfigurationChange");
    if (failure !== undefined) {
      throw failure.error;
    }
  }

  /** Resolves once every hook the host started in the background has finished. */
  settled(): Promise<void> {
    return this.app.settled();
  }

  /** Waits for background hooks, then closes the store. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= this.app.settled().then(() => this.store.close());
    return this.#closed;
  }

  #service(pluginId: string): ServiceImpl<typeof PluginAPI> {
    return createPluginApiService({
      pluginId,
      app: this.app,
      serverVersion: this.serverVersion,
      now: () => this.clock.now(),
    });
  }

  /** The dispatcher as the app uses it, noting failures the app may only log. */
  #observe(dispatcher: HookDispatcher): HookDispatcher {
    const failures = this.hookFailures;
    return {
      pluginId: dispatcher.pluginId,
      implements: (name) => dispatcher.implements(name),
      callHook: (name, request, options) =>
        dispatcher.callHook(name, request, options).catch((reason: unknown) => {
          const error = asPluginAPIError(reason);
          failures.push({ pluginId: dispatcher.pluginId, hook: name, error });
          throw error;
        }),
      serveHTTP: (head, body, options) => dispatcher.serveHTTP(head, body, options),
      serveHTTPOnce: (head, body, options) => dispatcher.serveHTTPOnce(head, body, options),
      fileWillBeUploaded: (head, content, output, options) =>
        dispatcher.fileWillBeUploaded(head, content, output, options).catch((reason: unknown) => {
          const error = asPluginAPIError(reason);
          failures.push({ pluginId: dispatcher.pluginId, hook: "FileWillBeUploaded", error });
          throw error;
        }),
    };
  }
}

function apiTransport(service: ServiceImpl<typeof PluginAPI>): Transport {
  return createRouterTransport((router) => router.service(PluginAPI, service), {
    router: { interceptors: [serverErrorInterceptor], readMaxBytes: DEFAULT_MAX_MESSAGE_BYTES },
  });
}
