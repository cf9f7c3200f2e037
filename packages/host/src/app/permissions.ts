// Who may do what: the one place the host decides it, for REST today and for the Plugin API's
// HasPermissionTo* calls. Mattermost's default scheme reduced to three roles, with its
// permission names: a system admin ("system_admin" in user.roles) has every permission
// everywhere; a team member has the team's user permissions in that team, and a team admin
// (the team's creator, its member record's scheme_admin) the team admin permissions too; a
// channel member has the channel's user permissions in that channel.
import type { ChannelMember, TeamMember, User } from "@plugwire/protocol";

/** Only system admins have these: they are scoped to the whole system. */
export const SYSTEM_PERMISSIONS = [
  "manage_system",
  "edit_other_users",
  "edit_others_posts",
  "delete_others_posts",
] as const;

/** What every member of a team may do in it. */
export const TEAM_USER_PERMISSIONS = [
  "view_team",
  "add_user_to_team",
  "list_team_channels",
  "join_public_channels",
  "read_public_channel",
  "create_public_channel",
  "create_private_channel",
] as const;

/** What a team's admins may do in it besides. */
export const TEAM_ADMIN_PERMISSIONS = ["manage_team", "remove_user_from_team"] as const;

/** What every member of a channel may do in it. */
export const CHANNEL_USER_PERMISSIONS = [
  "read_channel",
  "create_post",
  "upload_file",
  "use_slash_commands",
  "manage_public_channel_members",
  "manage_private_channel_members",
] as const;

export type Permission =
  | (typeof SYSTEM_PERMISSIONS)[number]
  | (typeof TEAM_USER_PERMISSIONS)[number]
  | (typeof TEAM_ADMIN_PERMISSIONS)[number]
  | (typeof CHANNEL_USER_PERMISSIONS)[number];

/** The reads the rules need. */
export interface MembershipReader {
  getUser(userId: string): Promise<User>;
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined>;
  getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined>;
}

/**
 * A user, or a user's id: a caller that has the user already loaded passes it and saves a
 * read.
 */
export type Subject = User | string;

export interface PermissionOperations {
  /** Whether the user has the permission system-wide: system admins only. */
  hasPermissionTo(user: User, permission: Permission): boolean;
  /** Whether the user has the permission in the team. */
  hasPermissionToTeam(subject: Subject, teamId: string, permission: Permission): Promise<boolean>;
  /** Whether the user has the permission in the channel. */
  hasPermissionToChannel(
    subject: Subject,
    channelId: string,
    permission: Permission,
  ): Promise<boolean>;
}

export function isSystemAdmin(user: User): boolean {
  return user.roles.split(/\s+/).includes("system_admin");
}

const teamUser = new Set<Permission>(TEAM_USER_PERMISSIONS);
const teamAdmin = new Set<Permission>(TEAM_ADMIN_PERMISSIONS);
const channelUser = new Set<Permission>(CHANNEL_USER_PERMISSIONS);

export class Permissions implements PermissionOperations {
  constructor(private readonly reader: MembershipReader) {}

  hasPermissionTo(user: User, _permission: Permission): boolean {
    return isSystemAdmin(user);
  }

  async hasPermissionToTeam(
    subject: Subject,
    teamId: string,
    permission: Permission,
  ): Promise<boolean> {
    const user = await this.userOf(subject);
    if (isSystemAdmin(user)) return true;
    if (!teamUser.has(permission) && !teamAdmin.has(permission)) return false;
    const member = await this.reader.getTeamMember(teamId, user.id);
    if (member === undefined) return false;
    return teamUser.has(permission) || member.schemeAdmin;
  }

  async hasPermissionToChannel(
    subject: Subject,
    channelId: string,
    permission: Permission,
  ): Promise<boolean> {
    const user = await this.userOf(subject);
    if (isSystemAdmin(user)) return true;
    if (!channelUser.has(permission)) return false;
    return (await this.reader.getChannelMember(channelId, user.id)) !== undefined;
  }

  private async userOf(subject: Subject): Promise<User> {
    return typeof subject === "string" ? this.reader.getUser(subject) : subject;
  }
}
