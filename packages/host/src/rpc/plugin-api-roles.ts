// The PluginAPI's permission and role calls. HasPermissionTo* answer as Mattermost's do: a
// user, team or channel that doesn't exist, or a permission no role can hold, is a "no", not
// an error. The Update*Roles calls change roles as the app layer does for REST (the plugin is
// trusted, so no permission of its own is checked), with NotFoundError for unknown ids and
// ValidationError naming a role that does not exist.
import type { ServiceImpl } from "@connectrpc/connect";
import { NotFoundError } from "@plugwire/errors";
import type { PluginAPI } from "@plugwire/protocol";
import { type Actor, type App, isPermission } from "../app/app.js";
import { required } from "./request-validation.js";

type RoleCalls =
  | "hasPermissionTo"
  | "hasPermissionToTeam"
  | "hasPermissionToChannel"
  | "rolesGrantPermission"
  | "updateUserRoles"
  | "updateTeamMemberRoles"
  | "updateChannelMemberRoles";

export function pluginApiRoles(
  app: App,
  actor: Actor,
): Pick<ServiceImpl<typeof PluginAPI>, RoleCalls> {
  return {
    hasPermissionTo: async (request) => {
      const userId = required(request.userId, "user_id");
      const permission = required(request.permissionId, "permission_id");
      return answer(async () => {
        const user = await app.getUser(userId);
        return isPermission(permission) && app.hasPermissionTo(user, permission);
      });
    },
    hasPermissionToTeam: async (request) => {
      const userId = required(request.userId, "user_id");
      const teamId = required(request.teamId, "team_id");
      const permission = required(request.permissionId, "permission_id");
      return answer(
        async () =>
          isPermission(permission) && (await app.hasPermissionToTeam(userId, teamId, permission)),
      );
    },
    hasPermissionToChannel: async (request) => {
      const userId = required(request.userId, "user_id");
      const channelId = required(request.channelId, "channel_id");
      const permission = required(request.permissionId, "permission_id");
      return answer(
        async () =>
          isPermission(permission) &&
          (await app.hasPermissionToChannel(userId, channelId, permission)),
      );
    },
    rolesGrantPermission: async (request) => ({
      hasPermission: await app.rolesGrantPermission(
        request.roleNames,
        required(request.permissionId, "permission_id"),
      ),
    }),
    updateUserRoles: async (request) => ({
      user: await app.updateUserRoles(actor, required(request.userId, "user_id"), request.newRoles),
    }),
    updateTeamMemberRoles: async (request) => ({
      member: await app.updateTeamMemberRoles(
        actor,
        required(request.teamId, "team_id"),
        required(request.userId, "user_id"),
        request.newRoles,
      ),
    }),
    updateChannelMemberRoles: async (request) => ({
      member: await app.updateChannelMemberRoles(
        actor,
        required(request.channelId, "channel_id"),
        required(request.userId, "user_id"),
        request.newRoles,
      ),
    }),
  };
}

/** The check's answer; an unknown user, team or channel answers false. */
async function answer(check: () => Promise<boolean>): Promise<{ hasPermission: boolean }> {
  try {
    return { hasPermission: await check() };
  } catch (error) {
    if (error instanceof NotFoundError) return { hasPermission: false };
    throw error;
  }
}
