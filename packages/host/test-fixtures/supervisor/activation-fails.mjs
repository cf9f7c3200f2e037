// Refuses to activate with its own message.
import { servePlugin } from "./fixture-plugin.mjs";

await servePlugin({
  hooks: {
    onActivate() {
      throw new Error("the API key setting is empty");
    },
  },
});
