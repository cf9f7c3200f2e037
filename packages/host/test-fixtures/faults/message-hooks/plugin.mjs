// An SDK plugin on the message path: MessageWillBePosted lets every post through, marking it;
// MessageHasBeenPosted is implemented so that it is called too. A spec kills it while posts
// stream in.
import { definePlugin, modify, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    MessageWillBePosted(_ctx, post) {
      return modify({ ...post, message: `${post.message} ✓` });
    },
    MessageHasBeenPosted() {},
  }),
);
