// The permission rules, over a real SQLite store and its roles table: what REST enforces and
// the PluginAPI's HasPermissionTo* answer.
import { create } from "@bufbuild/protobuf";
import { ChannelSchema, TeamSchema, type User, UserSchema } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import { Permissions } from "./permissions.js";

let store: Store;
let permissions: Permissions;
let admin: User;
let owner: User;
let member: User;
let stranger: User;
let teamId: string;
let channelId: string;

const newUser = (username: string, roles = "system_user") =>
  store.createUser(create(UserSchema, { username, email: `${username}@example.com`, roles }));

beforeEach(async () => {
  store = await openSqliteStore({ path: ":memory:" });
  permissions = new Permissions(store);
  await permissions.ready();
  admin = await newUser("admin", "system_admin system_user");
  owner = await newUser("owner");
  member = await newUser("member");
  stranger = await newUser("stranger");
  teamId = (await store.createTeam(create(TeamSchema, { name: "core", type: "O" }))).id;
  await store.addTeamMember(teamId, owner.id, { admin: true });
  await store.addTeamMember(teamId, member.id);
  channelId = (await store.createChannel(create(ChannelSchema, { teamId, name: "c", type: "O" })))
    .id;
  await store.addChannelMember(channelId, member.id);
});
afterEach(async () => {
  await store.close();
});

describe("permissions", () => {
  it("gives system permissions to system admins only", () => {
    expect(permissions.hasPermissionTo(admin, "manage_system")).toBe(true);
    expect(permissions.hasPermissionTo(member, "manage_system")).toBe(false);
    expect(permissions.hasPermissionTo(member, "edit_others_posts")).toBe(false);
  });

  it("gives a team's user permissions to its members and its admin permissions to its admins", async () => {
    const team = (
      subject: User | string,
      permission: Parameters<Permissions["hasPermissionToTeam"]>[2],
    ) => permissions.hasPermissionToTeam(subject, teamId, permission);
    expect(await team(member, "view_team")).toBe(true);
    expect(await team(member.id, "add_user_to_team")).toBe(true);
    expect(await team(member, "manage_team")).toBe(false);
    expect(await team(owner, "remove_user_from_team")).toBe(true);
    expect(await team(stranger, "view_team")).toBe(false);
    expect(await team(admin, "manage_team")).toBe(true);
    expect(await team(owner, "manage_system")).toBe(false);
  });

  it("gives a channel's user permissions to its members", async () => {
    const channel = (
      subject: User,
      permission: Parameters<Permissions["hasPermissionToChannel"]>[2],
    ) => permissions.hasPermissionToChannel(subject, channelId, permission);
    expect(await channel(member, "read_channel")).toBe(true);
    expect(await channel(member, "create_post")).toBe(true);
    expect(await channel(owner, "read_channel")).toBe(false);
    expect(await channel(admin, "read_channel")).toBe(true);
    expect(await channel(member, "manage_team")).toBe(false);
  });

  it("falls back from the channel to its team and to the system, as Mattermost does", async () => {
    // A team admin may delete others' posts in the team's channels without being a member.
    expect(await permissions.hasPermissionToChannel(owner, channelId, "delete_others_posts")).toBe(
      true,
    );
    expect(await permissions.hasPermissionToChannel(member, channelId, "delete_others_posts")).toBe(
      false,
    );
    // A team member may read the team's public channels they have not joined.
    expect(await permissions.hasPermissionToChannel(owner, channelId, "read_public_channel")).toBe(
      true,
    );
    // An unknown channel: only the system roles answer.
    expect(await permissions.hasPermissionToChannel(admin, "nochannel", "create_post")).toBe(true);
    expect(await permissions.hasPermissionToChannel(member, "nochannel", "create_post")).toBe(
      false,
    );
  });

  it("reads the roles table: a role's changed permissions count at once", async () => {
    expect(await permissions.hasPermissionToChannel(member, channelId, "create_post")).toBe(true);
    const channelUser = await store.getRoleByName("channel_user");
    const without = channelUser.permissions.filter((permission) => permission !== "create_post");
    permissions.roleChanged(await store.setRolePermissions(channelUser.id, without));
    expect(await permissions.hasPermissionToChannel(member, channelId, "create_post")).toBe(false);
    expect(await permissions.hasPermissionToChannel(member, channelId, "read_channel")).toBe(true);
    // A new Permissions reads the changed table.
    const fresh = new Permissions(store);
    await fresh.ready();
    expect(await fresh.hasPermissionToChannel(member, channelId, "create_post")).toBe(false);
  });

  it("counts explicit roles and scheme flags of memberships, and the user's system roles", async () => {
    await store.setChannelMemberRoles(channelId, member.id, {
      explicitRoles: "",
      schemeUser: true,
      schemeAdmin: true,
      schemeGuest: false,
    });
    expect(
      await permissions.hasPermissionToChannel(member, channelId, "manage_channel_roles"),
    ).toBe(true);
    await store.setTeamMemberRoles(teamId, member.id, {
      explicitRoles: "team_post_all",
      schemeUser: true,
      schemeAdmin: false,
      schemeGuest: false,
    });
    const other = (
      await store.createChannel(create(ChannelSchema, { teamId, name: "o", type: "O" }))
    ).id;
    expect(await permissions.hasPermissionToChannel(member, other, "create_post")).toBe(true);
    expect(await permissions.hasPermissionToChannel(stranger, other, "create_post")).toBe(false);
    const poster = await store.setUserRoles(stranger.id, "system_user system_post_all");
    expect(await permissions.hasPermissionToChannel(poster, other, "create_post")).toBe(true);
    expect(permissions.hasPermissionTo(poster, "create_team")).toBe(true);
    expect(permissions.hasPermissionTo(poster, "manage_system")).toBe(false);
  });

  it("gives guest accounts the guest roles of their teams and channels", async () => {
    const guest = await newUser("visitor", "system_guest");
    await store.addTeamMember(teamId, guest.id);
    await store.addChannelMember(channelId, guest.id);
    expect(await permissions.hasPermissionToChannel(guest, channelId, "create_post")).toBe(true);
    expect(await permissions.hasPermissionToTeam(guest, teamId, "view_team")).toBe(true);
    expect(await permissions.hasPermissionToTeam(guest, teamId, "create_public_channel")).toBe(
      false,
    );
    expect(
      await permissions.hasPermissionToChannel(guest, channelId, "manage_public_channel_members"),
    ).toBe(false);
    expect(permissions.hasPermissionTo(guest, "create_team")).toBe(false);
  });

  it("answers RolesGrantPermission from the named roles, unknown names granting nothing", async () => {
    expect(await permissions.rolesGrantPermission(["team_user"], "create_public_channel")).toBe(
      true,
    );
    expect(await permissions.rolesGrantPermission(["team_user", "nope"], "manage_team")).toBe(
      false,
    );
    expect(await permissions.rolesGrantPermission(["team_admin"], "manage_team")).toBe(true);
    expect(await permissions.rolesGrantPermission([], "view_team")).toBe(false);
    expect(await permissions.rolesGrantPermission(["system_admin"], "not_a_permission")).toBe(
      false,
    );
  });
});
