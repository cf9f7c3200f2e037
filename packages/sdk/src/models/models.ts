// The models as plugins see them: the protocol's messages made plain (see plain.ts), so times
// and counts are numbers and JSON.stringify writes Mattermost's v4 JSON. Each is the type of
// the same name in @plugwire/protocol with bigint fields as numbers.
import type { PluginAPIError } from "@plugwire/errors";
import type * as protocol from "@plugwire/protocol";
import type { Plain } from "./plain.js";

/** A user account (times in ms since the epoch). */
export type User = Plain<protocol.User>;
/** How a user signs in: the service and their id there (never a password). */
export type UserAuth = Plain<protocol.UserAuth>;
/** A team. */
export type Team = Plain<protocol.Team>;
/** A user's membership of a team. */
export type TeamMember = Plain<protocol.TeamMember>;
/** One user's outcome of createTeamMembersGracefully, as Mattermost's TeamMemberWithError. */
export interface TeamMemberWithError {
  userId: string;
  /** The membership, when the user was added. */
  member?: TeamMember;
  /** Why the user was not added. */
  error?: PluginAPIError;
}
/** A team's member counts. */
export type TeamStats = Plain<protocol.TeamStats>;
/** A user's unread messages and mentions in one team. */
export type TeamUnread = Plain<protocol.TeamUnread>;
/** A channel (public, private, direct or group). */
export type Channel = Plain<protocol.Channel>;
/** A user's membership of a channel: roles, last viewed, counts, notify props. */
export type ChannelMember = Plain<protocol.ChannelMember>;
/** One channel membership, by its channel and user (Mattermost's ChannelMemberIdentifier). */
export type ChannelMemberIdentifier = Pick<
  protocol.ChannelMemberIdentifier,
  "channelId" | "userId"
>;
/** A channel's member and pinned post counts. */
export type ChannelStats = Plain<protocol.ChannelStats>;
/** The fields of a channel PatchChannel changes. */
export type ChannelPatch = Plain<protocol.ChannelPatch>;
/** A category of a user's channel sidebar. */
export type SidebarCategory = Plain<protocol.SidebarCategory>;
/** A role and its permissions. */
export type Role = Plain<protocol.Role>;
/** A message in a channel (times in ms since the epoch). */
export type Post = Plain<protocol.Post>;
/** Posts by id with their order, as Mattermost's PostList. */
export type PostList = Plain<protocol.PostList>;
/** A post search's posts and their matches. */
export type PostSearchResults = Plain<protocol.PostSearchResults>;
/** One parsed post search. */
export type SearchParams = Plain<protocol.SearchParams>;
/** A post search as the search box sends it. */
export type SearchParameter = Plain<protocol.SearchParameter>;
/** An emoji reaction to a post. */
export type Reaction = Plain<protocol.Reaction>;
/** One of a user's preferences (category, name, value). */
export type Preference = Plain<protocol.Preference>;
/** A user's presence. */
export type Status = Plain<protocol.Status>;
/** A user's custom status. */
export type CustomStatus = Plain<protocol.CustomStatus>;
/** A file's metadata. */
export type FileInfo = Plain<protocol.FileInfo>;
/** A slash command. */
export type Command = Plain<protocol.Command>;
/** A command's autocomplete tree: sub-commands and arguments (Mattermost's AutocompleteData). */
export type AutocompleteData = Plain<protocol.AutocompleteData>;
/** One argument of an autocomplete (sub-)command. */
export type AutocompleteArg = Plain<protocol.AutocompleteArg>;
/** One value of a list argument. */
export type AutocompleteListItem = Plain<protocol.AutocompleteListItem>;
/** An interactive dialog (Mattermost's Dialog). */
export type Dialog = Plain<protocol.Dialog>;
/** One field of an interactive dialog. */
export type DialogElement = Plain<protocol.DialogElement>;
/** The arguments of a slash command's run. */
export type CommandArgs = Plain<protocol.CommandArgs>;
/** What a slash command answers. */
export type CommandResponse = Plain<protocol.CommandResponse>;
/** A custom emoji. */
export type Emoji = Plain<protocol.Emoji>;
/** A user group (Mattermost's Group). */
export type Group = Plain<protocol.Group>;
/** A user's membership of a group. */
export type GroupMember = Plain<protocol.GroupMember>;
/** A group's link to a team or channel. */
export type GroupSyncable = Plain<protocol.GroupSyncable>;
/** An OAuth 2.0 client app (Mattermost's OAuthApp), with its client secret. */
export type OAuthApp = Plain<protocol.OAuthApp>;
/** A page of a list. */
export type Paging = Plain<protocol.Paging>;
/** An event a plugin sends to its copies on the other cluster nodes. */
export type PluginClusterEvent = Plain<protocol.PluginClusterEvent>;
/** Who and what a hook is called for. */
export type PluginContext = Plain<protocol.PluginContext>;
/** A request a client sent over its websocket. */
export type WebSocketRequest = Plain<protocol.WebSocketRequest>;
/** A plugin's state on the server (Mattermost's PluginStatus). */
export type PluginStatus = Plain<protocol.PluginStatus>;
/** A resumable upload's progress (Mattermost's UploadSession). */
export type UploadSession = Plain<protocol.UploadSession>;
/** A bot: a user account a plugin or a person owns (Mattermost's Bot). */
export type Bot = Plain<protocol.Bot>;
/** A login session; its token only in CreateSession's answer. */
export type Session = Plain<protocol.Session>;
/** A personal access token; the secret only in CreateUserAccessToken's answer. */
export type UserAccessToken = Plain<protocol.UserAccessToken>;
