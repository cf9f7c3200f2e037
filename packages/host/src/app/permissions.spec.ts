// The permission rules, over a real SQLite store: what REST enforces and the PluginAPI's
// HasPermissionTo* will answer.
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
});
