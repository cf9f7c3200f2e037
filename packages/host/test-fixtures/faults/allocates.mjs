// An SDK plugin whose MessageWillBePosted allocates, and holds, memory until the process is
// killed; its other calls answer normally.
import { allow, definePlugin, runPlugin } from "@plugwire/sdk";

const held = [];
runPlugin(
  definePlugin({
    MessageWillBePosted(_ctx, post) {
      if (post.message === "allocate") {
        for (;;) held.push(new Array(1_000_000).fill(held.length));
      }
      return allow();
    },
  }),
);
