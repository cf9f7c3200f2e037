import type { ChannelMember, Role, TeamMember, User } from "@plugwire/protocol";

/** The roles of a membership: its explicit roles and its scheme flags. */
export interface MemberRoles {
  /** Space-separated roles that are not the scheme's (e.g. "custom_moderator"). */
  explicitRoles: string;
  schemeUser: boolean;
  schemeAdmin: boolean;
  schemeGuest: boolean;
}

/** Roles (named sets of permissions) and the role fields of users and memberships. */
export interface RoleStore {
  /** Every role, by name. */
  getRoles(): Promise<Role[]>;
  getRole(roleId: string): Promise<Role>;
  getRoleByName(name: string): Promise<Role>;
  /** The roles among the names, by name; unknown names are skipped. */
  getRolesByNames(names: readonly string[]): Promise<Role[]>;
  /** Replaces the role's permissions; returns the updated role. */
  setRolePermissions(roleId: string, permissions: readonly string[]): Promise<Role>;
  /** Replaces user.roles (space-separated names); returns the updated user. */
  setUserRoles(userId: string, roles: string): Promise<User>;
  /** NotFoundError when the user is not a member of the team. */
  setTeamMemberRoles(teamId: string, userId: string, roles: MemberRoles): Promise<TeamMember>;
  /** NotFoundError when the user is not a member of the channel. */
  setChannelMemberRoles(
    channelId: string,
    userId: string,
    roles: MemberRoles,
  ): Promise<ChannelMember>;
}
