// /api/v4/users beyond accounts and login: listing and searching people, autocomplete, a
// user's teams and channels with their memberships and unread counts, profile patches,
// passwords and pictures, with Mattermost's parameters, permissions and answers.
import { create } from "@bufbuild/protobuf";
import {
  ChannelMemberSchema,
  ChannelSchema,
  TeamMemberSchema,
  TeamSchema,
  TeamUnreadSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import type { UserQuery } from "../../app/app.js";
import { booleanField, fieldsOf, stringField } from "./body-fields.js";
import { uploadedImage } from "./image-upload.js";
import { modelFromJson, modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import {
  hasChannelPermission,
  requireSelfOrAdmin,
  requireSystemPermission,
  requireTeamMember,
} from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";
import { EMAIL, USERNAME } from "./user-routes.js";

/** Most users autocomplete answers, and its default. */
const AUTOCOMPLETE_LIMIT = 100;
/** Default and largest limit of POST /users/search. */
const SEARCH_DEFAULT_LIMIT = 100;
const SEARCH_MAX_LIMIT = 1000;

/** What PUT /users/{id}/patch may change. */
const PATCHABLE = [
  "username",
  "email",
  "nickname",
  "first_name",
  "last_name",
  "position",
  "locale",
  "props",
  "notify_props",
  "timezone",
];

export function userDirectoryRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/users", listUsers)
    .add("POST", "/api/v4/users/usernames", getUsersByUsernames)
    .add("GET", "/api/v4/users/autocomplete", autocompleteUsers)
    .add("POST", "/api/v4/users/search", searchUsers)
    .add("PUT", "/api/v4/users/{user_id}/patch", patchUser)
    .add("PUT", "/api/v4/users/{user_id}/password", updatePassword)
    .add("GET", "/api/v4/users/{user_id}/image", getProfileImage)
    .add("GET", "/api/v4/users/{user_id}/image/default", getDefaultProfileImage)
    .add("POST", "/api/v4/users/{user_id}/image", setProfileImage)
    .add("GET", "/api/v4/users/{user_id}/teams", async (call) => {
      const teams = await call.app.getTeamsForUser(ownUserIdParam(call));
      call.send(
        200,
        teams.map((team) => modelToJson(TeamSchema, team)),
      );
    })
    .add("GET", "/api/v4/users/{user_id}/teams/members", async (call) => {
      const members = await call.app.getTeamMembersForUser(ownUserIdParam(call));
      call.send(
        200,
        members.map((member) => modelToJson(TeamMemberSchema, member)),
      );
    })
    .add("GET", "/api/v4/users/{user_id}/teams/unread", async (call) => {
      const exclude = call.url.searchParams.get("exclude_team") ?? "";
      const unreads = await call.app.getTeamsUnreadForUser(ownUserIdParam(call), exclude);
      call.send(
        200,
        unreads.map((unread) => modelToJson(TeamUnreadSchema, unread)),
      );
    })
    .add("GET", "/api/v4/users/{user_id}/teams/{team_id}/channels", async (call) => {
      const { userId, teamId } = await ownTeamParams(call);
      const includeDeleted = call.url.searchParams.get("include_deleted") === "true";
      const channels = await call.app.getChannelsForTeamForUser(teamId, userId, includeDeleted);
      call.send(
        200,
        channels.map((channel) => modelToJson(ChannelSchema, channel)),
      );
    })
    .add("GET", "/api/v4/users/{user_id}/teams/{team_id}/channels/members", async (call) => {
      const { userId, teamId } = await ownTeamParams(call);
      const members = await call.app.getChannelMembersForUser(teamId, userId);
      call.send(
        200,
        members.map((member) => modelToJson(ChannelMemberSchema, member)),
      );
    });
}

/** GET /users: a page of users, filtered by team and channel (membership or not), sorted. */
async function listUsers(call: RestCall): Promise<void> {
  const query = call.url.searchParams;
  const filter: UserQuery = {
    ...pageOfQuery(query),
    inTeamId: query.get("in_team") || undefined,
    notInTeamId: query.get("not_in_team") || undefined,
    inChannelId: query.get("in_channel") || undefined,
    notInChannelId: query.get("not_in_channel") || undefined,
    inGroupId: query.get("in_group") || undefined,
    active: activeOfQuery(query),
  };
  const sort = query.get("sort") ?? "";
  if (sort === "create_at" || sort === "last_activity_at") filter.sort = sort;
  else if (sort !== "" && sort !== "status" && sort !== "admin") {
    throw invalidUrlParam("sort", `"${sort}" is not a sort; use create_at or last_activity_at.`);
  }
  await requireReadableScopes(call, filter);
  if (filter.inGroupId) await requireReadableGroup(call, filter.inGroupId);
  const users = await call.app.getUsers(filter);
  call.send(
    200,
    users.map((user) => modelToJson(UserSchema, user)),
  );
}

async function getUsersByUsernames(call: RestCall): Promise<void> {
  call.user();
  const body = await call.json();
  if (!Array.isArray(body) || body.some((name) => typeof name !== "string")) {
    throw invalidBodyParam("usernames", "expected a JSON array of usernames.");
  }
  const users = await call.app.getUsersByUsernames(body.map((name: string) => name.toLowerCase()));
  call.send(
    200,
    users.map((user) => modelToJson(UserSchema, user)),
  );
}

/**
 * GET /users/autocomplete: with in_channel, {users} of the channel and {out_of_channel} of
 * its team; with in_team only, {users} of the team; else {users} of everyone.
 */
async function autocompleteUsers(call: RestCall): Promise<void> {
  const query = call.url.searchParams;
  const name = query.get("name") ?? "";
  const limitText = query.get("limit");
  const limit = limitText ? Number(limitText) : AUTOCOMPLETE_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw invalidUrlParam("limit", `"${limitText}" is not a whole number from 0 up.`);
  }
  const page = { page: 0, perPage: Math.min(limit || AUTOCOMPLETE_LIMIT, AUTOCOMPLETE_LIMIT) };
  const teamId = query.get("in_team") ?? "";
  const channelId = query.get("in_channel") ?? "";
  await requireReadableScopes(call, { inTeamId: teamId, inChannelId: channelId });
  const search = (filter: Omit<UserQuery, "page" | "perPage">) =>
    call.app
      .searchUsers(name, { ...page, active: true, ...filter })
      .then((users) => users.map((user) => modelToJson(UserSchema, user)));
  if (channelId !== "") {
    const channel = await call.app.getChannel(channelId);
    const outsideTeam = teamId || channel.teamId;
    call.send(200, {
      users: await search({ inChannelId: channelId }),
      out_of_channel: outsideTeam
        ? await search({ inTeamId: outsideTeam, notInChannelId: channelId })
        : [],
    });
    return;
  }
  call.send(200, { users: await search({ inTeamId: teamId || undefined }) });
}

/** POST /users/search: Mattermost's UserSearch body. */
async function searchUsers(call: RestCall): Promise<void> {
  const fields = fieldsOf(
    await call.json(),
    [
      "term",
      "team_id",
      "not_in_team_id",
      "in_channel_id",
      "not_in_channel_id",
      "allow_inactive",
      "limit",
    ],
    call.ignoreField,
  );
  const term = stringField(fields, "term");
  const limit = fields.limit ?? SEARCH_DEFAULT_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw invalidBodyParam("limit", "expected a whole number from 0 up.");
  }
  if (limit > SEARCH_MAX_LIMIT) {
    throw invalidBodyParam("limit", `it can be at most ${SEARCH_MAX_LIMIT}.`);
  }
  const filter: UserQuery = {
    page: 0,
    perPage: limit || SEARCH_DEFAULT_LIMIT,
    inTeamId: stringField(fields, "team_id") || undefined,
    notInTeamId: stringField(fields, "not_in_team_id") || undefined,
    inChannelId: stringField(fields, "in_channel_id") || undefined,
    notInChannelId: stringField(fields, "not_in_channel_id") || undefined,
    active: booleanField(fields, "allow_inactive") ? undefined : true,
  };
  await requireReadableScopes(call, filter);
  const users = await call.app.searchUsers(term, filter);
  call.send(
    200,
    users.map((user) => modelToJson(UserSchema, user)),
  );
}

async function patchUser(call: RestCall): Promise<void> {
  const userId = userIdParam(call);
  requireSelfOrAdmin(call, userId);
  const old = await call.app.getUser(userId);
  const { value: patch, given } = modelFromJson(
    UserSchema,
    await call.json(),
    PATCHABLE,
    call.ignoreField,
  );
  const pick = <K extends keyof User>(field: string, key: K): User[K] =>
    given.has(field) ? patch[key] : old[key];
  const username = pick("username", "username").toLowerCase();
  if (!USERNAME.test(username)) {
    throw invalidBodyParam(
      "username",
      "use 3 to 22 of a-z, 0-9, '.', '_' and '-', starting with a letter.",
    );
  }
  const email = pick("email", "email");
  if (given.has("email") && !EMAIL.test(email)) {
    throw invalidBodyParam("email", "a valid e-mail address is required.");
  }
  const updated = await call.app.updateUser(
    call.actor(),
    create(UserSchema, {
      ...old,
      username,
      email,
      nickname: pick("nickname", "nickname"),
      firstName: pick("first_name", "firstName"),
      lastName: pick("last_name", "lastName"),
      position: pick("position", "position"),
      locale: pick("locale", "locale"),
      props: pick("props", "props"),
      notifyProps: pick("notify_props", "notifyProps"),
      timezone: pick("timezone", "timezone"),
    }),
  );
  call.send(200, modelToJson(UserSchema, updated));
}

/**
 * PUT /users/{id}/password: the user with their current password, or a system admin for
 * someone else without it.
 */
async function updatePassword(call: RestCall): Promise<void> {
  const user = call.user();
  const userId = userIdParam(call);
  const fields = fieldsOf(
    await call.json(),
    ["current_password", "new_password"],
    call.ignoreField,
  );
  const newPassword = stringField(fields, "new_password", true);
  if (userId === user.id) {
    const current = stringField(fields, "current_password", true);
    await call.app.changePassword(call.actor(), userId, current, newPassword);
  } else {
    requireSystemPermission(
      call,
      "manage_system",
      "only system admins may change other people's passwords",
    );
    await call.app.getUser(userId);
    await call.app.changePassword(call.actor(), userId, undefined, newPassword);
  }
  call.ok();
}

async function getProfileImage(call: RestCall): Promise<void> {
  call.user();
  const { image, isDefault } = await call.app.getProfileImage(userIdParam(call));
  sendImage(call, image, isDefault);
}

/** POST /users/{id}/image: a new profile picture (PNG or JPEG) for oneself, or as an admin. */
async function setProfileImage(call: RestCall): Promise<void> {
  const userId = userIdParam(call);
  requireSelfOrAdmin(call, userId);
  const image = await uploadedImage(call, {
    tooLarge: "api.user.upload_profile_user.too_large.app_error",
    noFile: "api.user.upload_profile_user.no_file.app_error",
  });
  await call.app.setProfileImage(call.actor(), userId, image);
  call.ok();
}

async function getDefaultProfileImage(call: RestCall): Promise<void> {
  call.user();
  sendImage(call, await call.app.getDefaultProfileImage(userIdParam(call)), true);
}

function sendImage(call: RestCall, image: Uint8Array, isDefault: boolean): void {
  const png = image[0] === 0x89;
  call.res.writeHead(200, {
    "content-type": png ? "image/png" : "image/jpeg",
    "content-length": image.byteLength,
    // As Mattermost: clients add ?_=<last_picture_update> to see a new picture at once.
    "cache-control": isDefault ? "max-age=300, private" : "max-age=86400, private",
  });
  call.res.end(image);
}

/**
 * Filters of a user list may name a team or a channel: seeing who is (or is not) in it takes
 * being able to see it, as in Mattermost.
 */
async function requireReadableScopes(
  call: RestCall,
  filter: Omit<UserQuery, "page" | "perPage">,
): Promise<void> {
  call.user();
  for (const teamId of [filter.inTeamId, filter.notInTeamId]) {
    if (teamId) await requireTeamMember(call, teamId);
  }
  for (const channelId of [filter.inChannelId, filter.notInChannelId]) {
    if (!channelId) continue;
    const channel = await call.app.getChannel(channelId);
    const readable =
      (await hasChannelPermission(call, channelId, "read_channel")) ||
      (channel.type === "O" &&
        (await call.app.hasPermissionToTeam(call.user(), channel.teamId, "read_public_channel")));
    if (!readable) {
      throw permissionDenied(`you can't see the members of channel ${channelId}`, "read_channel");
    }
  }
}

function activeOfQuery(query: URLSearchParams): boolean | undefined {
  if (query.get("inactive") === "true") return false;
  if (query.get("active") === "true") return true;
  return undefined;
}

/** {user_id}, where "me" stands for the logged-in user, as in v4. */
function userIdParam(call: RestCall): string {
  const userId = call.param("user_id");
  return userId === "me" ? call.user().id : userId;
}

/**
 * {user_id} of a route about a user's own memberships: that user or a system admin only, as
 * Mattermost's SessionHasPermissionToUser decides; an unknown user is a 404.
 */
function ownUserIdParam(call: RestCall): string {
  const userId = userIdParam(call);
  requireSelfOrAdmin(call, userId);
  return userId;
}

async function ownTeamParams(call: RestCall): Promise<{ userId: string; teamId: string }> {
  const userId = ownUserIdParam(call);
  const teamId = call.param("team_id");
  await call.app.getTeam(teamId);
  await requireTeamMember(call, teamId);
  return { userId, teamId };
}

/** ?in_group: a group that can be mentioned, or any group for a system admin. */
async function requireReadableGroup(call: RestCall, groupId: string): Promise<void> {
  const group = await call.app.getGroup(groupId);
  if (!group.allowReference) {
    requireSystemPermission(call, "manage_system", `group ${groupId} can't be mentioned`);
  }
}
