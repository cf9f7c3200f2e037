// A plugin class from an object of handlers: for plain JavaScript (no decorators) and for
// small plugins that need no class of their own.
import { Plugin, type PluginClass } from "../plugin/plugin.js";
import type { AnyHookHandler, HookHandlers } from "./hook-handlers.js";
import { ensureMetadata, registerHook } from "./hook-registry.js";

/**
 * A Plugin subclass handling the given hooks; inside a handler, `this` is the plugin:
 *
 *   runPlugin(definePlugin({
 *     OnActivate(ctx) { this.logger.info("activated"); },
 *   }));
 *
 * An unknown hook name throws.
 */
export function definePlugin(handlers: Partial<HookHandlers> & ThisType<Plugin>): PluginClass {
  const DefinedPlugin = class extends Plugin {};
  const metadata = ensureMetadata(DefinedPlugin);
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== "function") {
      throw new TypeError(`definePlugin: the handler of ${name} is not a function`);
    }
    registerHook(metadata, name, handler as AnyHookHandler, `definePlugin({ ${name} })`);
  }
  return DefinedPlugin;
}
