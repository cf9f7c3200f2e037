// Who may do what, in Mattermost's default scheme reduced to three roles: a system admin
// ("system_admin" in user.roles) may do everything; a team admin (the team's creator, its
// member record's scheme_admin) may also remove people from the team; everyone else acts on
// themselves and within the teams and channels they belong to.
import type { Channel, User } from "@plugwire/protocol";
import type { RestCall } from "./rest-call.js";
import { permissionDenied } from "./rest-errors.js";

export function isSystemAdmin(user: User): boolean {
  return user.roles.split(/\s+/).includes("system_admin");
}

/** Plugin management and creating accounts: system admins only. */
export function requireSystemAdmin(call: RestCall): User {
  const user = call.user();
  if (!isSystemAdmin(user))
    throw permissionDenied("only system admins may do this", "manage_system");
  return user;
}

/** Changing a user: that user or a system admin. */
export function requireSelfOrAdmin(call: RestCall, userId: string): User {
  const user = call.user();
  if (user.id !== userId && !isSystemAdmin(user)) {
    throw permissionDenied("you can change only your own account", "edit_other_users");
  }
  return user;
}

/** Whether the logged-in user belongs to the team (system admins belong everywhere). */
export async function isTeamMember(call: RestCall, teamId: string): Promise<boolean> {
  const user = call.user();
  return (
    isSystemAdmin(user) || (await call.host.store.getTeamMember(teamId, user.id)) !== undefined
  );
}

/** Whether the logged-in user is an admin of the team, or a system admin. */
export async function isTeamAdmin(call: RestCall, teamId: string): Promise<boolean> {
  const user = call.user();
  return (
    isSystemAdmin(user) ||
    (await call.host.store.getTeamMember(teamId, user.id))?.schemeAdmin === true
  );
}

export async function requireTeamMember(call: RestCall, teamId: string): Promise<User> {
  if (!(await isTeamMember(call, teamId))) {
    throw permissionDenied(`you are not a member of team ${teamId}`, "view_team");
  }
  return call.user();
}

/** Whether the logged-in user belongs to the channel (system admins belong everywhere). */
export async function isChannelMember(call: RestCall, channelId: string): Promise<boolean> {
  const user = call.user();
  return (
    isSystemAdmin(user) ||
    (await call.host.store.getChannelMember(channelId, user.id)) !== undefined
  );
}

/** Reading and posting in a channel: its members only. */
export async function requireChannelMember(call: RestCall, channelId: string): Promise<User> {
  if (!(await isChannelMember(call, channelId))) {
    throw permissionDenied(`you are not a member of channel ${channelId}`, "read_channel");
  }
  return call.user();
}

/** Seeing a channel (not its posts): its members, and for a public channel its team's members. */
export async function requireChannelVisible(call: RestCall, channel: Channel): Promise<void> {
  if (await isChannelMember(call, channel.id)) return;
  if (channel.type === "O" && (await isTeamMember(call, channel.teamId))) return;
  throw permissionDenied(`you can't see channel ${channel.id}`, "read_channel");
}
