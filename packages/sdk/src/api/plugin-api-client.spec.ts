import { create } from "@bufbuild/protobuf";
import { createRouterTransport, type ServiceImpl } from "@connectrpc/connect";
import { InternalError, NotFoundError, toConnectError, toErrorDetail } from "@plugwire/errors";
import {
  BotSchema,
  ChannelMemberSchema,
  ChannelSchema,
  ChannelStatsSchema,
  CommandResponseSchema,
  CommandSchema,
  EmojiSchema,
  FileInfoSchema,
  GroupMemberSchema,
  GroupSchema,
  GroupSyncableSchema,
  MAX_CHUNK_BYTES,
  OAuthAppSchema,
  PluginAPI,
  PluginStatusSchema,
  PostListSchema,
  PostSchema,
  PreferenceSchema,
  PublishPluginClusterEventRequest_SendType,
  ReactionSchema,
  SessionSchema,
  SidebarCategorySchema,
  StatusSchema,
  TeamMemberSchema,
  TeamSchema,
  TeamStatsSchema,
  TeamUnreadSchema,
  UploadSessionSchema,
  UserAccessTokenSchema,
  UserAuthSchema,
  UserSchema,
} from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { PluginAPIClient } from "./plugin-api-client.js";

const user = create(UserSchema, { id: "u1", username: "alice" });
const userAuth = create(UserAuthSchema, { authService: "gitlab", authData: "x" });
const team = create(TeamSchema, { id: "t1", name: "core" });
const teamMember = create(TeamMemberSchema, { teamId: "t1", userId: "u1" });
const channel = create(ChannelSchema, { id: "c1", name: "town-square" });
const channelMember = create(ChannelMemberSchema, { channelId: "c1", userId: "u1" });
const post = create(PostSchema, { id: "p1", channelId: "c1", message: "hi" });
const postList = create(PostListSchema, { order: ["p1"], posts: { p1: post } });
const fileInfo = create(FileInfoSchema, { id: "f1", name: "a.txt", size: 3n });
const bytes = new Uint8Array([1, 2, 3]);
const command = create(CommandSchema, { id: "cmd1", trigger: "deploy", createAt: 5n });
const commandResponse = create(CommandResponseSchema, { responseType: "ephemeral", text: "hi" });
const uploadSession = create(UploadSessionSchema, { id: "s1", fileSize: 10n, fileOffset: 4n });
const reaction = create(ReactionSchema, { userId: "u1", postId: "p1", emojiName: "smile" });
const preference = create(PreferenceSchema, { userId: "u1", category: "c", name: "n", value: "v" });
const pluginStatus = create(PluginStatusSchema, { pluginId: "p", state: 2, version: "1.0.0" });
const status = create(StatusSchema, { userId: "u1", status: "dnd", manual: true });
const teamStats = create(TeamStatsSchema, {
  teamId: "t1",
  totalMemberCount: 3n,
  activeMemberCount: 2n,
});
const teamUnread = create(TeamUnreadSchema, { teamId: "t1", msgCount: 4n, mentionCount: 1n });
const channelStats = create(ChannelStatsSchema, {
  channelId: "c1",
  memberCount: 5n,
  pinnedpostCount: 1n,
});
const sidebarCategory = create(SidebarCategorySchema, {
  id: "channels_u1_t1",
  userId: "u1",
  teamId: "t1",
  type: "channels",
  displayName: "Channels",
  channelIds: ["c1"],
});
const bot = create(BotSchema, { userId: "b1", username: "helper", ownerId: "p" });
const session = create(SessionSchema, { id: "s1", userId: "u1", token: "secret" });
const accessToken = create(UserAccessTokenSchema, { id: "t1", userId: "u1", token: "secret" });
const emoji = create(EmojiSchema, { id: "e1", name: "shipit", creatorId: "u1", createAt: 9n });
const oauthApp = create(OAuthAppSchema, {
  id: "a1",
  creatorId: "u1",
  name: "Ticketing",
  clientSecret: "secret",
  callbackUrls: ["https://t.example.com/cb"],
  createAt: 10n,
});
const group = create(GroupSchema, { id: "g1", name: "sre", source: "custom", createAt: 7n });
const groupMember = create(GroupMemberSchema, { groupId: "g1", userId: "u1", createAt: 8n });
const groupSyncable = create(GroupSyncableSchema, {
  groupId: "g1",
  syncableId: "t1",
  type: "Team",
  autoAdd: true,
});

type Unary = (request: unknown) => unknown;

/**
 * A PluginAPI whose unary methods record each request with its authorization header and answer
 * `answers[method]`; `streaming` overrides the streaming methods.
 */
function fakeAPI(
  answers: Record<string, unknown | Unary> = {},
  streaming: Partial<ServiceImpl<typeof PluginAPI>> = {},
) {
  const calls: { method: string; request: unknown; authorization: string | null }[] = [];
  const service: Record<string, unknown> = {};
  for (const method of PluginAPI.methods) {
    if (method.methodKind === "unary") {
      service[method.localName] = (request: unknown, context: { requestHeader: Headers }) => {
        calls.push({
          method: method.localName,
          request,
          authorization: context.requestHeader.get("authorization"),
        });
        const answer = answers[method.localName];
        return typeof answer === "function" ? (answer as Unary)(request) : (answer ?? {});
      };
    }
  }
  Object.assign(service, streaming);
  const transport = createRouterTransport((router) =>
    router.service(PluginAPI, service as Partial<ServiceImpl<typeof PluginAPI>>),
  );
  return { api: new PluginAPIClient(transport, "tok"), calls };
}

// Every unary RPC: the client method, its arguments, the request the host must receive, what
// the host answers, and what the method must resolve to.
const unaryCases: [string, unknown[], object, object, unknown][] = [
  ["getServerVersion", [], {}, { version: "9.5.0" }, "9.5.0"],
  ["getConfig", [], {}, { config: { ServiceSettings: {} } }, { ServiceSettings: {} }],
  [
    "getUnsanitizedConfig",
    [],
    {},
    { config: { EmailSettings: { SMTPPassword: "pw" } } },
    { EmailSettings: { SMTPPassword: "pw" } },
  ],
  [
    "saveConfig",
    [{ EmailSettings: { SMTPServer: "m" } }],
    { config: { EmailSettings: { SMTPServer: "m" } } },
    {},
    undefined,
  ],
  [
    "sendMail",
    ["a@example.com", "Hi", "<p>hi</p>"],
    { to: "a@example.com", subject: "Hi", htmlBody: "<p>hi</p>" },
    {},
    undefined,
  ],
  ["getPluginConfig", [], {}, { config: { ApiKey: "k" } }, { ApiKey: "k" }],
  ["savePluginConfig", [{ ApiKey: "k2" }], { config: { ApiKey: "k2" } }, {}, undefined],
  ["getLicense", [], {}, {}, null],
  ["isEnterpriseReady", [], {}, { enterpriseReady: false }, false],
  ["getSystemInstallDate", [], {}, { installDate: 1700000000000n }, 1700000000000],
  ["getDiagnosticId", [], {}, { diagnosticId: "abc" }, "abc"],
  ["getTelemetryId", [], {}, { telemetryId: "abc" }, "abc"],
  ["getPlugins", [], {}, { manifests: [{ id: "p" }] }, [{ id: "p" }]],
  ["getPluginStatus", ["p"], { pluginId: "p" }, { status: pluginStatus }, pluginStatus],
  ["getPluginStatuses", [], {}, { statuses: [pluginStatus] }, [pluginStatus]],
  ["enablePlugin", ["p"], { pluginId: "p" }, {}, undefined],
  ["disablePlugin", ["p"], { pluginId: "p" }, {}, undefined],
  ["removePlugin", ["p"], { pluginId: "p" }, {}, undefined],
  ["getBundlePath", [], {}, { path: "/plugins/p" }, "/plugins/p"],
  ["getUser", ["u1"], { userId: "u1" }, { user }, user],
  ["getUserByUsername", ["alice"], { username: "alice" }, { user }, user],
  ["getUserByEmail", ["a@example.com"], { email: "a@example.com" }, { user }, user],
  [
    "getUsers",
    [{ page: 1, perPage: 10, inTeamId: "t1", activeOnly: true }],
    { paging: { page: 1, perPage: 10 }, inTeamId: "t1", inChannelId: "", activeOnly: true },
    { users: [user] },
    [user],
  ],
  ["getUsersByIds", [["u1", "u9"]], { userIds: ["u1", "u9"] }, { users: [user] }, [user]],
  [
    "createUser",
    [{ username: "bob" }, "pw"],
    { user: { username: "bob" }, password: "pw" },
    { user },
    user,
  ],
  [
    "updateUser",
    [{ id: "u1", nickname: "al" }],
    { user: { id: "u1", nickname: "al" } },
    { user },
    user,
  ],
  ["deactivateUser", ["u1"], { userId: "u1" }, {}, undefined],
  ["getTeam", ["t1"], { teamId: "t1" }, { team }, team],
  ["getTeamByName", ["core"], { name: "core" }, { team }, team],
  ["getTeams", [{ page: 2 }], { paging: { page: 2, perPage: 0 } }, { teams: [team] }, [team]],
  ["createTeam", [{ name: "core" }], { team: { name: "core" } }, { team }, team],
  [
    "getTeamMembers",
    ["t1", { perPage: 5 }],
    { teamId: "t1", paging: { perPage: 5 } },
    { members: [teamMember] },
    [teamMember],
  ],
  [
    "addTeamMember",
    ["t1", "u1"],
    { teamId: "t1", userId: "u1" },
    { member: teamMember },
    teamMember,
  ],
  [
    "removeTeamMember",
    ["t1", "u1", "u2"],
    { teamId: "t1", userId: "u1", requestorId: "u2" },
    {},
    undefined,
  ],
  [
    "getUsersByUsernames",
    [["alice", "nobody"]],
    { usernames: ["alice", "nobody"] },
    { users: [user] },
    [user],
  ],
  [
    "searchUsers",
    [{ term: "al", teamId: "t1", notInChannelId: "c1", allowInactive: true, limit: 5 }],
    {
      term: "al",
      teamId: "t1",
      notInTeamId: "",
      inChannelId: "",
      notInChannelId: "c1",
      allowInactive: true,
      limit: 5,
    },
    { users: [user] },
    [user],
  ],
  [
    "getUsersInChannel",
    ["c1", "status", { page: 1, perPage: 20 }],
    { channelId: "c1", sortBy: "status", paging: { page: 1, perPage: 20 } },
    { users: [user] },
    [user],
  ],
  [
    "getUsersInTeam",
    ["t1", { perPage: 50 }],
    { teamId: "t1", paging: { page: 0, perPage: 50 } },
    { users: [user] },
    [user],
  ],
  ["getProfileImage", ["u1"], { userId: "u1" }, { image: bytes }, bytes],
  ["setProfileImage", ["u1", bytes], { userId: "u1", data: bytes }, {}, undefined],
  ["deleteUser", ["u1"], { userId: "u1" }, {}, undefined],
  ["updateUserActive", ["u1", false], { userId: "u1", active: false }, {}, undefined],
  [
    "createDefaultSyncableMemberships",
    [{ since: 5, scopedUserId: "u1" }],
    { params: { since: 5n, scopedUserId: "u1" } },
    {},
    undefined,
  ],
  [
    "updateUserAuth",
    ["u1", { authService: "gitlab", authData: "x" }],
    { userId: "u1", userAuth: { authService: "gitlab", authData: "x" } },
    { userAuth },
    userAuth,
  ],
  [
    "getTeamMember",
    ["t1", "u1"],
    { teamId: "t1", userId: "u1" },
    { member: teamMember },
    teamMember,
  ],
  [
    "getTeamMembersForUser",
    ["u1", { page: 2 }],
    { userId: "u1", paging: { page: 2, perPage: 0 } },
    { members: [teamMember] },
    [teamMember],
  ],
  ["getTeamsForUser", ["u1"], { userId: "u1" }, { teams: [team] }, [team]],
  ["getTeamsUnreadForUser", ["u1"], { userId: "u1" }, { teamUnreads: [teamUnread] }, [teamUnread]],
  ["getTeamStats", ["t1"], { teamId: "t1" }, { stats: teamStats }, teamStats],
  ["searchTeams", ["co"], { term: "co" }, { teams: [team] }, [team]],
  [
    "updateTeam",
    [{ id: "t1", displayName: "Core" }],
    { team: { id: "t1", displayName: "Core" } },
    { team },
    team,
  ],
  ["deleteTeam", ["t1"], { teamId: "t1" }, {}, undefined],
  [
    "createTeamMembers",
    ["t1", ["u1", "u2"], "u9"],
    { teamId: "t1", userIds: ["u1", "u2"], requestorId: "u9" },
    { members: [teamMember] },
    [teamMember],
  ],
  ["getTeamIcon", ["t1"], { teamId: "t1" }, { image: bytes }, bytes],
  ["setTeamIcon", ["t1", bytes], { teamId: "t1", data: bytes }, {}, undefined],
  [
    "getChannelMember",
    ["c1", "u1"],
    { channelId: "c1", userId: "u1" },
    { member: channelMember },
    channelMember,
  ],
  [
    "getChannelMembersForUser",
    ["t1", "u1", { perPage: 100 }],
    { teamId: "t1", userId: "u1", paging: { page: 0, perPage: 100 } },
    { members: [channelMember] },
    [channelMember],
  ],
  [
    "getChannelMembersByIds",
    ["c1", ["u1", "u9"]],
    { channelId: "c1", userIds: ["u1", "u9"] },
    { members: [channelMember] },
    [channelMember],
  ],
  [
    "getChannelsForTeamForUser",
    ["t1", "u1", true],
    { teamId: "t1", userId: "u1", includeDeleted: true },
    { channels: [channel] },
    [channel],
  ],
  [
    "getPublicChannelsForTeam",
    ["t1", { page: 1, perPage: 10 }],
    { teamId: "t1", paging: { page: 1, perPage: 10 } },
    { channels: [channel] },
    [channel],
  ],
  [
    "getChannelByNameForTeamName",
    ["core", "town-square"],
    { teamName: "core", channelName: "town-square", includeDeleted: false },
    { channel },
    channel,
  ],
  ["getGroupChannel", [["u1", "u2", "u3"]], { userIds: ["u1", "u2", "u3"] }, { channel }, channel],
  [
    "addUserToChannel",
    ["c1", "u1", "u2"],
    { channelId: "c1", userId: "u1", asUserId: "u2" },
    { member: channelMember },
    channelMember,
  ],
  [
    "searchChannels",
    ["t1", "town"],
    { teamId: "t1", term: "town" },
    { channels: [channel] },
    [channel],
  ],
  ["getChannelStats", ["c1"], { channelId: "c1" }, { stats: channelStats }, channelStats],
  [
    "patchChannel",
    ["c1", { header: "new header" }],
    { channelId: "c1", patch: { header: "new header" } },
    { channel },
    channel,
  ],
  [
    "updateChannelMemberNotifications",
    ["c1", "u1", { desktop: "mention", push: "none" }],
    { channelId: "c1", userId: "u1", notifications: { desktop: "mention", push: "none" } },
    { member: channelMember },
    channelMember,
  ],
  [
    "patchChannelMembersNotifications",
    [[{ channelId: "c1", userId: "u1" }], { mark_unread: "mention" }],
    { members: [{ channelId: "c1", userId: "u1" }], notifyProps: { mark_unread: "mention" } },
    {},
    undefined,
  ],
  ["restoreChannel", ["c1"], { channelId: "c1" }, {}, undefined],
  ["getChannelOfType", ["c1", "O"], { channelId: "c1", channelType: "O" }, { channel }, channel],
  ["removeTeamIcon", ["t1"], { teamId: "t1" }, {}, undefined],
  [
    "createTeamMembersGracefully",
    ["t1", ["u1"], "u2"],
    { teamId: "t1", userIds: ["u1"], requestorId: "u2" },
    { members: [{ userId: "u1", member: teamMember }] },
    [{ userId: "u1", member: teamMember }],
  ],
  [
    "sendToastMessage",
    ["u1", "", "Saved", { position: "bottom-right" }],
    { userId: "u1", connectionId: "", message: "Saved", position: "bottom-right" },
    {},
    undefined,
  ],
  [
    "createChannelSidebarCategory",
    ["u1", "t1", { displayName: "Work", channelIds: ["c1"] }],
    { userId: "u1", teamId: "t1", category: { displayName: "Work", channelIds: ["c1"] } },
    { category: sidebarCategory },
    sidebarCategory,
  ],
  [
    "updateChannelSidebarCategories",
    ["u1", "t1", [{ id: "channels_u1_t1", collapsed: true }]],
    { userId: "u1", teamId: "t1", categories: [{ id: "channels_u1_t1", collapsed: true }] },
    { categories: [sidebarCategory] },
    [sidebarCategory],
  ],
  [
    "getChannelSidebarCategories",
    ["u1", "t1"],
    { userId: "u1", teamId: "t1" },
    { categories: [sidebarCategory], order: ["channels_u1_t1"] },
    { categories: [sidebarCategory], order: ["channels_u1_t1"] },
  ],
  ["getChannel", ["c1"], { channelId: "c1" }, { channel }, channel],
  [
    "getChannelByName",
    ["t1", "town-square", true],
    { teamId: "t1", name: "town-square", includeDeleted: true },
    { channel },
    channel,
  ],
  ["createChannel", [{ name: "new" }], { channel: { name: "new" } }, { channel }, channel],
  [
    "updateChannel",
    [{ id: "c1", header: "h" }],
    { channel: { id: "c1", header: "h" } },
    { channel },
    channel,
  ],
  ["deleteChannel", ["c1"], { channelId: "c1" }, {}, undefined],
  [
    "getChannelMembers",
    ["c1"],
    { channelId: "c1", paging: { page: 0, perPage: 0 } },
    { members: [channelMember] },
    [channelMember],
  ],
  [
    "addChannelMember",
    ["c1", "u1"],
    { channelId: "c1", userId: "u1" },
    { member: channelMember },
    channelMember,
  ],
  ["removeChannelMember", ["c1", "u1"], { channelId: "c1", userId: "u1" }, {}, undefined],
  ["getDirectChannel", ["u1", "u2"], { userId1: "u1", userId2: "u2" }, { channel }, channel],
  [
    "hasPermissionTo",
    ["u1", "manage_system"],
    { userId: "u1", permissionId: "manage_system" },
    { hasPermission: true },
    true,
  ],
  [
    "hasPermissionToTeam",
    ["u1", "t1", "view_team"],
    { userId: "u1", teamId: "t1", permissionId: "view_team" },
    { hasPermission: true },
    true,
  ],
  [
    "hasPermissionToChannel",
    ["u1", "c1", "create_post"],
    { userId: "u1", channelId: "c1", permissionId: "create_post" },
    { hasPermission: false },
    false,
  ],
  [
    "rolesGrantPermission",
    [["team_user"], "view_team"],
    { roleNames: ["team_user"], permissionId: "view_team" },
    { hasPermission: true },
    true,
  ],
  [
    "updateUserRoles",
    ["u1", "system_user system_admin"],
    { userId: "u1", newRoles: "system_user system_admin" },
    { user },
    user,
  ],
  [
    "updateTeamMemberRoles",
    ["t1", "u1", "team_user team_admin"],
    { teamId: "t1", userId: "u1", newRoles: "team_user team_admin" },
    { member: teamMember },
    teamMember,
  ],
  [
    "updateChannelMemberRoles",
    ["c1", "u1", "channel_user"],
    { channelId: "c1", userId: "u1", newRoles: "channel_user" },
    { member: channelMember },
    channelMember,
  ],
  ["getPost", ["p1"], { postId: "p1" }, { post }, post],
  [
    "createPost",
    [{ channelId: "c1", message: "hi", props: { card: true } }],
    { post: { channelId: "c1", message: "hi", props: { card: true } } },
    { post },
    post,
  ],
  [
    "updatePost",
    [{ id: "p1", message: "edited" }],
    { post: { id: "p1", message: "edited" } },
    { post },
    post,
  ],
  ["deletePost", ["p1"], { postId: "p1" }, {}, undefined],
  [
    "getPostsForChannel",
    ["c1", { page: 0, perPage: 30 }],
    { channelId: "c1", paging: { perPage: 30 } },
    { posts: [post] },
    [post],
  ],
  [
    "sendEphemeralPost",
    ["u1", { channelId: "c1", message: "only you" }],
    { userId: "u1", post: { channelId: "c1", message: "only you" } },
    { post },
    post,
  ],
  [
    "updateEphemeralPost",
    ["u1", { id: "p1", channelId: "c1", message: "now" }],
    { userId: "u1", post: { id: "p1", channelId: "c1", message: "now" } },
    { post },
    post,
  ],
  ["deleteEphemeralPost", ["u1", "p1"], { userId: "u1", postId: "p1" }, {}, undefined],
  ["getPostThread", ["p1"], { postId: "p1" }, { postList }, postList],
  ["getPostsSince", ["c1", 5], { channelId: "c1", time: 5n }, { postList }, postList],
  [
    "getPostsAfter",
    ["c1", "p0", { perPage: 2 }],
    { channelId: "c1", postId: "p0", paging: { perPage: 2 } },
    { postList },
    postList,
  ],
  [
    "getPostsBefore",
    ["c1", "p2", { page: 1 }],
    { channelId: "c1", postId: "p2", paging: { page: 1 } },
    { postList },
    postList,
  ],
  ["getPostsByIds", [["p1"]], { postIds: ["p1"] }, { posts: [post] }, [post]],
  ["getPinnedPosts", ["c1"], { channelId: "c1" }, { postList }, postList],
  [
    "searchPostsInTeam",
    ["t1", [{ terms: "hi", orTerms: true }]],
    { teamId: "t1", paramsList: [{ terms: "hi", orTerms: true }] },
    { posts: [post] },
    [post],
  ],
  [
    "searchPostsInTeamForUser",
    ["t1", "u1", { terms: "hi", page: 1 }],
    { teamId: "t1", userId: "u1", searchParams: { terms: "hi", page: 1 } },
    { results: { postList } },
    expect.objectContaining({ postList: withNumbers(postList) }),
  ],
  [
    "addReaction",
    [{ userId: "u1", postId: "p1", emojiName: "smile" }],
    { reaction: { userId: "u1", postId: "p1", emojiName: "smile" } },
    { reaction },
    reaction,
  ],
  [
    "removeReaction",
    [{ userId: "u1", postId: "p1", emojiName: "smile" }],
    { reaction: { emojiName: "smile" } },
    {},
    undefined,
  ],
  ["getReactions", ["p1"], { postId: "p1" }, { reactions: [reaction] }, [reaction]],
  ["getPreferencesForUser", ["u1"], { userId: "u1" }, { preferences: [preference] }, [preference]],
  [
    "getPreferenceForUser",
    ["u1", "c", "n"],
    { userId: "u1", category: "c", name: "n" },
    { preference },
    preference,
  ],
  [
    "updatePreferencesForUser",
    ["u1", [{ userId: "u1", category: "c", name: "n", value: "v" }]],
    { userId: "u1", preferences: [{ category: "c", name: "n", value: "v" }] },
    {},
    undefined,
  ],
  [
    "deletePreferencesForUser",
    ["u1", [{ userId: "u1", category: "c", name: "n" }]],
    { userId: "u1", preferences: [{ category: "c", name: "n" }] },
    {},
    undefined,
  ],
  ["getUserStatus", ["u1"], { userId: "u1" }, { status }, status],
  ["getUserStatusesByIds", [["u1"]], { userIds: ["u1"] }, { statuses: [status] }, [status]],
  ["updateUserStatus", ["u1", "dnd"], { userId: "u1", status: "dnd" }, { status }, status],
  [
    "setUserStatusTimedDND",
    ["u1", 1_700_000_000],
    { userId: "u1", endTime: 1_700_000_000n },
    { status },
    status,
  ],
  [
    "updateUserCustomStatus",
    ["u1", { emoji: "calendar", text: "In a meeting" }],
    { userId: "u1", customStatus: { emoji: "calendar", text: "In a meeting" } },
    {},
    undefined,
  ],
  ["removeUserCustomStatus", ["u1"], { userId: "u1" }, {}, undefined],
  ["getFileInfo", ["f1"], { fileId: "f1" }, { fileInfo }, fileInfo],
  [
    "getFileInfos",
    [1, 20, { channelIds: ["c1"], sortBy: "Size", sortDescending: true }],
    {
      paging: { page: 1, perPage: 20 },
      options: { channelIds: ["c1"], sortBy: "Size", sortDescending: true },
    },
    { fileInfos: [fileInfo] },
    [fileInfo],
  ],
  ["copyFileInfos", ["u1", ["f1"]], { userId: "u1", fileIds: ["f1"] }, { fileIds: ["f2"] }, ["f2"]],
  [
    "getFileLink",
    ["f1"],
    { fileId: "f1" },
    { link: "https://chat/files/f1/public?h=x" },
    "https://chat/files/f1/public?h=x",
  ],
  ["setFileSearchableContent", ["f1", "text"], { fileId: "f1", content: "text" }, {}, undefined],
  [
    "createUploadSession",
    [{ userId: "u1", channelId: "c1", filename: "a.bin", fileSize: 10 }],
    { uploadSession: { userId: "u1", channelId: "c1", filename: "a.bin", fileSize: 10n } },
    { uploadSession },
    uploadSession,
  ],
  ["getUploadSession", ["s1"], { uploadId: "s1" }, { uploadSession }, uploadSession],
  ["kvGet", ["k"], { key: "k" }, { value: bytes }, bytes],
  [
    "kvGetMany",
    [["k", "absent"]],
    { keys: ["k", "absent"] },
    { values: { k: bytes } },
    new Map([["k", bytes]]),
  ],
  [
    "kvSet",
    ["k", bytes, { expireInSeconds: 60 }],
    { key: "k", value: bytes, expireInSeconds: 60n },
    {},
    undefined,
  ],
  [
    "kvSetWithOptions",
    ["k", bytes, { atomic: true, oldValue: bytes }],
    { key: "k", value: bytes, options: { atomic: true, oldValue: bytes, expireInSeconds: 0n } },
    { written: true },
    true,
  ],
  ["kvDelete", ["k"], { key: "k" }, {}, undefined],
  ["kvDeleteAll", [], {}, {}, undefined],
  ["kvList", [{ perPage: 2 }], { paging: { perPage: 2 } }, { keys: ["a", "b"] }, ["a", "b"]],
  [
    "registerCommand",
    [{ trigger: "hello", autoComplete: true }],
    { command: { trigger: "hello", autoComplete: true } },
    {},
    undefined,
  ],
  ["unregisterCommand", ["", "hello"], { teamId: "", trigger: "hello" }, {}, undefined],
  [
    "executeSlashCommand",
    [{ userId: "u1", channelId: "c1", command: "/echo hi" }],
    { args: { userId: "u1", channelId: "c1", command: "/echo hi" } },
    { response: commandResponse },
    commandResponse,
  ],
  [
    "createCommand",
    [{ teamId: "t1", trigger: "deploy", method: "P", url: "/plugins/p/deploy" }],
    { command: { teamId: "t1", trigger: "deploy", method: "P", url: "/plugins/p/deploy" } },
    { command },
    command,
  ],
  ["listCommands", ["t1"], { teamId: "t1" }, { commands: [command] }, [command]],
  ["listCustomCommands", ["t1"], { teamId: "t1" }, { commands: [command] }, [command]],
  ["listPluginCommands", ["t1"], { teamId: "t1" }, { commands: [command] }, [command]],
  ["listBuiltInCommands", [], {}, { commands: [] }, []],
  ["getCommand", ["cmd1"], { commandId: "cmd1" }, { command }, command],
  [
    "updateCommand",
    ["cmd1", { description: "Ships it" }],
    { commandId: "cmd1", command: { description: "Ships it" } },
    { command },
    command,
  ],
  ["deleteCommand", ["cmd1"], { commandId: "cmd1" }, {}, undefined],
  [
    "openInteractiveDialog",
    [{ triggerId: "tr", url: "/plugins/p/submit", dialog: { title: "Edit" } }],
    { triggerId: "tr", url: "/plugins/p/submit", dialog: { title: "Edit" } },
    {},
    undefined,
  ],
  [
    "ensureBotUser",
    [{ username: "bot", displayName: "Bot" }],
    { username: "bot", displayName: "Bot", description: "" },
    { userId: "b1" },
    "b1",
  ],
  [
    "createBot",
    [{ username: "helper", ownerId: "u1" }],
    { bot: { username: "helper", ownerId: "u1" } },
    { bot },
    bot,
  ],
  [
    "patchBot",
    ["b1", { displayName: "Helper" }],
    { botUserId: "b1", botPatch: { displayName: "Helper" } },
    { bot },
    bot,
  ],
  ["getBot", ["b1"], { botUserId: "b1", includeDeleted: false }, { bot }, bot],
  [
    "getBots",
    [{ ownerId: "p", includeDeleted: true, page: 1, perPage: 10 }],
    { options: { ownerId: "p", includeDeleted: true, paging: { page: 1, perPage: 10 } } },
    { bots: [bot] },
    [bot],
  ],
  ["updateBotActive", ["b1", false], { botUserId: "b1", active: false }, { bot }, bot],
  ["permanentDeleteBot", ["b1"], { botUserId: "b1" }, {}, undefined],
  ["getSession", ["s1"], { sessionId: "s1" }, { session }, session],
  [
    "createSession",
    [{ userId: "u1", expiresAt: 5n, props: { a: "b" } }],
    { session: { userId: "u1", expiresAt: 5n, props: { a: "b" } } },
    { session },
    session,
  ],
  [
    "extendSessionExpiry",
    ["s1", 1_700_000_000_000],
    { sessionId: "s1", newExpiry: 1_700_000_000_000n },
    {},
    undefined,
  ],
  ["revokeSession", ["s1"], { sessionId: "s1" }, {}, undefined],
  [
    "createUserAccessToken",
    [{ userId: "u1", description: "CI" }],
    { token: { userId: "u1", description: "CI" } },
    { token: accessToken },
    accessToken,
  ],
  ["revokeUserAccessToken", ["t1"], { tokenId: "t1" }, {}, undefined],
  [
    "logAuditRec",
    [{ eventName: "export", status: "success", meta: { rows: 3 } }],
    { record: { eventName: "export", status: "success", meta: { rows: 3 } } },
    {},
    undefined,
  ],
  [
    "logAuditRecWithLevel",
    [{ eventName: "wipe" }, "error"],
    { record: { eventName: "wipe" }, level: "error" },
    {},
    undefined,
  ],
  [
    "publishPluginClusterEvent",
    [
      { id: "flush", data: bytes },
      { sendType: "reliable", targetId: "h2" },
    ],
    {
      event: { id: "flush", data: bytes },
      sendType: PublishPluginClusterEventRequest_SendType.RELIABLE,
      targetId: "h2",
    },
    {},
    undefined,
  ],
  [
    "publishWebSocketEvent",
    ["refresh", { at: new Date(0), n: 1 }, { channelId: "c1", omitUsers: { u1: true } }],
    {
      event: "refresh",
      payload: { at: "1970-01-01T00:00:00.000Z", n: 1 },
      broadcast: { channelId: "c1", omitUsers: { u1: true } },
    },
    {},
    undefined,
  ],
  [
    "publishUserTyping",
    ["u1", "c1"],
    { userId: "u1", channelId: "c1", parentId: "" },
    {},
    undefined,
  ],
  ["getGroup", ["g1"], { groupId: "g1" }, { group }, group],
  ["getGroupByName", ["sre"], { name: "sre" }, { group }, group],
  [
    "getGroupByRemoteID",
    ["cn=sre", "ldap"],
    { remoteId: "cn=sre", groupSource: "ldap" },
    { group },
    group,
  ],
  [
    "getGroupMemberUsers",
    ["g1", { page: 1, perPage: 5 }],
    { groupId: "g1", paging: { page: 1, perPage: 5 } },
    { users: [user] },
    [user],
  ],
  ["getGroupsBySource", ["custom"], { groupSource: "custom" }, { groups: [group] }, [group]],
  ["getGroupsForUser", ["u1"], { userId: "u1" }, { groups: [group] }, [group]],
  [
    "getGroups",
    [{ page: 0, perPage: 10 }],
    { paging: { page: 0, perPage: 10 } },
    { groups: [group] },
    [group],
  ],
  ["createGroup", [{ name: "sre" }], { group: { name: "sre" } }, { group }, group],
  [
    "updateGroup",
    [{ id: "g1", displayName: "SRE" }],
    { group: { id: "g1", displayName: "SRE" } },
    { group },
    group,
  ],
  ["deleteGroup", ["g1"], { groupId: "g1" }, { group }, group],
  ["restoreGroup", ["g1"], { groupId: "g1" }, { group }, group],
  [
    "upsertGroupMember",
    ["g1", "u1"],
    { groupId: "g1", userId: "u1" },
    { groupMember },
    groupMember,
  ],
  [
    "upsertGroupMembers",
    ["g1", ["u1"]],
    { groupId: "g1", userIds: ["u1"] },
    { groupMembers: [groupMember] },
    [groupMember],
  ],
  [
    "deleteGroupMember",
    ["g1", "u1"],
    { groupId: "g1", userId: "u1" },
    { groupMember },
    groupMember,
  ],
  [
    "getGroupSyncable",
    ["g1", "t1", "Team"],
    { groupId: "g1", syncableId: "t1", syncableType: "Team" },
    { groupSyncable },
    groupSyncable,
  ],
  [
    "getGroupSyncables",
    ["g1", "Team"],
    { groupId: "g1", syncableType: "Team" },
    { groupSyncables: [groupSyncable] },
    [groupSyncable],
  ],
  [
    "upsertGroupSyncable",
    [{ groupId: "g1", syncableId: "t1", type: "Team" }],
    { groupSyncable: { groupId: "g1", syncableId: "t1", type: "Team" } },
    { groupSyncable },
    groupSyncable,
  ],
  [
    "updateGroupSyncable",
    [{ groupId: "g1", syncableId: "t1", autoAdd: false }],
    { groupSyncable: { groupId: "g1", syncableId: "t1", autoAdd: false } },
    { groupSyncable },
    groupSyncable,
  ],
  [
    "deleteGroupSyncable",
    ["g1", "t1", "Team"],
    { groupId: "g1", syncableId: "t1", syncableType: "Team" },
    { groupSyncable },
    groupSyncable,
  ],
  ["getEmoji", ["e1"], { emojiId: "e1" }, { emoji }, emoji],
  ["getEmojiByName", ["shipit"], { name: "shipit" }, { emoji }, emoji],
  [
    "getEmojiImage",
    ["e1"],
    { emojiId: "e1" },
    { image: new Uint8Array([1, 2]), imageType: "png" },
    { image: new Uint8Array([1, 2]), imageType: "png" },
  ],
  [
    "getEmojiList",
    ["name", { page: 1, perPage: 5 }],
    { sortBy: "name", paging: { page: 1, perPage: 5 } },
    { emojis: [emoji] },
    [emoji],
  ],
  [
    "createOAuthApp",
    [{ creatorId: "u1", name: "Ticketing", callbackUrls: ["https://t.example.com/cb"] }],
    { app: { creatorId: "u1", name: "Ticketing", callbackUrls: ["https://t.example.com/cb"] } },
    { app: oauthApp },
    oauthApp,
  ],
  ["getOAuthApp", ["a1"], { appId: "a1" }, { app: oauthApp }, oauthApp],
  [
    "updateOAuthApp",
    [{ id: "a1", name: "Ticketing 2" }],
    { app: { id: "a1", name: "Ticketing 2" } },
    { app: oauthApp },
    oauthApp,
  ],
  ["deleteOAuthApp", ["a1"], { appId: "a1" }, {}, undefined],
];
/** The client method of an RPC: lower camel case, with "KV" as "kv". */
function clientMethodName(rpc: string): string {
  return rpc.startsWith("KV") ? `kv${rpc.slice(2)}` : rpc[0]?.toLowerCase() + rpc.slice(1);
}

describe("PluginAPIClient", () => {
  it("has a method for every PluginAPI RPC, and this spec covers each", () => {
    const covered = new Set([
      ...unaryCases.map(([name]) => name),
      "uploadFile",
      "getFile",
      "readFile",
      "uploadData",
      "installPlugin",
      "pluginHTTP",
    ]);
    for (const method of PluginAPI.methods) {
      const name = clientMethodName(method.name);
      expect(typeof Reflect.get(PluginAPIClient.prototype, name), name).toBe("function");
      expect(covered.has(name), name).toBe(true);
    }
  });

  it.each(unaryCases)(
    "%s sends its arguments and returns the model",
    async (name, args, request, answer, result) => {
      const rpc = PluginAPI.methods.find((method) => clientMethodName(method.name) === name);
      const { api, calls } = fakeAPI({ [rpc?.localName ?? name]: answer });
      const call = Reflect.get(api, name) as (...a: unknown[]) => Promise<unknown>;
      // Answers are plain: the host's bigints arrive as numbers.
      await expect(call.apply(api, args)).resolves.toEqual(withNumbers(result));
      expect(calls).toHaveLength(1);
      expect(calls[0]?.request).toMatchObject(request);
      expect(calls[0]?.authorization).toBe("Bearer tok");
    },
  );

  it("publishWebSocketEvent refuses a payload JSON can't carry without calling the host", async () => {
    const { api, calls } = fakeAPI({});
    await expect(api.publishWebSocketEvent("e", { big: 1n })).rejects.toMatchObject({
      name: "ValidationError",
      params: { field: "payload.big" },
    });
    expect(calls).toHaveLength(0);
  });

  it("kvSetWithOptions sends no value to delete, and reports a write that did not happen", async () => {
    const { api, calls } = fakeAPI({ kVSetWithOptions: { written: false } });
    await expect(api.kvSetWithOptions("k", undefined, { atomic: true })).resolves.toBe(false);
    const request = calls[0]?.request as {
      value?: Uint8Array;
      options?: { oldValue?: Uint8Array };
    };
    expect(request.value).toBeUndefined();
    expect(request.options?.oldValue).toBeUndefined();
  });

  it("resolves kvGet to undefined for an absent key", async () => {
    const { api } = fakeAPI();
    await expect(api.kvGet("missing")).resolves.toBeUndefined();
  });

  it("reads and writes JSON values", async () => {
    let stored: Uint8Array | undefined;
    const { api } = fakeAPI({
      kVSet: (request: unknown) => {
        stored = (request as { value: Uint8Array }).value;
        return {};
      },
      kVGet: () => ({ value: stored }),
    });
    await api.kvSetJSON("state", { count: 2, tags: ["a"] });
    expect(new TextDecoder().decode(stored)).toBe('{"count":2,"tags":["a"]}');
    await expect(api.kvGetJSON("state")).resolves.toEqual({ count: 2, tags: ["a"] });
  });

  it("createTeamMembersGracefully turns each user's error into the error class it names", async () => {
    const detail = toErrorDetail(
      new NotFoundError({ id: "store.user.not_found", message: "No user u9." }),
    );
    const { api } = fakeAPI({
      createTeamMembersGracefully: { members: [{ userId: "u9", error: detail }] },
    });
    const [outcome] = await api.createTeamMembersGracefully("t1", ["u9"]);
    expect(outcome?.member).toBeUndefined();
    expect(outcome?.error).toBeInstanceOf(NotFoundError);
    expect(outcome?.error).toMatchObject({ id: "store.user.not_found", statusCode: 404 });
  });

  it("throws the error class the host sent", async () => {
    const { api } = fakeAPI({
      getUser: () => {
        throw toConnectError(
          new NotFoundError({ id: "app.user.missing", message: "no such user" }),
        );
      },
    });
    const error = await api.getUser("nobody").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ id: "app.user.missing", message: "no such user" });
  });

  it("throws InternalError when the host leaves out a result it must send", async () => {
    const { api } = fakeAPI({ getUser: {} });
    const error = await api.getUser("u1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({
      message: "GetUser answered without user",
      where: "PluginAPI.GetUser",
    });
  });

  it("sends no authorization header without a token", async () => {
    const calls: (string | null)[] = [];
    const transport = createRouterTransport((router) =>
      router.service(PluginAPI, {
        getServerVersion(_request, context) {
          calls.push(context.requestHeader.get("authorization"));
          return { version: "1" };
        },
      }),
    );
    await new PluginAPIClient(transport).getServerVersion();
    expect(calls).toEqual([null]);
  });
});

describe("uploadFile", () => {
  function uploadAPI() {
    const frames: { head?: object; size?: number }[] = [];
    const { api } = fakeAPI(
      {},
      {
        async uploadFile(requests, context) {
          expect(context.requestHeader.get("authorization")).toBe("Bearer tok");
          let size = 0;
          for await (const { frame } of requests) {
            if (frame.case === "head") {
              frames.push({ head: { channelId: frame.value.channelId, name: frame.value.name } });
            } else if (frame.case === "data") {
              frames.push({ size: frame.value.byteLength });
              size += frame.value.byteLength;
            }
          }
          return { fileInfo: { id: "f1", size: BigInt(size) } };
        },
      },
    );
    return { api, frames };
  }

  it("sends the head, then the bytes in chunks of at most 64 KiB", async () => {
    const { api, frames } = uploadAPI();
    const info = await api.uploadFile("c1", "big.bin", new Uint8Array(MAX_CHUNK_BYTES + 1));
    expect(info.size).toBe(MAX_CHUNK_BYTES + 1);
    expect(frames).toEqual([
      { head: { channelId: "c1", name: "big.bin" } },
      { size: MAX_CHUNK_BYTES },
      { size: 1 },
    ]);
  });

  it("accepts an async iterable of chunks of any size", async () => {
    const { api, frames } = uploadAPI();
    async function* source() {
      yield new Uint8Array(10);
      yield new Uint8Array(0);
      yield new Uint8Array(MAX_CHUNK_BYTES * 2);
    }
    const info = await api.uploadFile("c1", "stream.bin", source());
    expect(info.size).toBe(10 + MAX_CHUNK_BYTES * 2);
    expect(frames.slice(1)).toEqual([
      { size: 10 },
      { size: MAX_CHUNK_BYTES },
      { size: MAX_CHUNK_BYTES },
    ]);
  });
});

describe("uploadData", () => {
  it("sends the session's id and offset, then the part in chunks; undefined until the file is whole", async () => {
    const heads: unknown[] = [];
    const sizes: number[] = [];
    const { api } = fakeAPI(
      {},
      {
        async uploadData(requests) {
          let total = 0;
          for await (const { frame } of requests) {
            if (frame.case === "head") {
              const session = frame.value.uploadSession;
              heads.push({ id: session?.id, fileOffset: session?.fileOffset });
            } else if (frame.case === "data") {
              sizes.push(frame.value.byteLength);
              total += frame.value.byteLength;
            }
          }
          return total < 10 ? {} : { fileInfo: { id: "f1", size: BigInt(total) } };
        },
      },
    );
    await expect(api.uploadData(uploadSession, new Uint8Array(4))).resolves.toBeUndefined();
    const info = await api.uploadData(uploadSession, [new Uint8Array(MAX_CHUNK_BYTES + 1)]);
    expect(info?.size).toBe(MAX_CHUNK_BYTES + 1);
    expect(heads).toEqual([
      { id: "s1", fileOffset: 4n },
      { id: "s1", fileOffset: 4n },
    ]);
    expect(sizes).toEqual([4, MAX_CHUNK_BYTES, 1]);
  });
});

describe("readFile", () => {
  it("joins the streamed chunks of the path's content", async () => {
    const paths: string[] = [];
    const { api } = fakeAPI(
      {},
      {
        async *readFile(request) {
          paths.push(request.path);
          yield { data: new Uint8Array([1, 2]) };
          yield { data: new Uint8Array([3]) };
        },
      },
    );
    await expect(api.readFile("p1")).resolves.toEqual(new Uint8Array([1, 2, 3]));
    expect(paths).toEqual(["p1"]);
  });
});

describe("getFile", () => {
  function downloadAPI(sendInfo = true) {
    const { api } = fakeAPI(
      {},
      {
        async *getFile(request) {
          if (sendInfo) {
            yield { frame: { case: "fileInfo", value: { id: request.fileId, name: "a.txt" } } };
          }
          yield { frame: { case: "data", value: new Uint8Array([1, 2]) } };
          yield { frame: { case: "data", value: new Uint8Array([3]) } };
        },
      },
    );
    return api;
  }

  it("joins the streamed chunks into the file's content", async () => {
    await expect(downloadAPI().getFile("f1")).resolves.toEqual(new Uint8Array([1, 2, 3]));
  });

  it("streams: metadata first, then the chunks as they come", async () => {
    const { info, data } = await downloadAPI().getFileStream("f1");
    expect(info).toMatchObject({ id: "f1", name: "a.txt" });
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) {
      chunks.push(chunk);
    }
    expect(chunks).toEqual([new Uint8Array([1, 2]), new Uint8Array([3])]);
  });

  it("throws InternalError when the metadata does not come first", async () => {
    const error = await downloadAPI(false)
      .getFileStream("f1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ where: "PluginAPI.GetFile" });
  });
});

/** `value` with every bigint inside it as a number, as the client's plain answers hold them. */
function withNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(withNumbers);
  const isRecord =
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype;
  if (!isRecord || "asymmetricMatch" in value) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withNumbers(item)]));
}

describe("installPlugin", () => {
  it("sends the head, then the bundle in chunks of at most 64 KiB, and answers the manifest", async () => {
    const frames: { replace?: boolean; size?: number }[] = [];
    const { api } = fakeAPI(
      {},
      {
        async installPlugin(requests) {
          for await (const { frame } of requests) {
            if (frame.case === "head") frames.push({ replace: frame.value.replace });
            if (frame.case === "data") frames.push({ size: frame.value.byteLength });
          }
          return { manifest: { id: "p" } };
        },
      },
    );
    const bundle = new Uint8Array(MAX_CHUNK_BYTES + 10);
    await expect(api.installPlugin(bundle, { replace: true })).resolves.toEqual({ id: "p" });
    expect(frames).toEqual([{ replace: true }, { size: MAX_CHUNK_BYTES }, { size: 10 }]);
  });
});

describe("pluginHTTP", () => {
  it("sends the path, method, headers and body as one request, and answers a Response", async () => {
    const { api, calls } = fakeAPI({
      pluginHTTP: {
        head: { status: 201, headers: [{ name: "content-type", value: "text/plain" }] },
        body: new TextEncoder().encode("made"),
      },
    });
    const response = await api.pluginHTTP("/com.example.other/api/things?x=1", {
      method: "POST",
      headers: { "x-thing": "1" },
      body: "hello",
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("made");
    expect(calls[0]?.request).toMatchObject({
      head: {
        method: "POST",
        url: "/com.example.other/api/things?x=1",
        headers: expect.arrayContaining([expect.objectContaining({ name: "x-thing", value: "1" })]),
      },
      body: new TextEncoder().encode("hello"),
      depth: 0,
    });
  });

  it("answers a body-less Response for 204", async () => {
    const { api } = fakeAPI({ pluginHTTP: { head: { status: 204 } } });
    const response = await api.pluginHTTP("/com.example.other/nothing");
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
