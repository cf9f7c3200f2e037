// Exits with code 1 shortly after its first activation (a marker file in its folder
// remembers it); activated again, it stays up and answers MessageWillBePosted.
import { existsSync, writeFileSync } from "node:fs";
import { log, servePlugin } from "./fixture-plugin.mjs";

await servePlugin({
  hooks: {
    onActivate() {
      if (!existsSync("crashed-once")) {
        writeFileSync("crashed-once", "");
        setTimeout(() => {
          log("error", "crashing on purpose");
          process.exit(1);
        }, 100);
      }
      return {};
    },
    messageWillBePosted() {
      return { decision: { outcome: { case: "allow", value: {} } } };
    },
  },
});
