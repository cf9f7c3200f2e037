// Exits with code 1 shortly after every activation.
import { log, servePlugin } from "./fixture-plugin.mjs";

await servePlugin({
  hooks: {
    onActivate() {
      setTimeout(() => {
        log("error", "crashing on purpose");
        process.exit(1);
      }, 50);
      return {};
    },
  },
});
