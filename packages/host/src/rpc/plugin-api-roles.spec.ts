// The PluginAPI's permission and role calls over the real service and application layer: the
// changes go through the app as the plugin, and requests are checked field by field. A real
// plugin process making these calls is test/e2e/roles-plugin.e2e.spec.ts.
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  callsOf,
  expectInvalid,
  newChannel,
  newTeam,
  newUser,
  PLUGIN_A,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

describe("permission checks", () => {
  it("answer from the roles, false for unknown ids and permissions", async () => {
    const user = await newUser("ann");
    const team = await newTeam("core");
    const channel = await newChannel(team, "town");
    await world.store.addTeamMember(team.id, user.id);
    await world.store.addChannelMember(channel.id, user.id);
    const { a } = world;
    const ask = async (call: Promise<{ hasPermission: boolean }>) => (await call).hasPermission;
    expect(await ask(a.hasPermissionTo({ userId: user.id, permissionId: "manage_system" }))).toBe(
      false,
    );
    expect(await ask(a.hasPermissionTo({ userId: "nobody", permissionId: "manage_system" }))).toBe(
      false,
    );
    const teamId = team.id;
    expect(
      await ask(a.hasPermissionToTeam({ userId: user.id, teamId, permissionId: "view_team" })),
    ).toBe(true);
    expect(
      await ask(a.hasPermissionToTeam({ userId: user.id, teamId, permissionId: "manage_team" })),
    ).toBe(false);
    const channelId = channel.id;
    expect(
      await ask(
        a.hasPermissionToChannel({ userId: user.id, channelId, permissionId: "create_post" }),
      ),
    ).toBe(true);
    expect(
      await ask(a.hasPermissionToChannel({ userId: user.id, channelId, permissionId: "nope" })),
    ).toBe(false);
    expect(
      await ask(
        a.rolesGrantPermission({
          roleNames: ["channel_admin"],
          permissionId: "manage_channel_roles",
        }),
      ),
    ).toBe(true);
  });

  it("refuse empty fields, naming them", async () => {
    await expectInvalid(world.a.hasPermissionTo({ permissionId: "manage_system" }), "user_id");
    await expectInvalid(world.a.hasPermissionTo({ userId: "u" }), "permission_id");
    await expectInvalid(world.a.hasPermissionToTeam({ userId: "u", permissionId: "x" }), "team_id");
    await expectInvalid(
      world.a.rolesGrantPermission({ roleNames: ["team_user"] }),
      "permission_id",
    );
  });
});

describe("role changes", () => {
  it("go through the app as the plugin", async () => {
    const user = await newUser("ann");
    const team = await newTeam("core");
    const channel = await newChannel(team, "town");
    await world.store.addTeamMember(team.id, user.id);
    await world.store.addChannelMember(channel.id, user.id);
    const { a } = world;
    const { user: updated } = await a.updateUserRoles({
      userId: user.id,
      newRoles: "system_user system_user_access_token",
    });
    expect(updated?.roles).toBe("system_user system_user_access_token");
    const { member } = await a.updateTeamMemberRoles({
      teamId: team.id,
      userId: user.id,
      newRoles: "team_user team_admin team_post_all",
    });
    expect(member).toMatchObject({ roles: "team_post_all", schemeUser: true, schemeAdmin: true });
    const channelMember = await a.updateChannelMemberRoles({
      channelId: channel.id,
      userId: user.id,
      newRoles: "channel_admin",
    });
    expect(channelMember.member).toMatchObject({ schemeUser: false, schemeAdmin: true });
    expect(callsOf("updateUserRoles")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [user.id, "system_user system_user_access_token"],
    });
    expect(callsOf("updateTeamMemberRoles")).toHaveLength(1);
    expect(callsOf("updateChannelMemberRoles")).toHaveLength(1);
  });

  it("answer NotFoundError for unknown ids, ValidationError naming unknown roles", async () => {
    const user = await newUser("ann");
    const team = await newTeam("core");
    const { a } = world;
    expect(await failureOf(a.updateUserRoles({ userId: "nobody", newRoles: "" }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(
      await failureOf(a.updateTeamMemberRoles({ teamId: team.id, userId: user.id, newRoles: "" })),
    ).toBeInstanceOf(NotFoundError);
    const error = await failureOf(
      a.updateUserRoles({ userId: user.id, newRoles: "system_wizard" }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.params).toMatchObject({ field: "new_roles", role: "system_wizard" });
    await expectInvalid(a.updateChannelMemberRoles({ userId: user.id }), "channel_id");
  });
});
