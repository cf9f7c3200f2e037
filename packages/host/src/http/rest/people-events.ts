// The websocket events of users, teams and channels changing (people-operations.ts), with
// Mattermost's names, payloads and broadcasts: models travel as JSON strings inside data where
// v4 sends them so, and `user_updated` carries the user as an object, as v4 does.
import {
  type Channel,
  ChannelSchema,
  SidebarCategorySchema,
  type Team,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import type { Actor, ChannelOperations, SidebarChange } from "../../app/app.js";
import { modelToJson } from "./model-json.js";
import { type WebSocketEvent, webSocketEvent } from "./websocket-events.js";

/** `user_updated`, to everyone. */
export function userUpdatedEvent(user: User): WebSocketEvent {
  return webSocketEvent("user_updated", { user: modelToJson(UserSchema, user) }, {});
}

/** `channel_updated`, to the channel's members. */
export function channelUpdatedEvent(channel: Channel): WebSocketEvent {
  return webSocketEvent(
    "channel_updated",
    { channel: JSON.stringify(modelToJson(ChannelSchema, channel)) },
    { channel_id: channel.id },
  );
}

/** `channel_deleted`: a public channel to its team, any other to its members. */
export function channelDeletedEvent(channel: Channel): WebSocketEvent {
  return webSocketEvent(
    "channel_deleted",
    { channel_id: channel.id, delete_at: Number(channel.deleteAt) },
    channel.type === "O" ? { team_id: channel.teamId } : { channel_id: channel.id },
  );
}

/**
 * `sidebar_category_created`, `_updated` (the categories as a JSON string), `_order_updated`
 * and `_deleted`, to the user whose sidebar it is, as Mattermost sends them.
 */
export function sidebarEvent(change: SidebarChange): WebSocketEvent {
  const to = { user_id: change.owner.userId, team_id: change.owner.teamId };
  switch (change.kind) {
    case "created":
      return webSocketEvent("sidebar_category_created", { category_id: change.categoryId }, to);
    case "updated":
      return webSocketEvent(
        "sidebar_category_updated",
        {
          updatedCategories: JSON.stringify(
            change.categories.map((category) => modelToJson(SidebarCategorySchema, category)),
          ),
        },
        to,
      );
    case "order":
      return webSocketEvent("sidebar_category_order_updated", { order: change.order }, to);
    case "deleted":
      return webSocketEvent("sidebar_category_deleted", { category_id: change.categoryId }, to);
  }
}

/** `channel_restored`, to the channel's team (Mattermost sends no more than the id). */
export function channelRestoredEvent(channel: Channel): WebSocketEvent {
  return webSocketEvent(
    "channel_restored",
    { channel_id: channel.id },
    channel.teamId ? { team_id: channel.teamId } : { channel_id: channel.id },
  );
}

/**
 * `direct_added` (creator_id, teammate_id) or `group_added` (teammate_ids as a JSON string),
 * to the new channel's members.
 */
export async function directAddedEvent(
  app: ChannelOperations,
  channel: Channel,
  actor: Actor,
): Promise<WebSocketEvent> {
  const members = await app.getChannelMembers(channel.id, { page: 0, perPage: 8 });
  const memberIds = members.map((member) => member.userId);
  if (channel.type === "G") {
    return webSocketEvent(
      "group_added",
      { teammate_ids: JSON.stringify(memberIds) },
      { channel_id: channel.id },
    );
  }
  const creatorId = actor.userId ?? memberIds[0] ?? "";
  return webSocketEvent(
    "direct_added",
    { creator_id: creatorId, teammate_id: memberIds.find((id) => id !== creatorId) ?? creatorId },
    { channel_id: channel.id },
  );
}

/** `channel_viewed`, one per channel, to the user who viewed them. */
export function channelViewedEvents(
  userId: string,
  channelIds: readonly string[],
): WebSocketEvent[] {
  return channelIds.map((channelId) =>
    webSocketEvent("channel_viewed", { channel_id: channelId }, { user_id: userId }),
  );
}

/** `delete_team`, to the team's members, with the team as a JSON string. */
export function deleteTeamEvent(team: Team): WebSocketEvent {
  return webSocketEvent(
    "delete_team",
    { team: JSON.stringify(modelToJson(TeamSchema, team)) },
    { team_id: team.id },
  );
}
