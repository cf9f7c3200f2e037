// Roles and who holds them: reading the roles table, changing a role's permissions, and
// changing the roles of a user, a team member or a channel member, as Mattermost's app layer
// does (UpdateUserRoles, UpdateTeamMemberRoles, UpdateChannelMemberRoles, PatchRole). Every
// change is told to the permission model at once, then to the listeners.
import { NotFoundError, ValidationError } from "@plugwire/errors";
import type { ChannelMember, Role, TeamMember, User } from "@plugwire/protocol";
import type { MemberRoles, Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { isPermission, type Permissions, roleNames } from "./permissions.js";

/** Reads answer as the store does; writes take effect in every permission check at once. */
export interface RoleOperations
  extends Pick<Store, "getRoles" | "getRole" | "getRoleByName" | "getRolesByNames"> {
  /**
   * Replaces the role's permissions (duplicates dropped); ValidationError naming
   * `permissions` for an id the host does not know.
   */
  patchRole(actor: Actor, roleId: string, permissions: readonly string[]): Promise<Role>;
  /** Replaces user.roles; every name must be a role (ValidationError naming it otherwise). */
  updateUserRoles(actor: Actor, userId: string, newRoles: string): Promise<User>;
  /**
   * Replaces a team member's roles: team_guest, team_user and team_admin set the scheme flags,
   * roles no scheme manages become explicit roles, any other role is refused.
   */
  updateTeamMemberRoles(
    actor: Actor,
    teamId: string,
    userId: string,
    newRoles: string,
  ): Promise<TeamMember>;
  /** As updateTeamMemberRoles, with channel_guest, channel_user and channel_admin. */
  updateChannelMemberRoles(
    actor: Actor,
    channelId: string,
    userId: string,
    newRoles: string,
  ): Promise<ChannelMember>;
}

type RoleWrites =
  | "patchRole"
  | "updateUserRoles"
  | "updateTeamMemberRoles"
  | "updateChannelMemberRoles";

/** The scheme roles of one scope: the ones a member's flags hold. */
interface SchemeRoles {
  scope: "team" | "channel";
  user: string;
  admin: string;
  guest: string;
}

const TEAM_SCHEME: SchemeRoles = {
  scope: "team",
  user: "team_user",
  admin: "team_admin",
  guest: "team_guest",
};
const CHANNEL_SCHEME: SchemeRoles = {
  scope: "channel",
  user: "channel_user",
  admin: "channel_admin",
  guest: "channel_guest",
};

export class Roles implements Pick<RoleOperations, RoleWrites> {
  constructor(
    private readonly core: AppCore,
    private readonly permissions: Permissions,
  ) {}

  async patchRole(actor: Actor, roleId: string, permissions: readonly string[]): Promise<Role> {
    const unknown = permissions.find((permission) => !isPermission(permission));
    if (unknown !== undefined) {
      throw new ValidationError({
        id: "model.role.is_valid.app_error",
        message: `"${unknown}" is not a permission; use Mattermost's permission ids, e.g. "create_post".`,
        params: { field: "permissions", permission: unknown },
      });
    }
    const role = await this.core.store.setRolePermissions(roleId, [...new Set(permissions)]);
    this.permissions.roleChanged(role);
    this.core.broadcast({ type: "roles_changed" });
    this.core.emit("roleUpdated", role, actor);
    return role;
  }

  async updateUserRoles(actor: Actor, userId: string, newRoles: string): Promise<User> {
    const { store } = this.core;
    await store.getUser(userId);
    const names = roleNames(newRoles);
    await this.requireRoles(names, "new_roles");
    const user = await store.setUserRoles(userId, names.join(" "));
    this.core.emit("userRolesUpdated", user, actor);
    return user;
  }

  async updateTeamMemberRoles(
    actor: Actor,
    teamId: string,
    userId: string,
    newRoles: string,
  ): Promise<TeamMember> {
    const { store } = this.core;
    await store.getTeam(teamId);
    await store.getUser(userId);
    const old = await store.getTeamMember(teamId, userId);
    if (old === undefined) throw notAMember("team", teamId, userId);
    const roles = await this.memberRoles(newRoles, TEAM_SCHEME, old.schemeGuest);
    const member = await store.setTeamMemberRoles(teamId, userId, roles);
    this.core.emit("teamMemberRolesUpdated", member, actor);
    return member;
  }

  async updateChannelMemberRoles(
    actor: Actor,
    channelId: string,
    userId: string,
    newRoles: string,
  ): Promise<ChannelMember> {
    const { store } = this.core;
    await store.getChannel(channelId);
    await store.getUser(userId);
    const old = await store.getChannelMember(channelId, userId);
    if (old === undefined) throw notAMember("channel", channelId, userId);
    const roles = await this.memberRoles(newRoles, CHANNEL_SCHEME, old.schemeGuest);
    const member = await store.setChannelMemberRoles(channelId, userId, roles);
    this.core.emit("channelMemberRolesUpdated", member, actor);
    return member;
  }

  /**
   * A membership's new roles from the names asked for, as Mattermost sorts them: a member can't
   * be made a guest or stop being one here (that follows the account), nor be both.
   */
  private async memberRoles(
    newRoles: string,
    scheme: SchemeRoles,
    wasGuest: boolean,
  ): Promise<MemberRoles> {
    const names = roleNames(newRoles);
    const roles = await this.requireRoles(names, "new_roles");
    const explicit: string[] = [];
    const result: MemberRoles = {
      explicitRoles: "",
      schemeUser: false,
      schemeAdmin: false,
      schemeGuest: false,
    };
    for (const name of names) {
      const role = roles.get(name) as Role;
      if (!role.schemeManaged) explicit.push(name);
      else if (name === scheme.user) result.schemeUser = true;
      else if (name === scheme.admin) result.schemeAdmin = true;
      else if (name === scheme.guest) result.schemeGuest = true;
      else {
        throw invalidRoles(
          `api.${scheme.scope}.update_${scheme.scope}_member_roles.scheme_role.app_error`,
          `${name} is not a ${scheme.scope} role; a ${scheme.scope} member can hold ${scheme.user}, ${scheme.admin} and roles no scheme manages.`,
          name,
        );
      }
    }
    const prefix = `api.${scheme.scope}.update_${scheme.scope}_member_roles`;
    if (result.schemeGuest && result.schemeUser) {
      throw invalidRoles(
        `${prefix}.guest_and_user.app_error`,
        `a member is either a guest (${scheme.guest}) or a user (${scheme.user}), not both.`,
        scheme.guest,
      );
    }
    if (result.schemeGuest !== wasGuest) {
      throw invalidRoles(
        `${prefix}.changing_guest_role.app_error`,
        wasGuest
          ? `this member is a guest and keeps ${scheme.guest}; promote the account to make them a user.`
          : `${scheme.guest} would make this member a guest; guests follow from the account, not from member roles.`,
        scheme.guest,
      );
    }
    result.explicitRoles = explicit.join(" ");
    return result;
  }

  /** The roles of the names, by name; ValidationError naming the first name that is no role. */
  private async requireRoles(names: string[], field: string): Promise<Map<string, Role>> {
    const found = new Map(
      (await this.core.store.getRolesByNames(names)).map((role) => [role.name, role]),
    );
    const missing = names.find((name) => !found.has(name));
    if (missing !== undefined) {
      throw new ValidationError({
        id: "api.role.check_roles_exist.role_not_found",
        message: `"${missing}" is not a role; see GET /api/v4/roles for the roles there are.`,
        params: { field, role: missing },
      });
    }
    return found;
  }
}

function notAMember(scope: "team" | "channel", id: string, userId: string): NotFoundError {
  return new NotFoundError({
    id: `app.${scope}.get_member.missing.app_error`,
    message: `User ${userId} is not a member of ${scope} ${id}.`,
    params: { [`${scope}_id`]: id, user_id: userId },
  });
}

function invalidRoles(id: string, message: string, role: string): ValidationError {
  return new ValidationError({ id, message, params: { field: "new_roles", role } });
}
