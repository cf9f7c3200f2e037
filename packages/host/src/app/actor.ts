// Who asked for an operation of the application layer.
import type { PluginContext } from "@plugwire/protocol";

/** Who asked for an operation: the request context plus, for plugins, the plugin's id. */
export interface Actor {
  context?: PluginContext;
  /** The user acting; empty when a plugin or the system acts. */
  userId?: string;
  /** Set when the operation comes from a plugin's API call. */
  pluginId?: string;
}
