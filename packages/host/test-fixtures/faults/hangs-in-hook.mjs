// Never answers MessageWillBePosted for a message "hang"; allows any other at once, and answers
// MessageHasBeenPosted. Its event loop stays free, so it keeps answering health checks.
import { servePlugin } from "../supervisor/fixture-plugin.mjs";

await servePlugin({
  hooks: {
    messageWillBePosted({ post }) {
      if (post.message === "hang") {
        return new Promise(() => {});
      }
      return { decision: { outcome: { case: "allow", value: {} } } };
    },
    messageHasBeenPosted() {
      return {};
    },
  },
});
