// The first argument of every hook handler: who caused the call, and when the host gives up.
import type { PluginContext } from "@plugwire/protocol";

/**
 * Who and what caused a hook call (each field "" when unknown), and `signal`, which aborts
 * when the host's deadline for the call passes. Pass it on to work that should stop then,
 * e.g. `fetch(url, { signal: ctx.signal })`.
 */
export interface HookContext {
  readonly requestId: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly ipAddress: string;
  readonly acceptLanguage: string;
  readonly userAgent: string;
  readonly signal: AbortSignal;
}

/** Where a call's signal comes from: the server's context of the call. */
export interface CallSignalSource {
  readonly signal: AbortSignal;
}

/**
 * The HookContext of a call, from the request's PluginContext (absent for lifecycle hooks).
 * `signal` is read from `call` only when the handler first reads it: most handlers never do,
 * and making a signal, then aborting it when the call ends, costs more than the rest of the
 * handler's call.
 */
export function hookContext(
  context: PluginContext | undefined,
  call: CallSignalSource,
): HookContext {
  return {
    requestId: context?.requestId ?? "",
    sessionId: context?.sessionId ?? "",
    userId: context?.userId ?? "",
    ipAddress: context?.ipAddress ?? "",
    acceptLanguage: context?.acceptLanguage ?? "",
    userAgent: context?.userAgent ?? "",
    // An own, enumerable property as before, so the context still spreads and compares whole.
    get signal() {
      return call.signal;
    },
  };
}
