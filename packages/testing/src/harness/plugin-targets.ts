// The plugin under test as the host's app sees it: the only plugin, receiving hooks while it
// is active, as the host's own plugin registry would hand it out.
import type { HookDispatcher, HookTargets } from "@plugwire/host";

export function pluginTargets(plugin: HookDispatcher, isActive: () => boolean): HookTargets {
  return {
    implementing: (hook) => (isActive() && plugin.implements(hook) ? [plugin] : []),
    get: (pluginId) => (pluginId === plugin.pluginId && isActive() ? plugin : undefined),
  };
}
