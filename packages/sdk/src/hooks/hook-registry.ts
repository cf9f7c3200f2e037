// Where a plugin class keeps its hook handlers: in its decorator metadata, so that @hook can
// register while the class is being defined, and refuse mistakes right then.
import { HookName, isHookName } from "@plugwire/protocol";
import type { Plugin, PluginClass } from "../plugin/plugin.js";
import { metadataSymbol } from "../symbol-metadata.js";
import type { AnyHookHandler } from "./hook-handlers.js";

const ownHooks = Symbol("plugwire.hooks");

interface Registration {
  handler: AnyHookHandler;
  /** How the handler was registered, for error messages, e.g. `onActivate()`. */
  label: string;
}

type HookMetadata = Record<PropertyKey, unknown> & {
  [ownHooks]?: Map<HookName, Registration>;
};

/**
 * Registers `handler` for hook `name` in a class's metadata. Throws when `name` is no hook or
 * when this class already has a handler for it.
 */
export function registerHook(
  metadata: object,
  name: string,
  handler: AnyHookHandler,
  label: string,
): void {
  if (!isHookName(name)) {
    throw new TypeError(
      `${label}: ${JSON.stringify(name)} is not a hook. Hooks are: ${Object.keys(HookName).join(", ")}.`,
    );
  }
  const record = metadata as HookMetadata;
  // Metadata objects inherit from the superclass's; each class keeps its own table.
  let table = Object.hasOwn(record, ownHooks) ? record[ownHooks] : undefined;
  if (table === undefined) {
    table = new Map();
    record[ownHooks] = table;
  }
  const existing = table.get(name);
  if (existing !== undefined) {
    throw new TypeError(
      `${label}: ${existing.label} already handles ${name}. A plugin class has one handler per hook; merge them into one.`,
    );
  }
  table.set(name, { handler, label });
}

/**
 * The handlers of a plugin class by hook, including those of its superclasses; a subclass's
 * handler replaces its superclass's for the same hook.
 */
export function registeredHooks(pluginClass: PluginClass): Map<HookName, AnyHookHandler> {
  const handlers = new Map<HookName, AnyHookHandler>();
  const metadata = (pluginClass as unknown as Record<symbol, HookMetadata | undefined>)[
    metadataSymbol
  ];
  for (let level = metadata; level != null; level = Object.getPrototypeOf(level)) {
    const table = Object.hasOwn(level, ownHooks) ? level[ownHooks] : undefined;
    for (const [name, { handler }] of table ?? []) {
      if (!handlers.has(name)) {
        handlers.set(name, handler);
      }
    }
  }
  return handlers;
}

/** Gives a class built at run time (not by `class` syntax with decorators) a metadata object. */
export function ensureMetadata(pluginClass: PluginClass<Plugin>): object {
  const holder = pluginClass as unknown as Record<symbol, object | undefined>;
  if (!Object.hasOwn(holder, metadataSymbol)) {
    const inherited = Object.getPrototypeOf(pluginClass)?.[metadataSymbol] ?? null;
    Object.defineProperty(holder, metadataSymbol, {
      value: Object.create(inherited),
      configurable: true,
    });
  }
  return holder[metadataSymbol] as object;
}
