// First in dispatch order (ids ascend): shouts "shout" messages and dismisses "dismiss-me".
import { allow, definePlugin, dismiss, modify, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    MessageWillBePosted(_ctx, post) {
      if (post.message.includes("dismiss-me")) return dismiss();
      if (post.message.includes("shout"))
        return modify({ ...post, message: post.message.toUpperCase() });
      return allow();
    },
  }),
);
