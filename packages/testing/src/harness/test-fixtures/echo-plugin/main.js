// A plugin in plain JavaScript, run as it is (no build), for the out-of-process harness's
// tests: each command does one thing through the API so a test can watch it reach the host.
import { allow, definePlugin, reject, runPlugin } from "@plugwire/sdk";

const text = (value) => (value === undefined ? "(none)" : new TextDecoder().decode(value));

runPlugin(
  definePlugin({
    async OnActivate() {
      this.logger.info("echo activated", { greeting: this.config.greeting ?? null });
      await this.api.registerCommand({ trigger: "echo" });
    },

    OnDeactivate() {
      this.logger.info("echo deactivated");
    },

    OnConfigurationChange(_ctx, config) {
      this.logger.info("echo reconfigured", { greeting: config.greeting ?? null });
    },

    MessageWillBePosted(_ctx, post) {
      return post.message.includes("nope") ? reject("not here") : allow();
    },

    async ExecuteCommand(ctx, args) {
      const [, action, ...rest] = args.command.trim().split(/\s+/);
      switch (action) {
        case "remember": {
          const [key, value, seconds] = rest;
          await this.api.kvSet(key, new TextEncoder().encode(value), {
            expireInSeconds: Number(seconds ?? 0),
          });
          return { text: "remembered" };
        }
        case "recall":
          return { text: text(await this.api.kvGet(rest[0])) };
        case "whoami":
          return { text: (await this.api.getUser(ctx.userId)).username };
        case "post": {
          const post = await this.api.createPost({
            channelId: args.channelId,
            userId: ctx.userId,
            message: rest.join(" "),
          });
          return { text: post.id };
        }
        case "print":
          console.log(rest.join(" "));
          return { text: "printed" };
        default:
          return { text: rest.length === 0 ? (action ?? "") : `${action} ${rest.join(" ")}` };
      }
    },

    async ServeHTTP(ctx, request) {
      const url = new URL(request.url);
      return Response.json({
        method: request.method,
        path: url.pathname,
        body: await request.text(),
        userId: ctx.userId,
      });
    },
  }),
);
