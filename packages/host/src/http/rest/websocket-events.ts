// The events of GET /api/v4/websocket in Mattermost's envelope, {event, data, broadcast, seq},
// made from what the application layer reports. Posts travel as the JSON string of the post
// inside data, as v4 sends them. The broadcast says who receives an event: one user, the
// members of a channel, or the members of a team.
import type { JsonObject } from "@bufbuild/protobuf";
import {
  type Channel,
  type ChannelMember,
  ChannelMemberSchema,
  type Emoji,
  EmojiSchema,
  type Group,
  type GroupMember,
  type GroupSyncable,
  type Post,
  PostSchema,
  type Preference,
  PreferenceSchema,
  type Reaction,
  ReactionSchema,
  type Role,
  RoleSchema,
  type Status,
  type Team,
  type TeamMember,
  TeamMemberSchema,
  TeamSchema,
  type User,
} from "@plugwire/protocol";
import {
  type Actor,
  type ChannelOperations,
  channelMemberRoles,
  teamMemberRoles,
  type UserOperations,
  withoutActionIntegrations,
} from "../../app/app.js";
import { groupJson, groupMemberJson } from "./group-json.js";
import { modelToJson } from "./model-json.js";

/** Mattermost's WebsocketBroadcast; websocket-hub.ts applies its rules. */
export interface Broadcast {
  omit_users: Record<string, boolean> | null;
  user_id: string;
  channel_id: string;
  team_id: string;
  connection_id: string;
  omit_connection_id: string;
}

/** An event before the connection gives it its sequence number. */
export interface WebSocketEvent {
  event: string;
  data: JsonObject;
  broadcast: Broadcast;
}

export function webSocketEvent(
  event: string,
  data: JsonObject,
  to: Partial<Broadcast>,
): WebSocketEvent {
  return {
    event,
    data,
    broadcast: {
      omit_users: to.omit_users ?? null,
      user_id: to.user_id ?? "",
      channel_id: to.channel_id ?? "",
      team_id: to.team_id ?? "",
      connection_id: to.connection_id ?? "",
      omit_connection_id: to.omit_connection_id ?? "",
    },
  };
}

/**
 * `posted`, to the channel's members, with the channel and sender v4 clients show and, when
 * anyone is mentioned, `mentions`: the JSON string of their ids.
 */
export async function postedEvent(
  app: ChannelOperations & UserOperations,
  post: Post,
): Promise<WebSocketEvent> {
  const channel = await app.getChannel(post.channelId);
  const sender = await app.getUser(post.userId);
  const mentions = await mentionedUserIds(app, channel, post);
  return webSocketEvent(
    "posted",
    {
      channel_display_name: channel.displayName,
      channel_name: channel.name,
      channel_type: channel.type,
      ...(mentions.length > 0 ? { mentions: JSON.stringify(mentions) } : {}),
      post: postString(post),
      sender_name: `@${sender.username}`,
      set_online: true,
      team_id: channel.teamId,
    },
    { channel_id: post.channelId },
  );
}

/**
 * Whom a post mentions, as Mattermost counts it: in a direct channel the other user; elsewhere
 * the members named by @username, or every member for @channel and @all; never the sender.
 */
async function mentionedUserIds(
  app: ChannelOperations & UserOperations,
  channel: Channel,
  post: Post,
): Promise<string[]> {
  if (channel.type === "D") {
    return channel.name.split("__").filter((id) => id !== post.userId && id !== "");
  }
  const names = new Set(
    [...post.message.matchAll(/(?:^|[^\w@])@([a-z0-9][a-z0-9._-]*)/gi)].map(([, name = ""]) =>
      name.toLowerCase().replace(/[._-]+$/, ""),
    ),
  );
  const mentioned = new Set<string>();
  if (names.has("channel") || names.has("all")) {
    for (let page = 0; ; page++) {
      const members = await app.getChannelMembers(channel.id, { page, perPage: 200 });
      for (const member of members) mentioned.add(member.userId);
      if (members.length < 200) break;
    }
  }
  for (const name of names) {
    const user = await app.getUserByUsername(name).catch(() => undefined);
    if (user && (await app.getChannelMember(channel.id, user.id))) mentioned.add(user.id);
  }
  mentioned.delete(post.userId);
  return [...mentioned];
}

export function postEditedEvent(post: Post): WebSocketEvent {
  return webSocketEvent("post_edited", { post: postString(post) }, { channel_id: post.channelId });
}

export function postDeletedEvent(post: Post, actor: Actor): WebSocketEvent {
  return webSocketEvent(
    "post_deleted",
    { post: postString(post), ...(actor.userId ? { delete_by: actor.userId } : {}) },
    { channel_id: post.channelId },
  );
}

/** An ephemeral post changed: `post_edited`, to its one user (Mattermost's UpdateEphemeralPost). */
export function ephemeralPostEditedEvent(userId: string, post: Post): WebSocketEvent {
  return webSocketEvent(
    "post_edited",
    { post: postString(post) },
    { user_id: userId, channel_id: post.channelId },
  );
}

/** An ephemeral post taken back: `post_deleted`, to its one user. */
export function ephemeralPostDeletedEvent(userId: string, post: Post): WebSocketEvent {
  return webSocketEvent("post_deleted", { post: postString(post) }, { user_id: userId });
}

/** `reaction_added` or `reaction_removed`, to the post's channel, the reaction as a JSON string. */
export function reactionEvent(
  event: "reaction_added" | "reaction_removed",
  reaction: Reaction,
): WebSocketEvent {
  return webSocketEvent(
    event,
    { reaction: JSON.stringify(modelToJson(ReactionSchema, reaction)) },
    { channel_id: reaction.channelId },
  );
}

/** `preferences_changed` or `preferences_deleted`, to the user, the list as a JSON string. */
export function preferencesEvent(
  event: "preferences_changed" | "preferences_deleted",
  userId: string,
  preferences: Preference[],
): WebSocketEvent {
  const list = preferences.map((preference) => modelToJson(PreferenceSchema, preference));
  return webSocketEvent(event, { preferences: JSON.stringify(list) }, { user_id: userId });
}

/**
 * `status_change`, to the user whose status it is, as Mattermost's BroadcastStatus sends it;
 * others ask with get_statuses_by_ids.
 */
export function statusChangeEvent(status: Status): WebSocketEvent {
  return webSocketEvent(
    "status_change",
    { status: status.status, user_id: status.userId },
    { user_id: status.userId },
  );
}

/** `open_dialog`, to one user's clients: the OpenDialogRequest as a JSON string, as v4 sends it. */
export function openDialogEvent(userId: string, request: JsonObject): WebSocketEvent {
  return webSocketEvent("open_dialog", { dialog: JSON.stringify(request) }, { user_id: userId });
}

/** `ephemeral_message`, to one user only, whatever channel it shows in. */
export function ephemeralMessageEvent(userId: string, post: Post): WebSocketEvent {
  return webSocketEvent(
    "ephemeral_message",
    { post: postString(post) },
    { user_id: userId, channel_id: post.channelId },
  );
}

/** `channel_created`, to whoever created it. */
export function channelCreatedEvent(channel: Channel, actor: Actor): WebSocketEvent | undefined {
  const userId = actor.userId || channel.creatorId;
  if (!userId) return undefined;
  return webSocketEvent(
    "channel_created",
    { channel_id: channel.id, team_id: channel.teamId },
    { user_id: userId },
  );
}

/** `user_added`, to the channel's members, the new one included. */
export async function userAddedEvent(
  app: ChannelOperations,
  member: ChannelMember,
): Promise<WebSocketEvent> {
  const channel = await app.getChannel(member.channelId);
  return webSocketEvent(
    "user_added",
    { user_id: member.userId, team_id: channel.teamId },
    { channel_id: member.channelId },
  );
}

/** `user_removed`, once to the channel's remaining members and once to the user removed. */
export function userRemovedEvents(member: ChannelMember, actor: Actor): WebSocketEvent[] {
  const removerId = actor.userId ?? "";
  return [
    webSocketEvent(
      "user_removed",
      { user_id: member.userId, remover_id: removerId },
      { channel_id: member.channelId },
    ),
    webSocketEvent(
      "user_removed",
      { channel_id: member.channelId, remover_id: removerId },
      { user_id: member.userId },
    ),
  ];
}

/** `added_to_team`, to the user added. */
export function addedToTeamEvent(member: TeamMember): WebSocketEvent {
  return webSocketEvent(
    "added_to_team",
    { team_id: member.teamId, user_id: member.userId },
    { user_id: member.userId },
  );
}

/**
 * `update_team`, to the team's members, with the team as a JSON string as v4 sends it.
 * (Mattermost tells everyone; here only members, who are the ones who can see an invite-only
 * team.)
 */
export function updateTeamEvent(team: Team): WebSocketEvent {
  return webSocketEvent(
    "update_team",
    { team: JSON.stringify(modelToJson(TeamSchema, team)) },
    { team_id: team.id },
  );
}

/** `leave_team`, to the team's remaining members and to the user who left. */
export function leaveTeamEvents(member: TeamMember): WebSocketEvent[] {
  const data = { user_id: member.userId, team_id: member.teamId };
  return [
    webSocketEvent("leave_team", data, { team_id: member.teamId }),
    webSocketEvent("leave_team", data, { user_id: member.userId }),
  ];
}

/** `user_role_updated`, to the user whose system roles changed. */
export function userRoleUpdatedEvent(user: User): WebSocketEvent {
  return webSocketEvent(
    "user_role_updated",
    { user_id: user.id, roles: user.roles },
    { user_id: user.id },
  );
}

/** `memberrole_updated`, to the member, with the membership (roles in full) as a JSON string. */
export function memberRoleUpdatedEvent(member: TeamMember): WebSocketEvent {
  const json = {
    ...modelToJson(TeamMemberSchema, member),
    roles: teamMemberRoles(member).join(" "),
  };
  return webSocketEvent(
    "memberrole_updated",
    { member: JSON.stringify(json) },
    { user_id: member.userId },
  );
}

/** `channel_member_updated`, to the member, with the membership as a JSON string. */
export function channelMemberUpdatedEvent(member: ChannelMember): WebSocketEvent {
  const json = {
    ...modelToJson(ChannelMemberSchema, member),
    roles: channelMemberRoles(member).join(" "),
  };
  return webSocketEvent(
    "channel_member_updated",
    { channelMember: JSON.stringify(json) },
    { user_id: member.userId },
  );
}

/** `role_updated`, to everyone, with the role as a JSON string. */
export function roleUpdatedEvent(role: Role): WebSocketEvent {
  return webSocketEvent(
    "role_updated",
    { role: JSON.stringify(modelToJson(RoleSchema, role)) },
    {},
  );
}

function postString(post: Post): string {
  return JSON.stringify(modelToJson(PostSchema, withoutActionIntegrations(post)));
}

/** `typing`, to the channel's members but the one typing (Mattermost's user_typing action). */
export function typingEvent(channelId: string, userId: string, parentId: string): WebSocketEvent {
  return webSocketEvent(
    "typing",
    { parent_id: parentId, user_id: userId },
    { channel_id: channelId, omit_users: { [userId]: true } },
  );
}

/** `received_group`, to everyone, with the group as a JSON string. */
/** `emoji_added`, to everyone, with the emoji as a JSON string (Mattermost's emoji.ToJSON). */
export function emojiAddedEvent(emoji: Emoji): WebSocketEvent {
  return webSocketEvent(
    "emoji_added",
    { emoji: JSON.stringify(modelToJson(EmojiSchema, emoji)) },
    {},
  );
}

export function receivedGroupEvent(group: Group): WebSocketEvent {
  return webSocketEvent("received_group", { group: JSON.stringify(groupJson(group)) }, {});
}

/** `group_member_add` or `group_member_deleted`, to the member, with the membership as JSON. */
export function groupMemberEvent(member: GroupMember, added: boolean): WebSocketEvent {
  return webSocketEvent(
    added ? "group_member_add" : "group_member_deleted",
    { group_member: JSON.stringify(groupMemberJson(member)) },
    { user_id: member.userId },
  );
}

/**
 * `received_group_associated_to_team` (or `_not_associated_to_`, or `_channel`), to the team's
 * or channel's members, naming the group.
 */
export function groupSyncableEvent(syncable: GroupSyncable): WebSocketEvent {
  const linked = syncable.deleteAt === 0n ? "associated" : "not_associated";
  return webSocketEvent(
    `received_group_${linked}_to_${syncable.type}`,
    { group_id: syncable.groupId },
    syncable.type === "team"
      ? { team_id: syncable.syncableId }
      : { channel_id: syncable.syncableId },
  );
}
