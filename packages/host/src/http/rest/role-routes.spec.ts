// /api/v4/roles and the role-changing routes of users, team members and channel members,
// driven through the official Client4 where it has a method, with raw calls for bad input; and
// that what a role grants is what the REST API allows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import {
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let owner: RestUser;
let member: RestUser;
let outsider: RestUser;
let team: RestTeam;
let channel: RestChannel;

beforeAll(async () => {
  f = await RestFixture.start();
  owner = await f.newUser("owner");
  member = await f.newUser("member");
  outsider = await f.newUser("outsider");
  team = await f.newTeam(owner, [member]);
  channel = await f.newChannel(team, owner, { name: "town", displayName: "Town" }, [member]);
});
afterAll(async () => {
  await f?.close();
});

const admin = () => newClient4(f.url, f.adminToken);
/**
 * Client4 types updateTeamMemberRoles' roles as string[] but sends them as given; the web app
 * and Mattermost's server use a space-separated string, as the other two role routes do.
 */
const teamRoles = (roles: string) => roles as unknown as string[];

describe("reading roles", () => {
  it("answers roles by name, by names and by id to anyone logged in (Client4)", async () => {
    const client = newClient4(f.url, member.token);
    const channelUser = await client.getRoleByName("channel_user");
    expect(channelUser).toMatchObject({
      name: "channel_user",
      display_name: "authentication.roles.channel_user.name",
      scheme_managed: true,
      built_in: true,
      delete_at: 0,
    });
    expect(channelUser.permissions).toContain("create_post");
    expect(await client.getRole(channelUser.id)).toEqual(channelUser);
    const roles = await client.getRolesByNames(["team_user", "system_admin", "nope", ""]);
    expect(roles.map((role) => role.name).sort()).toEqual(["system_admin", "team_user"]);
  });

  it("lists every role to system admins only", async () => {
    const all = await f.call("GET", "/api/v4/roles", { token: f.adminToken });
    expect(all.status).toBe(200);
    expect(all.body.map((role: { name: string }) => role.name)).toEqual(
      expect.arrayContaining(["system_admin", "system_user", "team_guest", "channel_guest"]),
    );
    const denied = await f.call("GET", "/api/v4/roles", { token: member.token });
    expect(denied.status).toBe(403);
    expect(denied.body.id).toBe("api.context.permissions.app_error");
  });

  it("answers 404 for an unknown role, 400 for malformed names, 401 without a session", async () => {
    const token = member.token;
    expect((await f.call("GET", "/api/v4/roles/nosuchroleid", { token })).status).toBe(404);
    expect((await f.call("GET", "/api/v4/roles/name/nosuchrole", { token })).status).toBe(404);
    const badName = await f.call("GET", "/api/v4/roles/name/Bad-Name", { token });
    expect(badName).toMatchObject({ status: 400, body: { params: { field: "role_name" } } });
    const empty = await f.call("POST", "/api/v4/roles/names", { token, json: [] });
    expect(empty).toMatchObject({ status: 400, body: { params: { field: "rolenames" } } });
    const notNames = await f.call("POST", "/api/v4/roles/names", { token, json: [1] });
    expect(notNames).toMatchObject({ status: 400, body: { params: { field: "rolename" } } });
    expect((await f.call("GET", "/api/v4/roles/name/team_user")).status).toBe(401);
  });
});

describe("patching a role", () => {
  it("changes what the REST API allows: team_user without create_public_channel can't create channels", async () => {
    const teamUser = await admin().getRoleByName("team_user");
    const createChannel = () =>
      f.call("POST", "/api/v4/channels", {
        token: member.token,
        json: { team_id: team.id, name: `c-${Date.now()}`, display_name: "C", type: "O" },
      });
    expect((await createChannel()).status).toBe(201);

    const without = teamUser.permissions.filter((p) => p !== "create_public_channel");
    const patched = await admin().patchRole(teamUser.id, { permissions: without });
    expect(patched.permissions).not.toContain("create_public_channel");
    expect(patched.update_at).toBeGreaterThanOrEqual(teamUser.update_at);
    const refused = await createChannel();
    expect(refused).toMatchObject({
      status: 403,
      body: { params: { permission: "create_public_channel" } },
    });

    await admin().patchRole(teamUser.id, { permissions: teamUser.permissions });
    expect((await createChannel()).status).toBe(201);
  });

  it("changes what members may do in channels: channel_user without upload_file can't upload", async () => {
    const channelUser = await admin().getRoleByName("channel_user");
    const upload = () =>
      f.call("POST", `/api/v4/files?channel_id=${channel.id}&filename=a.txt`, {
        token: member.token,
        body: "hello",
      });
    expect((await upload()).status).toBe(201);
    await admin().patchRole(channelUser.id, {
      permissions: channelUser.permissions.filter((p) => p !== "upload_file"),
    });
    try {
      expect(await upload()).toMatchObject({
        status: 403,
        body: { params: { permission: "upload_file" } },
      });
    } finally {
      await admin().patchRole(channelUser.id, { permissions: channelUser.permissions });
    }
    expect((await upload()).status).toBe(201);
  });

  it("refuses non-admins, unknown roles, malformed bodies and unknown permissions", async () => {
    const { id } = await admin().getRoleByName("team_user");
    const patch = (json: unknown, token = f.adminToken, roleId = id) =>
      f.call("PUT", `/api/v4/roles/${roleId}/patch`, { token, json });
    expect(await patch({ permissions: [] }, member.token)).toMatchObject({
      status: 403,
      body: { params: { permission: "sysconsole_write_user_management_permissions" } },
    });
    expect((await patch({ permissions: [] }, f.adminToken, "nosuchroleid")).status).toBe(404);
    expect(await patch([])).toMatchObject({ status: 400, body: { params: { field: "role" } } });
    expect(await patch({ permissions: "view_team" })).toMatchObject({
      status: 400,
      body: { params: { field: "permissions" } },
    });
    expect(await patch({ permissions: ["view_team", "fly"] })).toMatchObject({
      status: 400,
      body: { params: { field: "permissions", permission: "fly" } },
    });
    const systemAdmin = await admin().getRoleByName("system_admin");
    expect(
      await patch({ permissions: ["manage_system"] }, member.token, systemAdmin.id),
    ).toMatchObject({ status: 403, body: { params: { permission: "manage_system" } } });
    // As an unlicensed Mattermost: manage_roles can't be moved, guest roles can't be patched.
    expect((await patch({ permissions: ["view_team", "manage_roles"] })).status).toBe(501);
    const teamGuest = await admin().getRoleByName("team_guest");
    expect((await patch({ permissions: [] }, f.adminToken, teamGuest.id)).status).toBe(501);
    expect((await admin().getRoleByName("team_user")).permissions).toContain("view_team");
  });
});

describe("changing a user's roles", () => {
  it("makes a user a system admin and back (Client4), and that is what the API allows", async () => {
    const user = await f.newUser("promoted");
    const listRoles = () => f.call("GET", "/api/v4/roles", { token: user.token });
    expect((await listRoles()).status).toBe(403);
    await admin().updateUserRoles(user.id, "system_user system_admin");
    expect((await admin().getUser(user.id)).roles).toBe("system_user system_admin");
    expect((await listRoles()).status).toBe(200);
    await admin().updateUserRoles(user.id, "system_user");
    expect((await listRoles()).status).toBe(403);
  });

  it("refuses non-admins (manage_roles), unknown users and roles, and malformed roles", async () => {
    const put = (userId: string, json: unknown, token = f.adminToken) =>
      f.call("PUT", `/api/v4/users/${userId}/roles`, { token, json });
    expect(await put(member.id, { roles: "system_user system_admin" }, member.token)).toMatchObject(
      { status: 403, body: { params: { permission: "manage_roles" } } },
    );
    expect((await put("nosuchuser", { roles: "system_user" })).status).toBe(404);
    expect(await put(member.id, { roles: "system_user wizard" })).toMatchObject({
      status: 400,
      body: { id: "api.role.check_roles_exist.role_not_found", params: { role: "wizard" } },
    });
    expect(await put(member.id, { roles: 5 })).toMatchObject({
      status: 400,
      body: { params: { field: "roles" } },
    });
    expect(await put(member.id, { roles: "Bad Role" })).toMatchObject({
      status: 400,
      body: { params: { field: "roles" } },
    });
    expect(await put(member.id, { roles: "system_admin" })).toMatchObject({
      status: 400,
      body: { params: { field: "roles" } },
    });
    expect((await admin().getUser(member.id)).roles).toBe("system_user");
  });
});

describe("changing a team member's roles", () => {
  it("lets the team admin make a member team admin (Client4), who may then manage the team", async () => {
    const patchTeam = () =>
      f.call("PUT", `/api/v4/teams/${team.id}/patch`, {
        token: member.token,
        json: { display_name: "Renamed" },
      });
    expect((await patchTeam()).status).toBe(403);
    await newClient4(f.url, owner.token).updateTeamMemberRoles(
      team.id,
      member.id,
      teamRoles("team_user team_admin"),
    );
    expect((await patchTeam()).status).toBe(200);
    await newClient4(f.url, owner.token).updateTeamMemberRoles(
      team.id,
      member.id,
      teamRoles("team_user"),
    );
    expect((await patchTeam()).status).toBe(403);
  });

  it("refuses members without manage_team_roles, non-members, and roles of other scopes", async () => {
    const put = (userId: string, json: unknown, token = owner.token) =>
      f.call("PUT", `/api/v4/teams/${team.id}/members/${userId}/roles`, { token, json });
    expect(await put(owner.id, { roles: "team_user" }, member.token)).toMatchObject({
      status: 403,
      body: { params: { permission: "manage_team_roles" } },
    });
    expect((await put(outsider.id, { roles: "team_user" })).status).toBe(404);
    expect(await put(member.id, { roles: "channel_admin" })).toMatchObject({
      status: 400,
      body: { id: "api.team.update_team_member_roles.scheme_role.app_error" },
    });
    expect(await put(member.id, { roles: [] })).toMatchObject({
      status: 400,
      body: { params: { field: "team_member_roles" } },
    });
  });
});

describe("guests", () => {
  it("keep their guest membership: team_user is refused, team_guest with team_admin is taken", async () => {
    const guest = await f.newUser("visitor");
    await admin().updateUserRoles(guest.id, "system_guest");
    const guestTeam = await f.newTeam(owner, [guest]);
    const put = (roles: string) =>
      f.call("PUT", `/api/v4/teams/${guestTeam.id}/members/${guest.id}/roles`, {
        token: owner.token,
        json: { roles },
      });
    expect(await put("team_user")).toMatchObject({
      status: 400,
      body: { id: "api.team.update_team_member_roles.changing_guest_role.app_error" },
    });
    expect(await put("team_guest team_user")).toMatchObject({
      status: 400,
      body: { id: "api.team.update_team_member_roles.guest_and_user.app_error" },
    });
    expect((await put("team_guest team_admin")).status).toBe(200);
  });
});

describe("changing a channel member's roles", () => {
  it("lets the channel's creator (its channel admin) make a member channel admin (Client4)", async () => {
    const promote = (token: string) =>
      f.call("PUT", `/api/v4/channels/${channel.id}/members/${outsider.id}/roles`, {
        token,
        json: { roles: "channel_user" },
      });
    expect(await promote(member.token)).toMatchObject({
      status: 403,
      body: { params: { permission: "manage_channel_roles" } },
    });
    await newClient4(f.url, owner.token).updateChannelMemberRoles(
      channel.id,
      member.id,
      "channel_user channel_admin",
    );
    // The outsider is no member: the new channel admin gets past the permission to the 404.
    expect((await promote(member.token)).status).toBe(404);
    await newClient4(f.url, owner.token).updateChannelMemberRoles(
      channel.id,
      member.id,
      "channel_user",
    );
    expect((await promote(member.token)).status).toBe(403);
  });

  it("refuses roles that are not the channel's and malformed bodies", async () => {
    const put = (json: unknown) =>
      f.call("PUT", `/api/v4/channels/${channel.id}/members/${member.id}/roles`, {
        token: owner.token,
        json,
      });
    expect(await put({ roles: "team_admin" })).toMatchObject({
      status: 400,
      body: { id: "api.channel.update_channel_member_roles.scheme_role.app_error" },
    });
    expect(await put({ roles: "channel_guest" })).toMatchObject({ status: 400 });
    expect(await put("channel_user")).toMatchObject({
      status: 400,
      body: { params: { field: "body" } },
    });
  });
});
