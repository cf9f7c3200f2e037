// A plugin in plain JavaScript, run as a real process by src/serve/run-plugin.spec.ts the way
// a host runs one: it imports the built SDK, registers hooks without decorators, and prints to
// stdout both before and after the handshake.
import { allow, definePlugin, modify, runPlugin } from "@plugwire/sdk";

console.log("printed before the handshake");

runPlugin(
  definePlugin({
    async OnActivate() {
      const version = await this.api.getServerVersion();
      this.logger.info("activated", { version, pluginId: this.manifest.id });
      console.log("printed after the handshake");
    },

    MessageWillBePosted(_ctx, post) {
      return post.message.endsWith("!")
        ? modify({ ...post, message: post.message.toUpperCase() })
        : allow();
    },

    async ExecuteCommand(ctx) {
      const user = await this.api.getUser(ctx.userId);
      return { responseType: "ephemeral", text: `${this.config.greeting}, ${user.username}` };
    },
  }),
);
