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

/** The HookContext of a call, from the request's PluginContext (absent for lifecycle hooks). */
export function hookContext(context: PluginContext | undefined, signal: AbortSignal): HookContext {
  if (context === undefined) {
    return {
      requestId: "",
      sessionId: "",
      userId: "",
      ipAddress: "",
      acceptLanguage: "",
      userAgent: "",
      signal,
    };
  }
  return {
    requestId: context.requestId,
    sessionId: context.sessionId,
    userId: context.userId,
    ipAddress: context.ipAddress,
    acceptLanguage: context.acceptLanguage,
    userAgent: context.userAgent,
    signal,
  };
}
