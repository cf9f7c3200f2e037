// Second in dispatch order: rejects "reject-me", and otherwise appends what it saw, which
// proves it received the first plugin's modification.
import { definePlugin, modify, reject, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    MessageWillBePosted(_ctx, post) {
      if (post.message.toLowerCase().includes("reject-me")) return reject("b says no");
      return modify({ ...post, message: `${post.message} [b saw: ${post.message}]` });
    },
  }),
);
