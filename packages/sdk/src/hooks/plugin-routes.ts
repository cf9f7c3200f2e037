// The PluginHooks service of one plugin instance: each RPC turns its request into the
// handler's arguments, calls the handler, and turns the result into the response. No process
// or socket work happens here, so a test harness can serve these routes in memory.
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type MethodImpl,
  type ServiceImpl,
  type Transport,
} from "@connectrpc/connect";
import {
  type HookName,
  ImplementedResponseSchema,
  PluginHooks,
  PluginHTTP,
} from "@plugwire/protocol";
import { PluginAPIClient } from "../api/plugin-api-client.js";
import { requireBearerToken } from "../bearer-token.js";
import { headerList, responseBytes, responseFrames, toFetchRequest } from "../http/fetch-bridge.js";
import { fetchResponse, pluginHttpService } from "../http/serve-once.js";
import { jsonLineSink } from "../logger/json-line-sink.js";
import { Logger, type LogLevel, type LogSink } from "../logger/logger.js";
import type { Manifest } from "../plugin/manifest.js";
import type { Plugin, PluginClass } from "../plugin/plugin.js";
import { loginDecisionMessage, postDecisionMessage } from "./decisions.js";
import { hookContext } from "./hook-context.js";
import { hookFailure } from "./hook-failure.js";
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
  const implemented: HookName[] = [];
  const service: Record<string, unknown> = {};
  for (const method of PluginHooks.methods) {
    const name = method.name as HookName;
    const handler = handlers.get(name);
    if (handler !== undefined) {
      implemented.push(name);
      // The adapter map is typed per hook; here the hook is known only at run time.
      service[method.localName] = (adapters[name] as Adapter<HookName>)(plugin, handler);
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

type HookMethods = (typeof PluginHooks)["method"];

/** Turns a handler into the RPC implementation of its hook. */
type Adapter<N extends HookName> = (
  plugin: Plugin,
  handler: HookHandlers[N],
) => MethodImpl<HookMethods[Uncapitalize<N>]>;

const noHandler: AnyHookHandler = () => undefined;

/** Every response without fields; never mutated, so one object serves all calls. */
const acknowledged = {};

const adapters: { readonly [N in HookName]: Adapter<N> } = {
  OnActivate: (plugin, handler) => async (_request, context) => {
    try {
      plugin.config = await plugin.api.getPluginConfig();
      await handler.call(plugin, hookContext(undefined, context));
    } catch (reason) {
      throw hookFailure("OnActivate", reason);
    }
    return acknowledged;
  },

  OnDeactivate: (plugin, handler) => async (_request, context) => {
    try {
      await handler.call(plugin, hookContext(undefined, context));
    } catch (reason) {
      throw hookFailure("OnDeactivate", reason);
    }
    return acknowledged;
  },

  OnConfigurationChange: (plugin, handler) => async (request, context) => {
    const config = request.config ?? {};
    plugin.config = config;
    try {
      await handler.call(plugin, hookContext(undefined, context), config);
    } catch (reason) {
      throw hookFailure("OnConfigurationChange", reason);
    }
    return acknowledged;
  },

  OnInstall: (plugin, handler) => async (request, context) => {
    try {
      const ctx = hookContext(request.context, context);
      await handler.call(plugin, ctx, { userId: request.userId });
    } catch (reason) {
      throw hookFailure("OnInstall", reason);
    }
    return acknowledged;
  },

  MessageWillBePosted: (plugin, handler) => async (request, context) => {
    const post = required(request.post, "MessageWillBePosted", "post");
    try {
      const decision = await handler.call(plugin, hookContext(request.context, context), post);
      return { decision: postDecisionMessage(decision) };
    } catch (reason) {
      throw hookFailure("MessageWillBePosted", reason);
    }
  },

  MessageWillBeUpdated: (plugin, handler) => async (request, context) => {
    const newPost = required(request.newPost, "MessageWillBeUpdated", "new_post");
    const oldPost = required(request.oldPost, "MessageWillBeUpdated", "old_post");
    try {
      const ctx = hookContext(request.context, context);
      const decision = await handler.call(plugin, ctx, newPost, oldPost);
      return { decision: postDecisionMessage(decision) };
    } catch (reason) {
      throw hookFailure("MessageWillBeUpdated", reason);
    }
  },

  MessageHasBeenPosted: (plugin, handler) => async (request, context) => {
    const post = required(request.post, "MessageHasBeenPosted", "post");
    try {
      await handler.call(plugin, hookContext(request.context, context), post);
    } catch (reason) {
      throw hookFailure("MessageHasBeenPosted", reason);
    }
    return acknowledged;
  },

  MessageHasBeenUpdated: (plugin, handler) => async (request, context) => {
    const newPost = required(request.newPost, "MessageHasBeenUpdated", "new_post");
    const oldPost = required(request.oldPost, "MessageHasBeenUpdated", "old_post");
    try {
      await handler.call(plugin, hookContext(request.context, context), newPost, oldPost);
    } catch (reason) {
      throw hookFailure("MessageHasBeenUpdated", reason);
    }
    return acknowledged;
  },

  MessageHasBeenDeleted: (plugin, handler) => async (request, context) => {
    const post = required(request.post, "MessageHasBeenDeleted", "post");
    try {
      await handler.call(plugin, hookContext(request.context, context), post);
    } catch (reason) {
      throw hookFailure("MessageHasBeenDeleted", reason);
    }
    return acknowledged;
  },

  UserHasBeenCreated: (plugin, handler) => async (request, context) => {
    const user = required(request.user, "UserHasBeenCreated", "user");
    try {
      await handler.call(plugin, hookContext(request.context, context), user);
    } catch (reason) {
      throw hookFailure("UserHasBeenCreated", reason);
    }
    return acknowledged;
  },

  UserWillLogIn: (plugin, handler) => async (request, context) => {
    const user = required(request.user, "UserWillLogIn", "user");
    try {
      const decision = await handler.call(plugin, hookContext(request.context, context), user);
      return { decision: loginDecisionMessage(decision) };
    } catch (reason) {
      throw hookFailure("UserWillLogIn", reason);
    }
  },

  UserHasLoggedIn: (plugin, handler) => async (request, context) => {
    const user = required(request.user, "UserHasLoggedIn", "user");
    try {
      await handler.call(plugin, hookContext(request.context, context), user);
    } catch (reason) {
      throw hookFailure("UserHasLoggedIn", reason);
    }
    return acknowledged;
  },

  UserHasBeenDeactivated: (plugin, handler) => async (request, context) => {
    const user = required(request.user, "UserHasBeenDeactivated", "user");
    try {
      await handler.call(plugin, hookContext(request.context, context), user);
    } catch (reason) {
      throw hookFailure("UserHasBeenDeactivated", reason);
    }
    return acknowledged;
  },

  ChannelHasBeenCreated: (plugin, handler) => async (request, context) => {
    const channel = required(request.channel, "ChannelHasBeenCreated", "channel");
    try {
      await handler.call(plugin, hookContext(request.context, context), channel);
    } catch (reason) {
      throw hookFailure("ChannelHasBeenCreated", reason);
    }
    return acknowledged;
  },

  UserHasJoinedChannel: (plugin, handler) => async (request, context) => {
    const member = required(request.channelMember, "UserHasJoinedChannel", "channel_member");
    try {
      const ctx = hookContext(request.context, context);
      await handler.call(plugin, ctx, member, request.actor);
    } catch (reason) {
      throw hookFailure("UserHasJoinedChannel", reason);
    }
    return acknowledged;
  },

  UserHasLeftChannel: (plugin, handler) => async (request, context) => {
    const member = required(request.channelMember, "UserHasLeftChannel", "channel_member");
    try {
      const ctx = hookContext(request.context, context);
      await handler.call(plugin, ctx, member, request.actor);
    } catch (reason) {
      throw hookFailure("UserHasLeftChannel", reason);
    }
    return acknowledged;
  },

  UserHasJoinedTeam: (plugin, handler) => async (request, context) => {
    const member = required(request.teamMember, "UserHasJoinedTeam", "team_member");
    try {
      const ctx = hookContext(request.context, context);
      await handler.call(plugin, ctx, member, request.actor);
    } catch (reason) {
      throw hookFailure("UserHasJoinedTeam", reason);
    }
    return acknowledged;
  },

  UserHasLeftTeam: (plugin, handler) => async (request, context) => {
    const member = required(request.teamMember, "UserHasLeftTeam", "team_member");
    try {
      const ctx = hookContext(request.context, context);
      await handler.call(plugin, ctx, member, request.actor);
    } catch (reason) {
      throw hookFailure("UserHasLeftTeam", reason);
    }
    return acknowledged;
  },

  ExecuteCommand: (plugin, handler) => async (request, context) => {
    const args = required(request.args, "ExecuteCommand", "args");
    try {
      const response = await handler.call(plugin, hookContext(request.context, context), args);
      return { response };
    } catch (reason) {
      throw hookFailure("ExecuteCommand", reason);
    }
  },

  ServeHTTP: (plugin, handler) =>
    async function* (requests, context) {
      const frames = requests[Symbol.asyncIterator]();
      const first = await frames.next();
      if (first.done === true || first.value.frame.case !== "head") {
        throw new ConnectError("ServeHTTP: the first frame must be the head", Code.InvalidArgument);
      }
      const head = first.value.frame.value;
      const request = toFetchRequest(head, frames, context);
      let response: Response;
      try {
        const ctx = hookContext(head.context, context);
        response = fetchResponse(await handler.call(plugin, ctx, request));
      } catch (reason) {
        throw hookFailure("ServeHTTP", reason);
      }
      try {
        yield* responseFrames(response);
      } catch (reason) {
        throw hookFailure("ServeHTTP", reason);
      }
    },

  ServeMetrics: (plugin, handler) => async (request, context) => {
    const head = required(request.head, "ServeMetrics", "head");
    const fetchRequest = toFetchRequest(head, undefined, context);
    try {
      const ctx = hookContext(head.context, context);
      const response = fetchResponse(await handler.call(plugin, ctx, fetchRequest));
      return {
        head: { status: response.status, headers: headerList(response.headers) },
        body: await responseBytes(response),
      };
    } catch (reason) {
      throw hookFailure("ServeMetrics", reason);
    }
  },

  OnPluginClusterEvent: (plugin, handler) => async (request, context) => {
    const event = required(request.event, "OnPluginClusterEvent", "event");
    try {
      await handler.call(plugin, hookContext(request.context, context), event);
    } catch (reason) {
      throw hookFailure("OnPluginClusterEvent", reason);
    }
    return acknowledged;
  },
};

/** A request field the host must always set; its absence is a protocol error. */
function required<T>(value: T | undefined, hook: HookName, field: string): T {
  if (value === undefined) {
    throw new ConnectError(`${hook}: the request has no ${field}`, Code.InvalidArgument);
  }
  return value;
}
