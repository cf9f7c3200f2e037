// The plugins the application layer dispatches hooks to. Each is a HookDispatcher (in
// practice a PluginSupervisor), so the app calls hooks exactly as the supervisor offers them.
import type { HookName } from "@plugwire/protocol";
import type { HookDispatcher } from "../supervisor/hook-client.js";

/** How the app and the servers above it reach a plugin: its hooks and its ServeHTTP. */
export type { HookDispatcher, HTTPResponse } from "../supervisor/hook-client.js";

export interface HookTargets {
  /** Active plugins that implement the hook, in dispatch order: ascending plugin id. */
  implementing(hook: HookName): readonly HookDispatcher[];
  /** The plugin with this id, if it is loaded. */
  get(pluginId: string): HookDispatcher | undefined;
}
