// The error for calling a hook the plugin under test did not register: a mistake in the test
// or a missing @hook, so it says which and how to fix it.
import type { HookName } from "@plugwire/protocol";

export function notImplemented(pluginId: string, hook: HookName): Error {
  return new Error(
    `plugin "${pluginId}" does not implement ${hook}: register a handler with @hook("${hook}") (or in definePlugin), or don't call it from the test`,
  );
}
