// The REST tests' plugin, run as a real process: it records every hook it receives (the
// context and arguments) into its KV store under "record:<n>" before answering, so a test reads
// exactly what reached a plugin. Words in messages steer its decisions:
// - "reject-me" rejects a post, "modify-me" appends " [modified]", "dismiss-me" dismisses it;
// - "reject-edit" rejects an edit;
// - a username starting with "blocked" is refused at login.
// /recorder in_channel|ephemeral <text> answers with <text> that way (the trigger is the last
// part of the plugin id, so bundles of this plugin under other ids don't clash); ServeHTTP
// echoes the request with the Mattermost-User-Id it got.
// Websocket hooks are recorded under "ws-record:<n>" (connections come and go in every spec);
// the websocket actions custom_<plugin id>_publish {event, payload, broadcast} and
// custom_<plugin id>_typing {channel_id, parent_id} make it call PublishWebSocketEvent and
// PublishUserTyping, recording what the call threw.
import { allow, definePlugin, dismiss, modify, reject, runPlugin } from "@plugwire/sdk";

let recorded = 0;

async function record(plugin, hook, ctx, args = {}, prefix = "record:") {
  const { requestId, sessionId, userId, ipAddress, userAgent } = ctx;
  const entry = { hook, context: { requestId, sessionId, userId, ipAddress, userAgent }, args };
  // structuredClone keeps each model's own fields (camelCase, as the plugin reads them) rather
  // than the v4 JSON its toJSON would write.
  const json = JSON.stringify(structuredClone(entry));
  recorded += 1;
  await plugin.api.kvSet(
    `${prefix}${String(recorded).padStart(6, "0")}`,
    new TextEncoder().encode(json),
  );
}

runPlugin(
  definePlugin({
    async OnActivate(ctx) {
      await this.api.registerCommand({
        trigger: this.manifest.id.split(".").pop(),
        autoComplete: true,
      });
      await record(this, "OnActivate", ctx);
    },
    async OnConfigurationChange(ctx, config) {
      await record(this, "OnConfigurationChange", ctx, { config });
    },
    async OnInstall(ctx, event) {
      await record(this, "OnInstall", ctx, event);
    },

    async MessageWillBePosted(ctx, post) {
      await record(this, "MessageWillBePosted", ctx, { post });
      if (post.message.includes("reject-me")) return reject("recorder rejects this post");
      if (post.message.includes("dismiss-me")) return dismiss();
      if (post.message.includes("modify-me")) {
        return modify({ ...post, message: `${post.message} [modified]` });
      }
      return allow();
    },
    async MessageWillBeUpdated(ctx, newPost, oldPost) {
      await record(this, "MessageWillBeUpdated", ctx, { newPost, oldPost });
      return newPost.message.includes("reject-edit")
        ? reject("recorder rejects this edit")
        : allow();
    },
    async MessageHasBeenPosted(ctx, post) {
      await record(this, "MessageHasBeenPosted", ctx, { post });
    },
    async MessageHasBeenUpdated(ctx, newPost, oldPost) {
      await record(this, "MessageHasBeenUpdated", ctx, { newPost, oldPost });
    },
    async MessageHasBeenDeleted(ctx, post) {
      await record(this, "MessageHasBeenDeleted", ctx, { post });
    },

    async UserHasBeenCreated(ctx, user) {
      await record(this, "UserHasBeenCreated", ctx, { user });
    },
    async UserWillLogIn(ctx, user) {
      await record(this, "UserWillLogIn", ctx, { user });
      return user.username.startsWith("blocked") ? reject("blocked by recorder") : allow();
    },
    async UserHasLoggedIn(ctx, user) {
      await record(this, "UserHasLoggedIn", ctx, { user });
    },
    async UserHasBeenDeactivated(ctx, user) {
      await record(this, "UserHasBeenDeactivated", ctx, { user });
    },

    async ChannelHasBeenCreated(ctx, channel) {
      await record(this, "ChannelHasBeenCreated", ctx, { channel });
    },
    async UserHasJoinedChannel(ctx, member, actor) {
      await record(this, "UserHasJoinedChannel", ctx, { member, actor });
    },
    async UserHasLeftChannel(ctx, member, actor) {
      await record(this, "UserHasLeftChannel", ctx, { member, actor });
    },
    async UserHasJoinedTeam(ctx, member, actor) {
      await record(this, "UserHasJoinedTeam", ctx, { member, actor });
    },
    async UserHasLeftTeam(ctx, member, actor) {
      await record(this, "UserHasLeftTeam", ctx, { member, actor });
    },

    async ExecuteCommand(ctx, args) {
      await record(this, "ExecuteCommand", ctx, { args });
      const [, mode = "", ...words] = args.command.split(" ");
      return {
        responseType: mode === "in_channel" ? "in_channel" : "ephemeral",
        text: words.join(" "),
      };
    },

    async OnWebSocketConnect(ctx, webConnId, userId) {
      await record(this, "OnWebSocketConnect", ctx, { webConnId, userId }, "ws-record:");
    },
    async OnWebSocketDisconnect(ctx, webConnId, userId) {
      await record(this, "OnWebSocketDisconnect", ctx, { webConnId, userId }, "ws-record:");
    },
    async WebSocketMessageHasBeenPosted(ctx, webConnId, userId, request) {
      const { action, data = {} } = request;
      let error;
      try {
        if (action.endsWith("_publish")) {
          // data.unencodable sends a payload JSON can't carry.
          const payload = data.unencodable ? { count: 1n } : (data.payload ?? {});
          await this.api.publishWebSocketEvent(data.event, payload, data.broadcast);
        } else if (action.endsWith("_typing")) {
          await this.api.publishUserTyping(userId, data.channel_id ?? "", data.parent_id);
        }
      } catch (reason) {
        error = { name: reason.name, message: reason.message, params: reason.params };
      }
      const args = { webConnId, userId, request, error };
      await record(this, "WebSocketMessageHasBeenPosted", ctx, args, "ws-record:");
    },

    async ServeHTTP(ctx, request) {
      const url = new URL(request.url);
      return Response.json({
        user_id: request.headers.get("mattermost-user-id"),
        context_user_id: ctx.userId,
        method: request.method,
        path: url.pathname + url.search,
        body: await request.text(),
      });
    },
  }),
);
