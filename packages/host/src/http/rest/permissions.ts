// The REST layer's side of permissions: the app decides (app/permissions.ts, from the roles
// table), these turn a "no" into v4's 403 with the permission named, for the logged-in user of
// the request.
import type { Channel, User } from "@plugwire/protocol";
import type { Permission } from "../../app/app.js";
import type { RestCall } from "./rest-call.js";
import { permissionDenied } from "./rest-errors.js";

/** The logged-in user, when they have the permission system-wide; 403 otherwise. */
export function requireSystemPermission(
  call: RestCall,
  permission: Permission,
  what: string,
): User {
  const user = call.user();
  if (!call.app.hasPermissionTo(user, permission)) throw permissionDenied(what, permission);
  return user;
}

/** Plugin management and creating accounts: system admins only. */
export function requireSystemAdmin(call: RestCall): User {
  return requireSystemPermission(call, "manage_system", "only system admins may do this");
}

/** Changing a user: that user or a system admin. */
export function requireSelfOrAdmin(call: RestCall, userId: string): User {
  const user = call.user();
  if (user.id === userId) return user;
  return requireSystemPermission(call, "edit_other_users", "you can change only your own account");
}

/** Whether the logged-in user has the permission in the team. */
export function hasTeamPermission(
  call: RestCall,
  teamId: string,
  permission: Permission,
): Promise<boolean> {
  return call.app.hasPermissionToTeam(call.user(), teamId, permission);
}

/** Whether the logged-in user has the permission in the channel. */
export function hasChannelPermission(
  call: RestCall,
  channelId: string,
  permission: Permission,
): Promise<boolean> {
  return call.app.hasPermissionToChannel(call.user(), channelId, permission);
}

/** 403 naming the permission unless the logged-in user has it in the team. */
export async function requireTeamPermission(
  call: RestCall,
  teamId: string,
  permission: Permission,
): Promise<User> {
  if (!(await hasTeamPermission(call, teamId, permission))) {
    throw permissionDenied(`you lack ${permission} in team ${teamId}`, permission);
  }
  return call.user();
}

/** 403 naming the permission unless the logged-in user has it in the channel. */
export async function requireChannelPermission(
  call: RestCall,
  channelId: string,
  permission: Permission,
): Promise<User> {
  if (!(await hasChannelPermission(call, channelId, permission))) {
    throw permissionDenied(`you lack ${permission} in channel ${channelId}`, permission);
  }
  return call.user();
}

/** Seeing a team's content: its members. */
export async function requireTeamMember(call: RestCall, teamId: string): Promise<User> {
  if (!(await hasTeamPermission(call, teamId, "view_team"))) {
    throw permissionDenied(`you are not a member of team ${teamId}`, "view_team");
  }
  return call.user();
}

/** Reading and posting in a channel: its members only. */
export async function requireChannelMember(call: RestCall, channelId: string): Promise<User> {
  if (!(await hasChannelPermission(call, channelId, "read_channel"))) {
    throw permissionDenied(`you are not a member of channel ${channelId}`, "read_channel");
  }
  return call.user();
}

/** Seeing a channel (not its posts): its members, and for a public channel its team's members. */
export async function requireChannelVisible(call: RestCall, channel: Channel): Promise<void> {
  if (await hasChannelPermission(call, channel.id, "read_channel")) return;
  if (
    channel.type === "O" &&
    (await hasTeamPermission(call, channel.teamId, "read_public_channel"))
  ) {
    return;
  }
  throw permissionDenied(`you can't see channel ${channel.id}`, "read_channel");
}
