// The console specs' crashing plugin: it activates, prints a line to stderr and exits with
// code 3 a moment later, every time, so the host restarts it until it gives up.
import { definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    OnActivate() {
      setTimeout(() => {
        console.error("crasher: out of widgets, giving up");
        process.exit(3);
      }, 150);
    },
  }),
);
