// Last in dispatch order: throws on "boom", sleeps past the hook deadline on "slow", and
// records every post it is told about in its KV store.
import { allow, definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async MessageWillBePosted(_ctx, post) {
      if (post.message.includes("BOOM") || post.message.includes("boom")) {
        throw new Error("boom from c-thrower");
      }
      if (post.message.toLowerCase().includes("slow")) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      return allow();
    },
    async MessageHasBeenPosted(_ctx, post) {
      await this.api.kvSet(`posted:${post.id}`, new TextEncoder().encode(post.message));
    },
  }),
);
