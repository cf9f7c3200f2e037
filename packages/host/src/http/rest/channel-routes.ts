// /api/v4/channels: public and private channels of a team and their members (their posts are
// served by post-list-routes.ts).
// Team members create channels and become their first member; channel members add others;
// only members read the posts (system admins may do everything).
import { ChannelMemberSchema, ChannelSchema } from "@plugwire/protocol";
import { fieldsOf, stringField } from "./body-fields.js";
import { modelFromJson, modelToJson } from "./model-json.js";
import {
  hasChannelPermission,
  hasTeamPermission,
  requireChannelPermission,
  requireChannelVisible,
  requireTeamPermission,
} from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

const SETTABLE = ["team_id", "name", "display_name", "type", "purpose", "header"];

/** Mattermost's channel name rule: 1 to 64 of a-z 0-9 _ -, starting and ending with a letter or digit. */
const CHANNEL_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

export function channelRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/channels", createChannel)
    .add("GET", "/api/v4/channels/{channel_id}", async (call) => {
      call.user();
      const channel = await call.app.getChannel(call.param("channel_id"));
      await requireChannelVisible(call, channel);
      call.send(200, modelToJson(ChannelSchema, channel));
    })
    .add("GET", "/api/v4/teams/{team_id}/channels/name/{channel_name}", async (call) => {
      call.user();
      const channel = await call.app.getChannelByName(
        call.param("team_id"),
        call.param("channel_name"),
        false,
      );
      await requireChannelVisible(call, channel);
      call.send(200, modelToJson(ChannelSchema, channel));
    })
    .add("POST", "/api/v4/channels/{channel_id}/restore", restoreChannel)
    .add("POST", "/api/v4/channels/{channel_id}/members", addMember)
    .add("DELETE", "/api/v4/channels/{channel_id}/members/{user_id}", removeMember);
}

async function createChannel(call: RestCall): Promise<void> {
  const user = call.user();
  const { value: channel } = modelFromJson(
    ChannelSchema,
    await call.json(),
    SETTABLE,
    call.ignoreField,
  );
  if (channel.teamId === "") throw invalidBodyParam("team_id", "it is required.");
  if (!CHANNEL_NAME.test(channel.name)) {
    throw invalidBodyParam(
      "name",
      "use 1 to 64 of a-z, 0-9, '_' and '-', starting and ending with a letter or digit.",
    );
  }
  if (channel.displayName.trim() === "") throw invalidBodyParam("display_name", "it is required.");
  if (channel.type !== "O" && channel.type !== "P") {
    throw invalidBodyParam(
      "type",
      `"${channel.type}" is not a channel type; use "O" (public) or "P" (private).`,
    );
  }
  await requireTeamPermission(
    call,
    channel.teamId,
    channel.type === "O" ? "create_public_channel" : "create_private_channel",
  );
  channel.creatorId = user.id;
  const created = await call.app.createChannel(call.actor(), channel, { addCreator: true });
  call.send(201, modelToJson(ChannelSchema, created));
}

/** Unarchiving takes manage_team in the channel's team, as in Mattermost. */
async function restoreChannel(call: RestCall): Promise<void> {
  const channel = await call.app.getChannel(call.param("channel_id"));
  await requireTeamPermission(call, channel.teamId, "manage_team");
  const restored = await call.app.restoreChannel(call.actor(), channel.id);
  call.send(200, modelToJson(ChannelSchema, restored));
}

async function addMember(call: RestCall): Promise<void> {
  const user = call.user();
  const channel = await call.app.getChannel(call.param("channel_id"));
  const fields = fieldsOf(await call.json(), ["user_id", "post_root_id"], call.ignoreField);
  const userId = stringField(fields, "user_id", true);
  const joiningPublic = userId === user.id && channel.type === "O";
  const allowed = joiningPublic
    ? await hasTeamPermission(call, channel.teamId, "join_public_channels")
    : await hasChannelPermission(
        call,
        channel.id,
        channel.type === "O" ? "manage_public_channel_members" : "manage_private_channel_members",
      );
  if (!allowed) {
    throw permissionDenied(
      joiningPublic
        ? `only members of team ${channel.teamId} may join channel ${channel.id}`
        : `only members of channel ${channel.id} may add people to it`,
      "manage_channel_members",
    );
  }
  const joining = await call.app.getUser(userId);
  if (
    channel.teamId !== "" &&
    !(await call.app.hasPermissionToTeam(joining, channel.teamId, "view_team"))
  ) {
    throw invalidBodyParam(
      "user_id",
      `user ${userId} is not a member of team ${channel.teamId}; add them to the team first.`,
    );
  }
  const member = await call.app.addChannelMember(call.actor(), channel.id, userId);
  call.send(201, modelToJson(ChannelMemberSchema, member));
}

async function removeMember(call: RestCall): Promise<void> {
  const user = call.user();
  const channelId = call.param("channel_id");
  const userId = call.param("user_id");
  if (userId !== user.id) {
    const { type } = await call.app.getChannel(channelId);
    await requireChannelPermission(
      call,
      channelId,
      type === "P" ? "manage_private_channel_members" : "manage_public_channel_members",
    );
  }
  await call.app.removeChannelMember(call.actor(), channelId, userId);
  call.ok();
}
