// The PluginAPI's permission and role calls, made by a real plugin process (the roles plugin in
// test-fixtures) through the SDK's typed methods, against a real host whose REST API then
// allows what the changed roles grant.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

const ROLES_PLUGIN = "test.roles";
const rolesPluginDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../test-fixtures/roles-plugin",
);

let f: RestFixture;
let owner: RestUser;
let member: RestUser;
let team: RestTeam;
let channel: RestChannel;

beforeAll(async () => {
  f = await RestFixture.start();
  await f.host.loadPlugin(rolesPluginDir);
  await f.host.enablePlugin(ROLES_PLUGIN);
  owner = await f.newUser("owner");
  member = await f.newUser("member");
  team = await f.newTeam(owner, [member]);
  channel = await f.newChannel(team, owner, { name: "town", displayName: "Town" }, [member]);
});
afterAll(async () => {
  await f?.close();
});

/** What the plugin's call returned, or the error it threw ({name, id, params}). */
// biome-ignore lint/suspicious/noExplicitAny: specs assert on whatever the call answered
async function pluginCall(method: string, ...args: unknown[]): Promise<any> {
  const { status, body } = await f.call("POST", `/plugins/${ROLES_PLUGIN}/call`, {
    token: member.token,
    json: { method, args },
  });
  expect(status).toBe(200);
  return body;
}

describe("HasPermissionTo*", () => {
  it("answers from the user's system, team and channel roles", async () => {
    expect(await pluginCall("hasPermissionTo", f.adminId, "manage_system")).toEqual({
      result: true,
    });
    expect(await pluginCall("hasPermissionTo", member.id, "manage_system")).toEqual({
      result: false,
    });
    expect(await pluginCall("hasPermissionTo", member.id, "create_team")).toEqual({
      result: true,
    });
    expect(await pluginCall("hasPermissionToTeam", owner.id, team.id, "manage_team")).toEqual({
      result: true,
    });
    expect(await pluginCall("hasPermissionToTeam", member.id, team.id, "manage_team")).toEqual({
      result: false,
    });
    expect(await pluginCall("hasPermissionToTeam", member.id, team.id, "view_team")).toEqual({
      result: true,
    });
    expect(
      await pluginCall("hasPermissionToChannel", member.id, channel.id, "create_post"),
    ).toEqual({ result: true });
    expect(
      await pluginCall("hasPermissionToChannel", member.id, channel.id, "manage_channel_roles"),
    ).toEqual({ result: false });
    expect(
      await pluginCall("hasPermissionToChannel", owner.id, channel.id, "manage_channel_roles"),
    ).toEqual({ result: true });
    expect(await pluginCall("rolesGrantPermission", ["team_admin"], "manage_team")).toEqual({
      result: true,
    });
    expect(await pluginCall("rolesGrantPermission", ["team_user"], "manage_team")).toEqual({
      result: false,
    });
  });

  it("answers false, as Mattermost does, for unknown users, teams, channels and permissions", async () => {
    expect(await pluginCall("hasPermissionTo", "nosuchuser", "manage_system")).toEqual({
      result: false,
    });
    expect(await pluginCall("hasPermissionTo", f.adminId, "not_a_permission")).toEqual({
      result: false,
    });
    expect(await pluginCall("hasPermissionToTeam", member.id, "nosuchteam", "view_team")).toEqual({
      result: false,
    });
    expect(
      await pluginCall("hasPermissionToChannel", member.id, "nosuchchannel", "create_post"),
    ).toEqual({ result: false });
  });

  it("refuses empty ids with a ValidationError naming the field", async () => {
    expect(await pluginCall("hasPermissionTo", "", "manage_system")).toMatchObject({
      error: { name: "ValidationError", params: { field: "user_id" } },
    });
    expect(await pluginCall("hasPermissionToChannel", member.id, "", "create_post")).toMatchObject({
      error: { name: "ValidationError", params: { field: "channel_id" } },
    });
  });
});

describe("Update*Roles", () => {
  it("makes a user a system admin, which the REST API then honours", async () => {
    const listRoles = () => f.call("GET", "/api/v4/roles", { token: member.token });
    expect((await listRoles()).status).toBe(403);
    const { result: user } = await pluginCall(
      "updateUserRoles",
      member.id,
      "system_user system_admin",
    );
    expect(user).toMatchObject({ id: member.id, roles: "system_user system_admin" });
    expect(await pluginCall("hasPermissionTo", member.id, "manage_system")).toEqual({
      result: true,
    });
    expect((await listRoles()).status).toBe(200);
    await pluginCall("updateUserRoles", member.id, "system_user");
    expect((await listRoles()).status).toBe(403);
  });

  it("changes team and channel member roles through their scheme flags", async () => {
    const { result: teamMember } = await pluginCall(
      "updateTeamMemberRoles",
      team.id,
      member.id,
      "team_user team_admin",
    );
    expect(teamMember).toMatchObject({ schemeUser: true, schemeAdmin: true, roles: "" });
    expect(await pluginCall("hasPermissionToTeam", member.id, team.id, "manage_team")).toEqual({
      result: true,
    });
    const { result: channelMember } = await pluginCall(
      "updateChannelMemberRoles",
      channel.id,
      member.id,
      "channel_user channel_admin",
    );
    expect(channelMember).toMatchObject({ schemeUser: true, schemeAdmin: true });
    expect(
      await pluginCall("hasPermissionToChannel", member.id, channel.id, "manage_channel_roles"),
    ).toEqual({ result: true });
    await pluginCall("updateTeamMemberRoles", team.id, member.id, "team_user");
    await pluginCall("updateChannelMemberRoles", channel.id, member.id, "channel_user");
    expect(await pluginCall("hasPermissionToTeam", member.id, team.id, "manage_team")).toEqual({
      result: false,
    });
  });

  it("answers NotFoundError for unknown ids and ValidationError naming an unknown role", async () => {
    expect(await pluginCall("updateUserRoles", "nosuchuser", "system_user")).toMatchObject({
      error: { name: "NotFoundError" },
    });
    expect(await pluginCall("updateUserRoles", member.id, "system_user wizard")).toMatchObject({
      error: {
        name: "ValidationError",
        id: "api.role.check_roles_exist.role_not_found",
        params: { field: "new_roles", role: "wizard" },
      },
    });
    expect(
      await pluginCall("updateTeamMemberRoles", "nosuchteam", member.id, "team_user"),
    ).toMatchObject({ error: { name: "NotFoundError" } });
    expect(
      await pluginCall("updateChannelMemberRoles", channel.id, f.adminId, "channel_user"),
    ).toMatchObject({ error: { name: "NotFoundError" } });
    expect(
      await pluginCall("updateChannelMemberRoles", channel.id, member.id, "team_admin"),
    ).toMatchObject({ error: { name: "ValidationError", params: { role: "team_admin" } } });
  });
});
