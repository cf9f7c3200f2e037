// Who may do what: the one place the host decides it, for REST and for the Plugin API's
// HasPermissionTo* calls, as Mattermost's authorization does. A user holds roles three ways:
// system roles in user.roles, team roles in their team membership and channel roles in their
// channel membership (explicit roles in the member's `roles`, plus the scheme roles its
// scheme_guest, scheme_user and scheme_admin flags give: team_guest, team_user, team_admin or
// channel_guest, channel_user, channel_admin). A permission is granted when a role held at the
// asked scope grants it, and a channel's question falls back to its team, and a team's to the
// system, as in Mattermost: a team admin may delete others' posts in the team's channels, a
// system admin everything everywhere.
//
// The roles table is read once and kept in memory (as Mattermost caches roles), and updated
// by every role change made through this host; a change made by another host sharing the
// database is seen after a restart.
import { NotFoundError } from "@plugwire/errors";
import type { ChannelMember, Role, TeamMember, User } from "@plugwire/protocol";
import { BUILT_IN_ROLES, PERMISSIONS, type Permission } from "../store/built-in-roles.js";
import type { RoleStore } from "../store/role-store.js";

export { PERMISSIONS, type Permission } from "../store/built-in-roles.js";

/** The reads the rules need. */
export interface MembershipReader extends Pick<RoleStore, "getRoles"> {
  getUser(userId: string): Promise<User>;
  getChannel(channelId: string): Promise<{ teamId: string }>;
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined>;
  getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined>;
}

/**
 * A user, or a user's id: a caller that has the user already loaded passes it and saves a
 * read.
 */
export type Subject = User | string;

export interface PermissionOperations {
  /** Whether one of the user's system roles grants the permission. */
  hasPermissionTo(user: User, permission: Permission): boolean;
  /** Whether the user's roles in the team, or their system roles, grant the permission. */
  hasPermissionToTeam(subject: Subject, teamId: string, permission: Permission): Promise<boolean>;
  /** Whether the user's roles in the channel, its team or the system grant the permission. */
  hasPermissionToChannel(
    subject: Subject,
    channelId: string,
    permission: Permission,
  ): Promise<boolean>;
  /** Whether any of the named roles (not deleted) grants the permission; unknown names grant nothing. */
  rolesGrantPermission(roleNames: readonly string[], permission: string): Promise<boolean>;
}

const known = new Set<string>(PERMISSIONS);

/** Whether `id` is one of the permission ids the host knows (Mattermost's names). */
export function isPermission(id: string): id is Permission {
  return known.has(id);
}

/** The names in a space-separated roles string. */
export function roleNames(roles: string): string[] {
  return roles.split(/\s+/).filter(Boolean);
}

/** The roles a team membership holds: its explicit roles and its scheme roles. */
export function teamMemberRoles(member: TeamMember): string[] {
  return [
    ...roleNames(member.roles),
    ...(member.schemeGuest ? ["team_guest"] : []),
    ...(member.schemeUser ? ["team_user"] : []),
    ...(member.schemeAdmin ? ["team_admin"] : []),
  ];
}

/** The roles a channel membership holds: its explicit roles and its scheme roles. */
export function channelMemberRoles(member: ChannelMember): string[] {
  return [
    ...roleNames(member.roles),
    ...(member.schemeGuest ? ["channel_guest"] : []),
    ...(member.schemeUser ? ["channel_user"] : []),
    ...(member.schemeAdmin ? ["channel_admin"] : []),
  ];
}

export class Permissions implements PermissionOperations {
  /** Each role's permissions, by role name; deleted roles are left out. */
  private readonly granted = new Map<string, ReadonlySet<string>>();
  private loaded: Promise<void>;

  constructor(private readonly reader: MembershipReader) {
    // Until the table is read, the roles are the built-in defaults migration 7 seeds.
    for (const role of BUILT_IN_ROLES) this.granted.set(role.name, new Set(role.permissions));
    this.loaded = this.read();
  }

  /** Reads the roles table again: another host of the cluster changed a role. */
  reload(): Promise<void> {
    this.loaded = this.loaded.then(() => this.read());
    return this.loaded;
  }

  private read(): Promise<void> {
    return this.reader.getRoles().then(
      (roles) => {
        this.granted.clear();
        for (const role of roles) this.roleChanged(role);
      },
      // A store closed before the read finished: what was known stays.
      () => undefined,
    );
  }

  /** Resolves once the roles table has been read. */
  ready(): Promise<void> {
    return this.loaded;
  }

  /** Takes a role's new permissions (or its deletion) into account. */
  roleChanged(role: Role): void {
    if (role.deleteAt !== 0n) this.granted.delete(role.name);
    else this.granted.set(role.name, new Set(role.permissions));
  }

  hasPermissionTo(user: User, permission: Permission): boolean {
    return this.grants(roleNames(user.roles), permission);
  }

  async hasPermissionToTeam(
    subject: Subject,
    teamId: string,
    permission: Permission,
  ): Promise<boolean> {
    await this.loaded;
    const user = await this.userOf(subject);
    if (teamId !== "") {
      const member = await this.reader.getTeamMember(teamId, user.id);
      if (member !== undefined && this.grants(teamMemberRoles(member), permission)) return true;
    }
    return this.hasPermissionTo(user, permission);
  }

  async hasPermissionToChannel(
    subject: Subject,
    channelId: string,
    permission: Permission,
  ): Promise<boolean> {
    await this.loaded;
    const user = await this.userOf(subject);
    const member = await this.reader.getChannelMember(channelId, user.id);
    if (member !== undefined && this.grants(channelMemberRoles(member), permission)) return true;
    const teamId = await this.reader.getChannel(channelId).then(
      (channel) => channel.teamId,
      // An unknown channel: only the system roles can answer, as in Mattermost.
      (error: unknown) => {
        if (error instanceof NotFoundError) return "";
        throw error;
      },
    );
    return this.hasPermissionToTeam(user, teamId, permission);
  }

  async rolesGrantPermission(names: readonly string[], permission: string): Promise<boolean> {
    await this.loaded;
    return this.grants(names, permission);
  }

  private grants(names: readonly string[], permission: string): boolean {
    return names.some((name) => this.granted.get(name)?.has(permission) === true);
  }

  private async userOf(subject: Subject): Promise<User> {
    return typeof subject === "string" ? this.reader.getUser(subject) : subject;
  }
}
