// HTTP to a plugin's ServeHTTP as a test writes it: a path or a Fetch Request in, a Fetch
// Response out. It goes through the host's own fetchFromPlugin, so the plugin sees what a
// real host would send (Mattermost-User-Id set only from the logged-in user, and so on).
import type { HookDispatcher } from "@plugwire/host";
import { fetchFromPlugin, pluginHttpFailure } from "@plugwire/host/internal";
import { type HookContextInit, hookContext } from "./hook-context.js";
import { notImplemented } from "./not-implemented.js";

/** A Fetch RequestInit plus who is asking. */
export interface PluginRequestInit extends RequestInit {
  /** The logged-in user; the host sends it to the plugin as the Mattermost-User-Id header. */
  userId?: string;
  /** The rest of the hook context; `userId` above wins over `context.userId`. */
  context?: HookContextInit;
}

/** Sends a request to a plugin's ServeHTTP and resolves to its Response. */
export type PluginFetch = (input: Request | string, init?: PluginRequestInit) => Promise<Response>;

/**
 * `http(input, init?)` for one plugin. `input` is a path below the plugin's URL ("/api/hello"),
 * a full URL, or a Request; `/plugins/{plugin id}` in front of the path is removed as the
 * host does. A handler that throws is answered as the host answers it: the error's status
 * (500 unless it threw a PluginAPIError) with Mattermost's error JSON.
 */
export function pluginFetch(plugin: HookDispatcher): PluginFetch {
  return async (input, init = {}) => {
    if (!plugin.implements("ServeHTTP")) {
      throw notImplemented(plugin.pluginId, "ServeHTTP");
    }
    const { userId, context, ...requestInit } = init;
    const url =
      typeof input === "string" && input.startsWith("/") ? `http://localhost${input}` : input;
    const request = new Request(url, requestInit);
    const hookCtx = hookContext({ ...context, ...(userId === undefined ? {} : { userId }) });
    try {
      return await fetchFromPlugin(plugin, request, {
        context: hookCtx,
        basePath: `/plugins/${plugin.pluginId}`,
        signal: request.signal,
      });
    } catch (error) {
      const { status, body } = pluginHttpFailure(error, hookCtx.requestId);
      return Response.json(body, { status });
    }
  };
}
