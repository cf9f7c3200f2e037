// The request from another plugin that a ServeHTTP handler is serving, kept for the calls the
// handler makes while serving it: PluginHTTP passes on its depth (so the host can stop two
// plugins calling each other back and forth) and its deadline and cancellation (so a chain of
// calls ends when its first caller gives up). Requests from clients carry no depth header and
// run outside any scope, at no cost.
import { AsyncLocalStorage } from "node:async_hooks";
import type { HandlerContext } from "@connectrpc/connect";
import type { HTTPRequestHead } from "@plugwire/protocol";
import type { CallSignalSource } from "../hooks/hook-context.js";

/** The header the host sets on a request from another plugin: how deep it is nested. */
export const PLUGIN_DEPTH_HEADER = "plugwire-plugin-depth";

export interface InterPluginScope {
  /** The depth of the request being served (1 for a request from a plugin serving none). */
  depth: number;
  /** When the request's caller gives up, in Date.now() ms, if it set a deadline. */
  deadline: number | undefined;
  /** Aborts when the request being served is cancelled. */
  source: CallSignalSource;
}

const scopes = new AsyncLocalStorage<InterPluginScope>();

/** The inter-plugin request being served where this is called, if any. */
export function currentInterPluginScope(): InterPluginScope | undefined {
  return scopes.getStore();
}

/**
 * Runs `serve` (a ServeHTTP handler's call) inside the scope of the request `head`, when the
 * request came from another plugin; else simply runs it.
 */
export function serveInScope<T>(
  head: HTTPRequestHead,
  call: Pick<HandlerContext, "timeoutMs">,
  source: CallSignalSource,
  serve: () => T,
): T {
  const header = head.headers.find((field) => field.name === PLUGIN_DEPTH_HEADER);
  if (header === undefined) return serve();
  const depth = Number.parseInt(header.value, 10);
  const timeoutMs = call.timeoutMs();
  return scopes.run(
    {
      depth: Number.isSafeInteger(depth) && depth > 0 ? depth : 0,
      deadline: timeoutMs === undefined ? undefined : Date.now() + timeoutMs,
      source,
    },
    serve,
  );
}
