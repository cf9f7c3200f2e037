// On each OnConfigurationChange (the test triggers it once the writer is active), looks for
// the writer's keys and calls the API with a forged token, then records what it saw in its
// own KV store under "observed" for the test to read.
import { connect } from "node:net";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { definePlugin, PluginAPIClient, runPlugin } from "@plugwire/sdk";

async function callWithToken(token) {
  const path = process.env.PLUGWIRE_API_TARGET.slice("unix:".length);
  const sessions = new Http2SessionManager("http://localhost", undefined, {
    createConnection: () => connect(path),
  });
  try {
    await new PluginAPIClient(
      createGrpcTransport({ baseUrl: "http://localhost", sessionManager: sessions }),
      token,
    ).getServerVersion();
    return "accepted";
  } catch (error) {
    return error.name;
  } finally {
    sessions.abort();
  }
}

runPlugin(
  definePlugin({
    async OnConfigurationChange() {
      const secret = await this.api.kvGet("secret");
      const keys = await this.api.kvList();
      const observed = {
        secret: secret === undefined ? null : new TextDecoder().decode(secret),
        keys,
        forgedToken: await callWithToken("forged-token"),
        noToken: await callWithToken(undefined),
        envHasHostSecret: "PLUGWIRE_E2E_HOST_SECRET" in process.env,
      };
      await this.api.kvSet("observed", new TextEncoder().encode(JSON.stringify(observed)));
    },
  }),
);
