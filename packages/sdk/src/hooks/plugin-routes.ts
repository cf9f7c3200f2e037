// The PluginHooks service of one plugin instance: each registered hook's RPC calls its handler
// through the hook's adapter (hook-adapters.ts). No process or socket work happens here, so a
// test harness can serve these routes in memory.
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl, Transport } from "@connectrpc/connect";
import {
  type HookName,
  ImplementedResponseSchema,
  PluginHooks,
  PluginHTTP,
} from "@plugwire/protocol";
import { PluginAPIClient } from "../api/plugin-api-client.js";
import { requireBearerToken } from "../bearer-token.js";
import { pluginHttpService } from "../http/serve-once.js";
import { jsonLineSink } from "../logger/json-line-sink.js";
import { Logger, type LogLevel, type LogSink } from "../logger/logger.js";
import type { Manifest } from "../plugin/manifest.js";
import type { Plugin, PluginClass } from "../plugin/plugin.js";
import { type Adapter, hookAdapters } from "./hook-adapters.js";
import type { AnyHookHandler, HookHandlers } from "./hook-handlers.js";
import { registeredHooks } from "./hook-registry.js";

/** What a plugin instance is built with when its hooks are served. */
export interface PluginRoutesOptions {
  /** Where the plugin's API calls go. */
  api: Transport;
  /**
   * The per-start token. When set, every hook call must carry "authorization: Bearer <token>"
   * (others are refused with Unauthenticated), and every API call sends it.
   */
  token?: string;
  /** Receives the plugin's log entries; JSON lines on stderr by default. */
  logSink?: LogSink;
  /** The lowest level logged; "info" by default. */
  logLevel?: LogLevel;
  /** The plugin's manifest; fields left out are "". */
  manifest?: Partial<Manifest>;
  /** The configuration `this.config` starts with, until OnActivate fetches it. */
  config?: JsonObject;
}

/** A plugin instance and the routes serving its hooks. */
export interface PluginRoutes<P extends Plugin> {
  plugin: P;
  /** What Implemented answers: the registered hooks plus OnActivate and OnConfigurationChange. */
  implemented: readonly HookName[];
  /** Registers the PluginHooks service on a Connect router. */
  routes: (router: ConnectRouter) => void;
}

/**
 * Instantiates `pluginClass` and builds the PluginHooks routes calling its handlers, e.g. for
 * `createRouterTransport(routes)` in tests. runPlugin serves the same routes over a socket.
 */
export function createPluginRoutes<P extends Plugin>(
  pluginClass: PluginClass<P>,
  options: PluginRoutesOptions,
): PluginRoutes<P> {
  const plugin = new pluginClass({
    api: new PluginAPIClient(options.api, options.token),
    logger: new Logger(options.logSink ?? jsonLineSink(), options.logLevel),
    manifest: { id: "", name: "", version: "", description: "", raw: {}, ...options.manifest },
    config: options.config,
  });
  const handlers = registeredHooks(pluginClass);
  // The SDK needs these two itself, to keep `this.config` current whether or not the plugin
  // handles them; the host calls only hooks that Implemented names.
  for (const name of ["OnActivate", "OnConfigurationChange"] as const) {
    if (!handlers.has(name)) {
      handlers.set(name, noHandler);
    }
  }
  // A plugin that stops lets go of its cluster locks and jobs once its own OnDeactivate ran
  // (and at Shutdown, see serve/run-plugin.ts, when it has no OnDeactivate).
  const onDeactivate = handlers.get("OnDeactivate") as HookHandlers["OnDeactivate"] | undefined;
  if (onDeactivate !== undefined) {
    const released: HookHandlers["OnDeactivate"] = async function (this: P, ...args) {
      try {
        return await onDeactivate.apply(this, args);
      } finally {
        await plugin.cluster.close();
      }
    };
    handlers.set("OnDeactivate", released as AnyHookHandler);
  }
  const implemented: HookName[] = [];
  const service: Record<string, unknown> = {};
  for (const method of PluginHooks.methods) {
    const name = method.name as HookName;
    const handler = handlers.get(name);
    if (handler !== undefined) {
      implemented.push(name);
      // The adapter map is typed per hook; here the hook is known only at run time.
      service[method.localName] = (hookAdapters[name] as Adapter<HookName>)(plugin, handler);
    }
  }
  // ServeHTTP's handler also answers requests that arrive whole (http/serve-once.ts).
  const serveHttp = handlers.get("ServeHTTP") as HookHandlers["ServeHTTP"] | undefined;
  const httpService = serveHttp === undefined ? undefined : pluginHttpService(plugin, serveHttp);
  const implementedResponse = create(ImplementedResponseSchema, { hooks: implemented });
  service.implemented = () => implementedResponse;
  const interceptors = options.token === undefined ? [] : [requireBearerToken(options.token)];
  return {
    plugin,
    implemented,
    routes: (router) => {
      router.service(PluginHooks, service as Partial<ServiceImpl<typeof PluginHooks>>, {
        interceptors,
      });
      if (httpService !== undefined) {
        router.service(PluginHTTP, httpService, { interceptors });
      }
    },
  };
}

const noHandler: AnyHookHandler = () => undefined;
