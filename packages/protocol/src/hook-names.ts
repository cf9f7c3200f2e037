import { PluginHooks } from "./gen/plugwire/v1/hooks_pb.js";

type HookMethods = (typeof PluginHooks)["method"];
type LocalName = Exclude<keyof HookMethods, "implemented">;

/** A hook's name as the RPC is named, e.g. "MessageWillBePosted". */
export type HookName = Capitalize<LocalName>;

/** Every hook a plugin may implement, by name: `HookName.MessageWillBePosted`. */
export const HookName = Object.freeze(
  Object.fromEntries(
    PluginHooks.methods.filter((m) => m.name !== "Implemented").map((m) => [m.name, m.name]),
  ),
) as { readonly [K in HookName]: K };

/** The generated method's local (camelCase) name for a hook name. */
export type HookMethodName<N extends HookName> = Uncapitalize<N>;

const hookNames: ReadonlySet<string> = new Set(Object.keys(HookName));

/** Whether a string names a hook of this protocol version. */
export function isHookName(name: string): name is HookName {
  return hookNames.has(name);
}
