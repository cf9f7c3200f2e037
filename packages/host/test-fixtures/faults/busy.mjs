// An SDK plugin that, once activated, runs a synchronous loop forever: its event loop never
// turns again, so it cannot notice its stdin lifeline end.
import { definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    OnActivate() {
      setTimeout(() => {
        for (;;) {
          // Busy.
        }
      }, 50);
    },
  }),
);
