// Writes into its own KV namespace on activation (one key expiring after a minute); the
// reader must not see any of it.
import { definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async OnActivate() {
      await this.api.kvSet("secret", new TextEncoder().encode("from-writer"));
      await this.api.kvSet("only-writer", new TextEncoder().encode("1"));
      await this.api.kvSet("for-a-minute", new TextEncoder().encode("1"), { expireInSeconds: 60 });
    },
  }),
);
