// /api/v4 routes of who is in a team or channel and what it holds: members (paged, one, by
// ids), statistics, a team's public channels and their search, channel patches, marking
// channels read, and direct and group channels, with Mattermost's permissions and answers.

import { NotFoundError } from "@plugwire/errors";
import {
  ChannelMemberSchema,
  ChannelSchema,
  ChannelStatsSchema,
  TeamMemberSchema,
  TeamStatsSchema,
} from "@plugwire/protocol";
import type { ChannelPatch } from "../../app/app.js";
import { booleanField, fieldsOf, stringField } from "./body-fields.js";
import { modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import {
  hasTeamPermission,
  requireChannelMember,
  requireChannelVisible,
  requireSelfOrAdmin,
  requireTeamMember,
} from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

/** Mattermost's channel name rule (as channel-routes.ts checks it on create). */
const CHANNEL_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

export function membershipRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/teams/{team_id}/members", async (call) => {
      const teamId = await visibleTeamParam(call);
      const members = await call.app.getTeamMembers(teamId, pageOfQuery(call.url.searchParams));
      call.send(
        200,
        members.map((member) => modelToJson(TeamMemberSchema, member)),
      );
    })
    .add("GET", "/api/v4/teams/{team_id}/members/{user_id}", async (call) => {
      const teamId = await visibleTeamParam(call);
      const userId = call.param("user_id");
      const member = await call.app.getTeamMember(teamId, userId);
      if (member === undefined) throw notAMember("team", teamId, userId);
      call.send(200, modelToJson(TeamMemberSchema, member));
    })
    .add("GET", "/api/v4/teams/{team_id}/stats", async (call) => {
      const teamId = await visibleTeamParam(call);
      call.send(200, modelToJson(TeamStatsSchema, await call.app.getTeamStats(teamId)));
    })
    .add("GET", "/api/v4/teams/{team_id}/channels", async (call) => {
      const teamId = await teamChannelsParam(call);
      const page = pageOfQuery(call.url.searchParams);
      const channels = await call.app.getPublicChannelsForTeam(teamId, page);
      call.send(
        200,
        channels.map((channel) => modelToJson(ChannelSchema, channel)),
      );
    })
    .add("POST", "/api/v4/teams/{team_id}/channels/search", async (call) => {
      const teamId = await teamChannelsParam(call);
      const fields = fieldsOf(await call.json(), ["term"], call.ignoreField);
      const channels = await call.app.searchChannels(teamId, stringField(fields, "term"));
      call.send(
        200,
        channels.map((channel) => modelToJson(ChannelSchema, channel)),
      );
    })
    .add("GET", "/api/v4/channels/{channel_id}/members", async (call) => {
      const channelId = await readableChannelParam(call);
      const page = pageOfQuery(call.url.searchParams);
      const members = await call.app.getChannelMembers(channelId, page);
      call.send(
        200,
        members.map((member) => modelToJson(ChannelMemberSchema, member)),
      );
    })
    .add("GET", "/api/v4/channels/{channel_id}/members/{user_id}", async (call) => {
      const channelId = await readableChannelParam(call);
      const requested = call.param("user_id");
      const userId = requested === "me" ? call.user().id : requested;
      const member = await call.app.getChannelMember(channelId, userId);
      if (member === undefined) throw notAMember("channel", channelId, userId);
      call.send(200, modelToJson(ChannelMemberSchema, member));
    })
    .add("POST", "/api/v4/channels/{channel_id}/members/ids", async (call) => {
      const channelId = await readableChannelParam(call);
      const members = await call.app.getChannelMembersByIds(
        channelId,
        idList(await call.json(), "user_ids"),
      );
      call.send(
        200,
        members.map((member) => modelToJson(ChannelMemberSchema, member)),
      );
    })
    .add("GET", "/api/v4/channels/{channel_id}/stats", async (call) => {
      const channelId = await readableChannelParam(call);
      const stats = modelToJson(ChannelStatsSchema, await call.app.getChannelStats(channelId));
      // As Mattermost: -1 when the client asks not to count files.
      if (call.url.searchParams.get("exclude_files_count") === "true") stats.files_count = -1;
      call.send(200, stats);
    })
    .add("PUT", "/api/v4/channels/{channel_id}/patch", patchChannel)
    .add("POST", "/api/v4/channels/members/{user_id}/view", viewChannel)
    .add("POST", "/api/v4/channels/direct", createDirectChannel)
    .add("POST", "/api/v4/channels/group", createGroupChannel);
}

/** What PUT /channels/{id}/patch reads; any other field is ignored. */
const PATCH_FIELDS = ["display_name", "name", "header", "purpose", "group_constrained"] as const;

/** Changing a channel's fields: its members (Mattermost's default scheme lets them). */
async function patchChannel(call: RestCall): Promise<void> {
  const channel = await call.app.getChannel(call.param("channel_id"));
  await requireChannelMember(call, channel.id);
  const fields = fieldsOf(await call.json(), PATCH_FIELDS, call.ignoreField);
  const patch: ChannelPatch = {};
  const given = (name: string) => fields[name] !== undefined && fields[name] !== null;
  if (given("display_name")) {
    patch.displayName = stringField(fields, "display_name");
    if (patch.displayName.trim() === "")
      throw invalidBodyParam("display_name", "it can't be empty.");
  }
  if (given("name")) {
    patch.name = stringField(fields, "name");
    if (!CHANNEL_NAME.test(patch.name)) {
      throw invalidBodyParam(
        "name",
        "use 1 to 64 of a-z, 0-9, '_' and '-', starting and ending with a letter or digit.",
      );
    }
  }
  if (given("header")) patch.header = stringField(fields, "header");
  if (given("purpose")) patch.purpose = stringField(fields, "purpose");
  if (given("group_constrained")) {
    patch.groupConstrained = booleanField(fields, "group_constrained");
  }
  const updated = await call.app.patchChannel(call.actor(), channel.id, patch);
  call.send(200, modelToJson(ChannelSchema, updated));
}

/**
 * Marks the channel (and the one the client left, prev_channel_id) read for the user; answers
 * the last_viewed_at each got.
 */
async function viewChannel(call: RestCall): Promise<void> {
  const requested = call.param("user_id");
  const userId = requested === "me" ? call.user().id : requested;
  requireSelfOrAdmin(call, userId);
  const fields = fieldsOf(
    await call.json(),
    ["channel_id", "prev_channel_id", "collapsed_threads_supported"],
    call.ignoreField,
  );
  const channelIds = [stringField(fields, "channel_id"), stringField(fields, "prev_channel_id")];
  const times = await call.app.viewChannels(call.actor(), userId, channelIds.filter(Boolean));
  call.send(200, {
    status: "OK",
    last_viewed_at_times: Object.fromEntries(
      Object.entries(times).map(([channelId, at]) => [channelId, Number(at)]),
    ),
  });
}

/** A direct channel of two users; one of them must be the caller unless a system admin. */
async function createDirectChannel(call: RestCall): Promise<void> {
  const user = call.user();
  const ids = idList(await call.json(), "body");
  if (ids.length !== 2) throw invalidBodyParam("body", "expected the ids of exactly two users.");
  const [first = "", second = ""] = ids;
  if (!ids.includes(user.id) && !call.app.hasPermissionTo(user, "manage_system")) {
    throw permissionDenied(
      "you can create direct channels only with yourself in them",
      "create_direct_channel",
    );
  }
  const channel = await call.app.createDirectChannel(call.actor(), first, second);
  call.send(201, modelToJson(ChannelSchema, channel));
}

/** A group channel of the listed users and the caller. */
async function createGroupChannel(call: RestCall): Promise<void> {
  const user = call.user();
  const ids = new Set(idList(await call.json(), "body"));
  ids.add(user.id);
  if (ids.size < 3 || ids.size > 8) {
    throw invalidBodyParam("user_ids", "a group channel has 3 to 8 users, you included.");
  }
  const channel = await call.app.createGroupChannel(call.actor(), [...ids]);
  call.send(201, modelToJson(ChannelSchema, channel));
}

/** {team_id}, when it exists (404) and the caller is a member (403). */
async function visibleTeamParam(call: RestCall): Promise<string> {
  const teamId = call.param("team_id");
  await call.app.getTeam(teamId);
  await requireTeamMember(call, teamId);
  return teamId;
}

async function teamChannelsParam(call: RestCall): Promise<string> {
  const teamId = call.param("team_id");
  await call.app.getTeam(teamId);
  if (!(await hasTeamPermission(call, teamId, "list_team_channels"))) {
    throw permissionDenied(`you are not a member of team ${teamId}`, "list_team_channels");
  }
  return teamId;
}

/** {channel_id}, when it exists (404) and the caller may see it (403). */
async function readableChannelParam(call: RestCall): Promise<string> {
  call.user();
  const channel = await call.app.getChannel(call.param("channel_id"));
  await requireChannelVisible(call, channel);
  return channel.id;
}

/** A body that is a JSON array of ids; 400 naming `field` otherwise. */
function idList(body: unknown, field: string): string[] {
  if (!Array.isArray(body) || body.some((id) => typeof id !== "string" || id === "")) {
    throw invalidBodyParam(field, "expected a JSON array of ids.");
  }
  return body as string[];
}

function notAMember(kind: "team" | "channel", id: string, userId: string) {
  return new NotFoundError({
    id: `app.${kind}.get_member.missing.app_error`,
    message: `User ${userId} is not a member of ${kind} ${id}.`,
    params: { [`${kind}_id`]: id, user_id: userId },
  });
}
