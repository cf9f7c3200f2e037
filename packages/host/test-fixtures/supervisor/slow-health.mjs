// Answers the health check after 300 ms, and logs whether Implemented came before that answer.
import { setTimeout as sleep } from "node:timers/promises";
import { log, servePlugin } from "./fixture-plugin.mjs";

let healthAnswered = false;
await servePlugin({
  isServing: async () => {
    await sleep(300);
    healthAnswered = true;
    return true;
  },
  unlisted: {
    implemented() {
      log("info", "implemented", { healthAnswered });
      return { hooks: [] };
    },
  },
});
