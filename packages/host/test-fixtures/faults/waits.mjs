// An SDK plugin whose MessageWillBePosted answers after as many milliseconds as the message
// says ("0" at once): idle, or with a call in flight for as long as a spec needs.
import { setTimeout as sleep } from "node:timers/promises";
import { allow, definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async MessageWillBePosted(_ctx, post) {
      await sleep(Number(post.message));
      return allow();
    },
  }),
);
