// The PluginAPI's calls about users, teams and channels beyond the basics of
// plugin-api-service.ts: memberships, unread counts, statistics, searches, pictures, direct
// and group channels, patches and sidebar categories, with Mattermost's semantics
// (server/public/plugin/api.go). Spread into createPluginApiService; the plugin is the actor,
// or the user a call names as acting (AddUserToChannel's as_user_id, CreateTeamMembers'
// requestor_id), as Mattermost's hooks then name them.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { NotFoundError, toErrorDetail, ValidationError } from "@plugwire/errors";
import {
  type PluginAPI,
  SidebarCategorySchema,
  TeamMemberWithErrorSchema,
} from "@plugwire/protocol";
import type { Actor, App, PageQuery } from "../app/app.js";
import { pageOf, required, requiredMessage } from "./request-validation.js";

type PeopleMethods =
  | "getUsersByUsernames"
  | "searchUsers"
  | "getUsersInChannel"
  | "getUsersInTeam"
  | "getProfileImage"
  | "setProfileImage"
  | "deleteUser"
  | "updateUserActive"
  | "updateUserAuth"
  | "getTeamMember"
  | "getTeamMembersForUser"
  | "getTeamsForUser"
  | "getTeamsUnreadForUser"
  | "getTeamStats"
  | "searchTeams"
  | "updateTeam"
  | "deleteTeam"
  | "createTeamMembers"
  | "createTeamMembersGracefully"
  | "getTeamIcon"
  | "setTeamIcon"
  | "removeTeamIcon"
  | "restoreChannel"
  | "getChannelOfType"
  | "getChannelMember"
  | "getChannelMembersForUser"
  | "getChannelMembersByIds"
  | "getChannelsForTeamForUser"
  | "getPublicChannelsForTeam"
  | "getChannelByNameForTeamName"
  | "getGroupChannel"
  | "addUserToChannel"
  | "searchChannels"
  | "getChannelStats"
  | "patchChannel"
  | "updateChannelMemberNotifications"
  | "patchChannelMembersNotifications"
  | "getChannelSidebarCategories"
  | "createChannelSidebarCategory"
  | "updateChannelSidebarCategories";

/** Default and largest limit of SearchUsers, as Mattermost's UserSearch. */
const SEARCH_DEFAULT_LIMIT = 100;
const SEARCH_MAX_LIMIT = 1000;

export function pluginApiPeople(
  app: App,
  pluginId: string,
): Pick<ServiceImpl<typeof PluginAPI>, PeopleMethods> {
  const actor: Actor = { pluginId };
  /** The plugin acting for a user, when the call names one. */
  const actingAs = (userId: string): Actor => (userId ? { pluginId, userId } : actor);

  return {
    getUsersByUsernames: async (request) => ({
      users: await app.getUsersByUsernames(request.usernames.map((name) => name.toLowerCase())),
    }),
    searchUsers: async (request) => {
      if (request.limit < 0 || request.limit > SEARCH_MAX_LIMIT) {
        throw invalid("limit", `limit is ${request.limit}; use 0 (100) up to ${SEARCH_MAX_LIMIT}.`);
      }
      const users = await app.searchUsers(request.term, {
        page: 0,
        perPage: request.limit || SEARCH_DEFAULT_LIMIT,
        inTeamId: request.teamId || undefined,
        notInTeamId: request.notInTeamId || undefined,
        inChannelId: request.inChannelId || undefined,
        notInChannelId: request.notInChannelId || undefined,
        active: request.allowInactive ? undefined : true,
      });
      return { users };
    },
    getUsersInChannel: async (request) => {
      const channelId = required(request.channelId, "channel_id");
      if (!["", "username", "status"].includes(request.sortBy)) {
        throw invalid("sort_by", `sort_by "${request.sortBy}" is not "username" or "status".`);
      }
      await app.getChannel(channelId);
      return { users: await app.getUsers({ ...pageOf(request.paging), inChannelId: channelId }) };
    },
    getUsersInTeam: async (request) => {
      const teamId = required(request.teamId, "team_id");
      await app.getTeam(teamId);
      return { users: await app.getUsers({ ...pageOf(request.paging), inTeamId: teamId }) };
    },
    getProfileImage: async (request) => ({
      image: (await app.getProfileImage(required(request.userId, "user_id"))).image,
    }),
    setProfileImage: async (request) => {
      await app.setProfileImage(actor, required(request.userId, "user_id"), request.data);
      return {};
    },
    deleteUser: async (request) => {
      await app.setUserActive(actor, required(request.userId, "user_id"), false);
      return {};
    },
    updateUserActive: async (request) => {
      await app.setUserActive(actor, required(request.userId, "user_id"), request.active);
      return {};
    },
    updateUserAuth: async (request) => {
      const userAuth = requiredMessage(request.userAuth, "user_auth");
      return {
        userAuth: await app.updateUserAuth(actor, required(request.userId, "user_id"), {
          authService: userAuth.authService,
          authData: userAuth.authData,
        }),
      };
    },

    getTeamMember: async (request) => {
      const teamId = required(request.teamId, "team_id");
      const userId = required(request.userId, "user_id");
      const member = await app.getTeamMember(teamId, userId);
      if (member === undefined) throw notAMember("team", teamId, userId);
      return { member };
    },
    getTeamMembersForUser: async (request) => ({
      members: pageOfList(
        await app.getTeamMembersForUser(required(request.userId, "user_id")),
        pageOf(request.paging),
      ),
    }),
    getTeamsForUser: async (request) => ({
      teams: await app.getTeamsForUser(required(request.userId, "user_id")),
    }),
    getTeamsUnreadForUser: async (request) => ({
      teamUnreads: await app.getTeamsUnreadForUser(required(request.userId, "user_id")),
    }),
    getTeamStats: async (request) => ({
      stats: await app.getTeamStats(required(request.teamId, "team_id")),
    }),
    searchTeams: async (request) => ({ teams: await app.searchTeams(request.term) }),
    updateTeam: async (request) => {
      const team = requiredMessage(request.team, "team");
      required(team.id, "team.id");
      return { team: await app.updateTeam(actor, team) };
    },
    deleteTeam: async (request) => {
      await app.deleteTeam(actor, required(request.teamId, "team_id"));
      return {};
    },
    createTeamMembers: async (request) => {
      const teamId = required(request.teamId, "team_id");
      await app.getTeam(teamId);
      const members = [];
      for (const userId of request.userIds) {
        members.push(await app.addTeamMember(actingAs(request.requestorId), teamId, userId));
      }
      return { members };
    },
    createTeamMembersGracefully: async (request) => {
      const outcomes = await app.addTeamMembersGracefully(
        actingAs(request.requestorId),
        required(request.teamId, "team_id"),
        request.userIds,
      );
      return {
        members: outcomes.map(({ userId, member, error }) =>
          create(TeamMemberWithErrorSchema, {
            userId,
            member,
            error: error === undefined ? undefined : toErrorDetail(error),
          }),
        ),
      };
    },
    getTeamIcon: async (request) => {
      const teamId = required(request.teamId, "team_id");
      const image = await app.getTeamIcon(teamId);
      if (image === undefined) {
        throw new NotFoundError({
          id: "api.team.get_team_icon.read_file.app_error",
          message: `Team ${teamId} has no icon.`,
          params: { team_id: teamId },
        });
      }
      return { image };
    },
    setTeamIcon: async (request) => {
      await app.setTeamIcon(actor, required(request.teamId, "team_id"), request.data);
      return {};
    },
    removeTeamIcon: async (request) => {
      await app.removeTeamIcon(actor, required(request.teamId, "team_id"));
      return {};
    },
    restoreChannel: async (request) => {
      await app.restoreChannel(actor, required(request.channelId, "channel_id"));
      return {};
    },
    getChannelOfType: async (request) => ({
      channel: await app.getChannelOfType(
        required(request.channelId, "channel_id"),
        required(request.channelType, "channel_type"),
      ),
    }),

    getChannelMember: async (request) => {
      const channelId = required(request.channelId, "channel_id");
      const userId = required(request.userId, "user_id");
      const member = await app.getChannelMember(channelId, userId);
      if (member === undefined) throw notAMember("channel", channelId, userId);
      return { member };
    },
    getChannelMembersForUser: async (request) => ({
      members: pageOfList(
        await app.getChannelMembersForUser(
          required(request.teamId, "team_id"),
          required(request.userId, "user_id"),
        ),
        pageOf(request.paging),
      ),
    }),
    getChannelMembersByIds: async (request) => ({
      members: await app.getChannelMembersByIds(
        required(request.channelId, "channel_id"),
        request.userIds,
      ),
    }),
    getChannelsForTeamForUser: async (request) => ({
      channels: await app.getChannelsForTeamForUser(
        required(request.teamId, "team_id"),
        required(request.userId, "user_id"),
        request.includeDeleted,
      ),
    }),
    getPublicChannelsForTeam: async (request) => ({
      channels: await app.getPublicChannelsForTeam(
        required(request.teamId, "team_id"),
        pageOf(request.paging),
      ),
    }),
    getChannelByNameForTeamName: async (request) => {
      const team = await app.getTeamByName(required(request.teamName, "team_name"));
      const channel = await app.getChannelByName(
        team.id,
        required(request.channelName, "channel_name"),
        request.includeDeleted,
      );
      return { channel };
    },
    getGroupChannel: async (request) => ({
      channel: await app.createGroupChannel(actor, request.userIds),
    }),
    addUserToChannel: async (request) => ({
      member: await app.addChannelMember(
        actingAs(request.asUserId),
        required(request.channelId, "channel_id"),
        required(request.userId, "user_id"),
      ),
    }),
    searchChannels: async (request) => ({
      channels: await app.searchChannels(required(request.teamId, "team_id"), request.term),
    }),
    getChannelStats: async (request) => ({
      stats: await app.getChannelStats(required(request.channelId, "channel_id")),
    }),
    patchChannel: async (request) => {
      const patch = requiredMessage(request.patch, "patch");
      if (patch.name !== undefined && patch.name === "")
        throw invalid("patch.name", "patch.name can't be empty.");
      return {
        channel: await app.patchChannel(actor, required(request.channelId, "channel_id"), patch),
      };
    },
    updateChannelMemberNotifications: async (request) => ({
      member: await app.updateChannelMemberNotifyProps(
        actor,
        required(request.channelId, "channel_id"),
        required(request.userId, "user_id"),
        request.notifications,
      ),
    }),
    patchChannelMembersNotifications: async (request) => {
      const members = request.members.map((member) => ({
        channelId: required(member.channelId, "members.channel_id"),
        userId: required(member.userId, "members.user_id"),
      }));
      await app.patchChannelMembersNotifyProps(actor, members, request.notifyProps);
      return {};
    },
    getChannelSidebarCategories: async (request) =>
      app.getChannelSidebarCategories(
        required(request.userId, "user_id"),
        required(request.teamId, "team_id"),
      ),
    createChannelSidebarCategory: async (request) => ({
      category: await app.createSidebarCategory(
        actor,
        required(request.userId, "user_id"),
        required(request.teamId, "team_id"),
        request.category ?? create(SidebarCategorySchema),
      ),
    }),
    updateChannelSidebarCategories: async (request) => ({
      categories: await app.updateSidebarCategories(
        actor,
        required(request.userId, "user_id"),
        required(request.teamId, "team_id"),
        request.categories,
      ),
    }),
  };
}

/** One page of a list the store answers whole. */
function pageOfList<T>(items: T[], page: PageQuery): T[] {
  return items.slice(page.page * page.perPage, (page.page + 1) * page.perPage);
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.request.invalid", message, params: { field } });
}

function notAMember(kind: "team" | "channel", id: string, userId: string): NotFoundError {
  return new NotFoundError({
    id: `app.${kind}.get_member.missing.app_error`,
    message: `User ${userId} is not a member of ${kind} ${id}.`,
    params: { [`${kind}_id`]: id, user_id: userId },
  });
}
