// Writes into its own KV namespace on activation; the reader must not see any of it.
import { definePlugin, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async OnActivate() {
      await this.api.kvSet("secret", new TextEncoder().encode("from-writer"));
      await this.api.kvSet("only-writer", new TextEncoder().encode("1"));
    },
  }),
);
