// Reports NOT_SERVING shortly after its first activation (a marker file in its folder
// remembers it) and keeps running; activated again, it stays healthy.
import { existsSync, writeFileSync } from "node:fs";
import { servePlugin } from "./fixture-plugin.mjs";

let healthy = true;
await servePlugin({
  isServing: () => healthy,
  hooks: {
    onActivate() {
      if (!existsSync("unhealthy-once")) {
        writeFileSync("unhealthy-once", "");
        setTimeout(() => {
          healthy = false;
        }, 50);
      }
      return {};
    },
  },
});
