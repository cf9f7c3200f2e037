// @hook(name): registers a method as the handler of a hook, using standard (TC39) decorators.
import type { HookName } from "@plugwire/protocol";
import type { Plugin } from "../plugin/plugin.js";
import "../symbol-metadata.js";
import type { HookHandlers } from "./hook-handlers.js";
import { registerHook } from "./hook-registry.js";

/**
 * Makes the decorated method the handler of hook `name`:
 *
 *   @hook(HookName.MessageWillBePosted)
 *   filter(ctx: HookContext, post: Post): PostDecision { ... }
 *
 * The method must match HookHandlers[name], or the class does not compile. At class
 * definition, an unknown name or a second handler for the same hook throws.
 */
export function hook<N extends HookName>(name: N) {
  return <This extends Plugin>(
    handler: HookHandlers[N],
    context: ClassMethodDecoratorContext<This>,
  ): void => {
    // Under experimentalDecorators the second argument is the property key, not a context.
    if (typeof context !== "object" || context.metadata === undefined) {
      throw new TypeError(
        `@hook(${JSON.stringify(name)}) needs standard decorators: remove "experimentalDecorators" from tsconfig.json`,
      );
    }
    const label = `@hook(${JSON.stringify(name)}) on ${String(context.name)}()`;
    if (context.static) {
      throw new TypeError(`${label}: hook handlers are instance methods, not static ones`);
    }
    registerHook(context.metadata, name, handler, label);
  };
}
