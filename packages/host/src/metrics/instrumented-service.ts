// The PluginAPI implementation of one plugin with every call's outcome and duration recorded,
// by method: a wrapper around each method the implementation has, so the methods themselves
// know nothing of metrics. A streamed answer lasts until its last message.
import type { ServiceImpl } from "@connectrpc/connect";
import { TimeoutError } from "@plugwire/errors";
import { PluginAPI } from "@plugwire/protocol";
import type { CallStats, CallStatsRow } from "./call-stats.js";

type PluginApiImpl = Partial<ServiceImpl<typeof PluginAPI>>;
type Method = (input: unknown, context: unknown) => unknown;

/** `service` with each call recorded in `stats` under its method's name ("GetUser"). */
export function instrumentedService(service: PluginApiImpl, stats: CallStatsRow): PluginApiImpl {
  const wrapped: Record<string, unknown> = { ...service };
  for (const method of PluginAPI.methods) {
    const impl = (service as Record<string, unknown>)[method.localName] as Method | undefined;
    if (impl === undefined) continue;
    // Made on the first call, so methods a plugin never calls add no series.
    let methodStats: CallStats | undefined;
    const statsOf = () => {
      methodStats ??= stats.of(method.name);
      return methodStats;
    };
    wrapped[method.localName] =
      method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming"
        ? observedStream(impl, statsOf)
        : observedCall(impl, statsOf);
  }
  return wrapped as PluginApiImpl;
}

function observedCall(impl: Method, statsOf: () => CallStats): Method {
  return (input, context) => {
    const started = performance.now();
    const failed = (reason: unknown) => {
      statsOf().failed(performance.now() - started, reason instanceof TimeoutError);
      throw reason;
    };
    let answer: unknown;
    try {
      answer = impl(input, context);
    } catch (reason) {
      failed(reason);
    }
    // One then() on the method's promise: cheaper than an async wrapper awaiting it.
    if (answer instanceof Promise) {
      return answer.then((value: unknown) => {
        statsOf().succeeded(performance.now() - started);
        return value;
      }, failed);
    }
    statsOf().succeeded(performance.now() - started);
    return answer;
  };
}

function observedStream(impl: Method, statsOf: () => CallStats): Method {
  return async function* (input, context) {
    const started = performance.now();
    let failed = false;
    try {
      yield* impl(input, context) as AsyncIterable<unknown>;
    } catch (reason) {
      failed = true;
      statsOf().failed(performance.now() - started, reason instanceof TimeoutError);
      throw reason;
    } finally {
      // A stream the plugin stopped reading ends here too: it was answered as far as it read.
      if (!failed) statsOf().succeeded(performance.now() - started);
    }
  };
}
