// Compile-time checks of @hook and definePlugin. tsc (the typecheck command) fails if any
// `@ts-expect-error` below stops being an error, i.e. if a wrong handler would compile.

import { describe, expect, it } from "vitest";
import type { Channel, Post, User } from "../models/models.js";
import { Plugin } from "../plugin/plugin.js";
import { allow, dismiss, type LoginDecision, type PostDecision, reject } from "./decisions.js";
import { definePlugin } from "./define-plugin.js";
import type { HookContext } from "./hook-context.js";
import { hook } from "./hook-decorator.js";
import { registeredHooks } from "./hook-registry.js";

class WellTyped extends Plugin {
  @hook("MessageWillBePosted")
  filter(_ctx: HookContext, post: Post): PostDecision {
    return post.message === "" ? dismiss() : allow();
  }

  @hook("UserWillLogIn")
  async login(_ctx: HookContext, user: User): Promise<LoginDecision> {
    return user.isBot ? reject("bots may not log in") : allow();
  }

  // Fewer parameters than the hook passes are fine, as anywhere in TypeScript.
  @hook("ChannelHasBeenCreated")
  created() {}

  @hook("ExecuteCommand")
  command() {
    return { responseType: "ephemeral", text: "hi" };
  }

  @hook("ServeHTTP")
  serve(_ctx: HookContext, request: Request) {
    return new Response(request.url);
  }
}

/** Never called: these classes exist for tsc, which must reject every marked line. */
export function rejectedAtCompileTime() {
  class Wrong extends Plugin {
    // @ts-expect-error: no such hook
    @hook("OnActivte")
    misspelled() {}

    // @ts-expect-error: MessageWillBePosted passes a Post, not a Channel
    @hook("MessageWillBePosted")
    wrongParameter(_ctx: HookContext, _channel: Channel): PostDecision {
      return allow();
    }

    // @ts-expect-error: MessageWillBePosted must return a PostDecision
    @hook("MessageWillBePosted")
    wrongResult(_ctx: HookContext, post: Post) {
      return post;
    }

    // @ts-expect-error: UserWillLogIn may only allow or reject
    @hook("UserWillLogIn")
    dismissesLogin(): LoginDecision | PostDecision {
      return dismiss();
    }

    // @ts-expect-error: ServeHTTP must answer a Response
    @hook("ServeHTTP")
    notAResponse() {
      return "ok";
    }

    // @ts-expect-error: the context comes first
    @hook("UserHasBeenCreated")
    contextMissing(_user: User) {}

    // @ts-expect-error: the hook passes no third argument to require
    @hook("MessageHasBeenPosted")
    tooManyParameters(_ctx: HookContext, _post: Post, _extra: string) {}
  }

  class NotAPlugin {
    // @ts-expect-error: handlers belong to Plugin subclasses
    @hook("OnActivate")
    activate() {}
  }

  definePlugin({
    // @ts-expect-error: no such hook
    OnActivte() {},
  });
  definePlugin({
    // @ts-expect-error: UserWillLogIn must return a LoginDecision
    UserWillLogIn: () => "no",
  });
  definePlugin({
    OnActivate() {
      // `this` is the plugin.
      this.logger.info("activated");
      // @ts-expect-error: and nothing else
      this.nothing();
    },
  });
  return [Wrong, NotAPlugin];
}

describe("hook typing", () => {
  it("registers the well-typed handlers", () => {
    expect([...registeredHooks(WellTyped).keys()]).toEqual([
      "MessageWillBePosted",
      "UserWillLogIn",
      "ChannelHasBeenCreated",
      "ExecuteCommand",
      "ServeHTTP",
    ]);
  });
});
