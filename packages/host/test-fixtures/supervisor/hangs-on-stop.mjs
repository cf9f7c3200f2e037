// Hangs in OnDeactivate, answers Shutdown without exiting, and ignores SIGTERM.
import { log, servePlugin } from "./fixture-plugin.mjs";

process.on("SIGTERM", () => log("warn", "ignoring SIGTERM"));
await servePlugin({
  exitOnShutdown: false,
  hooks: {
    onDeactivate() {
      return new Promise(() => {});
    },
  },
});
