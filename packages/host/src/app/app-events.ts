// What the application layer tells the outside world about once it happened (live
// connections, mostly).
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Channel,
  ChannelMember,
  Emoji,
  Group,
  GroupMember,
  GroupSyncable,
  Post,
  Preference,
  Reaction,
  Role,
  Status,
  Team,
  TeamMember,
  User,
} from "@plugwire/protocol";
import type { Session } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { EndedConnections } from "./cluster-bus.js";
import type { PublishedWebSocketEvent, Toast } from "./realtime-operations.js";
import type { SidebarChange } from "./sidebar-operations.js";

/**
 * Each method is called after the write committed; what it throws is logged and changes
 * nothing.
 */
export interface AppEvents {
  /** A post only `userId` should see, delivered to that user's live connections. */
  ephemeralPost?(userId: string, post: Post): void;
  /** An ephemeral post changed, shown again to `userId` only. */
  ephemeralPostUpdated?(userId: string, post: Post): void;
  /** An ephemeral post taken back from `userId`. */
  ephemeralPostDeleted?(userId: string, post: Post): void;
  postCreated?(post: Post, actor: Actor): void;
  postUpdated?(post: Post, actor: Actor): void;
  postDeleted?(post: Post, actor: Actor): void;
  reactionAdded?(reaction: Reaction, actor: Actor): void;
  reactionRemoved?(reaction: Reaction, actor: Actor): void;
  /** Preferences of `userId` saved (to that user's connections only). */
  preferencesChanged?(userId: string, preferences: Preference[], actor: Actor): void;
  preferencesDeleted?(userId: string, preferences: Preference[], actor: Actor): void;
  /** A user's status changed (told to everyone, as Mattermost does). */
  statusChanged?(status: Status): void;
  channelCreated?(channel: Channel, actor: Actor): void;
  channelMemberAdded?(member: ChannelMember, actor: Actor): void;
  channelMemberRemoved?(member: ChannelMember, actor: Actor): void;
  teamMemberAdded?(member: TeamMember, actor: Actor): void;
  teamMemberRemoved?(member: TeamMember, actor: Actor): void;
  teamUpdated?(team: Team, actor: Actor): void;
  userDeactivated?(user: User, actor: Actor): void;
  /** A plugin published a websocket event (custom_<plugin id>_<event>). */
  webSocketEventPublished?(event: PublishedWebSocketEvent): void;
  /** A user's sidebar changed (Mattermost's sidebar_category_* events, to that user). */
  sidebarChanged?(change: SidebarChange): void;
  /** A toast for `userId`'s clients (only `connectionId` when set): Mattermost's show_toast. */
  toastSent?(toast: Toast): void;
  /** `userId` is typing in a channel (in the thread of `parentId` when set). */
  userTyping?(channelId: string, userId: string, parentId: string): void;
  // Users, teams and channels changed (people-operations.ts and the areas' writes).
  userUpdated?(user: User, actor: Actor): void;
  teamDeleted?(team: Team, actor: Actor): void;
  channelUpdated?(channel: Channel, actor: Actor): void;
  channelDeleted?(channel: Channel, actor: Actor): void;
  /** An archived channel brought back (Mattermost's channel_restored, to its team). */
  channelRestored?(channel: Channel, actor: Actor): void;
  /** A new direct or group channel, told to each of its members. */
  directChannelCreated?(channel: Channel, actor: Actor): void;
  channelsViewed?(userId: string, channelIds: readonly string[], actor: Actor): void;
  channelMemberUpdated?(member: ChannelMember, actor: Actor): void;
  /** Role changes (role-operations.ts): a user's system roles, a member's roles, a role's permissions. */
  userRolesUpdated?(user: User, actor: Actor): void;
  teamMemberRolesUpdated?(member: TeamMember, actor: Actor): void;
  channelMemberRolesUpdated?(member: ChannelMember, actor: Actor): void;
  roleUpdated?(role: Role, actor: Actor): void;
  /** An interactive dialog for `userId`'s clients: Mattermost's OpenDialogRequest JSON. */
  dialogOpened?(userId: string, request: JsonObject): void;
  /** A group made, changed, deleted or restored (told to everyone, as Mattermost's received_group). */
  groupChanged?(group: Group, actor: Actor): void;
  groupMemberAdded?(member: GroupMember, actor: Actor): void;
  groupMemberRemoved?(member: GroupMember, actor: Actor): void;
  /** A group's link to a team or channel made, changed or removed (delete_at set). */
  groupSyncableChanged?(syncable: GroupSyncable, actor: Actor): void;
  /** A custom emoji was made (told to everyone, as Mattermost's emoji_added). */
  emojiAdded?(emoji: Emoji, actor: Actor): void;
  /** A session ended by logout; its token no longer authenticates. */
  sessionEnded?(session: Session): void;
  /** A websocket event another host of the cluster delivered, for this host's clients too. */
  clusterWebSocketEvent?(event: JsonObject): void;
  /** Another host ended the live connections of a user or a session: end them here too. */
  clusterConnectionsEnded?(ended: EndedConnections): void;
  /** Cluster messages may have been lost: live clients should load everything again. */
  clusterResync?(): void;
}
