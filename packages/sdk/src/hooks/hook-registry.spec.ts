import ts from "typescript";
import { describe, expect, it } from "vitest";
import { Plugin } from "../plugin/plugin.js";
import { definePlugin } from "./define-plugin.js";
import type { HookContext } from "./hook-context.js";
import { hook } from "./hook-decorator.js";
import { registeredHooks } from "./hook-registry.js";

describe("@hook", () => {
  it("registers decorated methods as the handlers of their hooks", () => {
    class Registered extends Plugin {
      @hook("OnActivate")
      activate() {}

      @hook("MessageHasBeenPosted")
      async posted() {}
    }
    const handlers = registeredHooks(Registered);
    expect([...handlers.keys()]).toEqual(["OnActivate", "MessageHasBeenPosted"]);
    expect(handlers.get("OnActivate")).toBe(Registered.prototype.activate);
  });

  it("refuses an unknown hook name when the class is defined, listing the real ones", () => {
    const define = () => {
      class Misspelled extends Plugin {
        @hook("OnActivte" as "OnActivate")
        activate() {}
      }
      return Misspelled;
    };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(/@hook\("OnActivte"\) on activate\(\): "OnActivte" is not a hook/);
    expect(define).toThrow(/Hooks are: OnActivate, OnDeactivate, .*ServeHTTP/);
  });

  it("refuses a second handler for the same hook, naming both methods", () => {
    const define = () => {
      class Twice extends Plugin {
        @hook("OnActivate")
        first() {}

        @hook("OnActivate")
        second() {}
      }
      return Twice;
    };
    expect(define).toThrow(
      /@hook\("OnActivate"\) on second\(\): @hook\("OnActivate"\) on first\(\) already handles OnActivate/,
    );
  });

  it("refuses static methods", () => {
    const define = () => {
      class Static extends Plugin {
        // @ts-expect-error: refused at compile time too; this checks plain JavaScript's case
        @hook("OnActivate")
        static activate() {}
      }
      return Static;
    };
    expect(define).toThrow(/instance methods, not static ones/);
  });

  it("keeps a superclass's handlers, and lets a subclass replace one", () => {
    class Base extends Plugin {
      @hook("OnActivate")
      activate() {}

      @hook("OnDeactivate")
      deactivate() {}
    }
    class Derived extends Base {
      @hook("OnDeactivate")
      deactivateDifferently() {}
    }
    expect(registeredHooks(Derived).get("OnActivate")).toBe(Base.prototype.activate);
    expect(registeredHooks(Derived).get("OnDeactivate")).toBe(
      Derived.prototype.deactivateDifferently,
    );
    expect(registeredHooks(Base).get("OnDeactivate")).toBe(Base.prototype.deactivate);
  });

  it("works in the code tsc emits for standard decorators, which needs Symbol.metadata", () => {
    const source = `
      const make = (Plugin, hook) => class Emitted extends Plugin {
        @hook("OnActivate") activate() {}
        @hook("UserHasLoggedIn") loggedIn() {}
      };`;
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    expect(outputText).toContain("__esDecorate");
    const make = new Function("Plugin", "hook", `${outputText}\nreturn make(Plugin, hook);`);
    const Emitted = make(Plugin, hook);
    expect([...registeredHooks(Emitted).keys()]).toEqual(["OnActivate", "UserHasLoggedIn"]);
  });
});

describe("definePlugin", () => {
  it("builds a Plugin subclass from an object of handlers", () => {
    const onActivate = (_ctx: HookContext) => {};
    const Defined = definePlugin({ OnActivate: onActivate });
    expect(Defined.prototype).toBeInstanceOf(Plugin);
    expect(registeredHooks(Defined).get("OnActivate")).toBe(onActivate);
  });

  it("refuses unknown hook names and handlers that are not functions", () => {
    expect(() => definePlugin({ OnActivte: () => {} } as never)).toThrow(
      /definePlugin\(\{ OnActivte \}\): "OnActivte" is not a hook/,
    );
    expect(() => definePlugin({ OnActivate: "activate" } as never)).toThrow(
      /the handler of OnActivate is not a function/,
    );
  });

  it("gives each defined class its own handlers", () => {
    const first = definePlugin({ OnActivate() {} });
    const second = definePlugin({ OnDeactivate() {} });
    expect([...registeredHooks(first).keys()]).toEqual(["OnActivate"]);
    expect([...registeredHooks(second).keys()]).toEqual(["OnDeactivate"]);
  });
});

describe("registeredHooks", () => {
  it("is empty for a class without handlers", () => {
    class Bare extends Plugin {}
    expect(registeredHooks(Bare).size).toBe(0);
  });
});
