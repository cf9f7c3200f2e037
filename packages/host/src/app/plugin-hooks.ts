// What the application layer needs from a running plugin to dispatch a hook to it, and the
// typed request/response of each unary hook, derived from the generated PluginHooks service.
import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { HookName, PluginHooks } from "@plugwire/protocol";

type HookMethods = (typeof PluginHooks)["method"];

/** Hooks called with one request and one response (every hook but ServeHTTP). */
export type UnaryHookName = Exclude<HookName, "ServeHTTP">;

type HookMethod<N extends UnaryHookName> = HookMethods[Uncapitalize<N>];

/** The request a hook is called with. */
export type HookRequest<N extends UnaryHookName> = MessageInitShape<HookMethod<N>["input"]>;

/** The response a hook answers with. */
export type HookResponse<N extends UnaryHookName> = MessageShape<HookMethod<N>["output"]>;

/** One active plugin, as the dispatcher sees it. */
export interface HookTarget {
  readonly pluginId: string;
  /** Whether the plugin named this hook in Implemented. */
  implements(hook: HookName): boolean;
  /** Calls a hook with the host's deadline; throws @plugwire/errors classes. */
  callHook<N extends UnaryHookName>(hook: N, request: HookRequest<N>): Promise<HookResponse<N>>;
}

/** The plugins hooks are dispatched to. */
export interface HookTargets {
  /** Active plugins that implement the hook, in dispatch order: ascending plugin id. */
  implementing(hook: HookName): readonly HookTarget[];
  /** The active plugin with this id, if any. */
  get(pluginId: string): HookTarget | undefined;
}
