import { NotFoundError } from "@plugwire/errors";
import { describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  bytes,
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

describe("acting users", () => {
  it("names the requestor of CreateTeamMembers and the as-user of AddUserToChannel as actors", async () => {
    const [ann, ben] = [await newUser("ann"), await newUser("ben")];
    const team = await newTeam("crew");
    const { members } = await world.a.createTeamMembers({
      teamId: team.id,
      userIds: [ann.id, ben.id],
      requestorId: ann.id,
    });
    expect(members.map((member) => member.userId)).toEqual([ann.id, ben.id]);
    expect(callsOf("addTeamMember")[0]?.actor).toMatchObject({
      pluginId: PLUGIN_A,
      userId: ann.id,
    });
    const town = await newChannel(team, "town");
    await world.a.addUserToChannel({ channelId: town.id, userId: ben.id, asUserId: ann.id });
    expect(callsOf("addChannelMember")[0]?.actor).toMatchObject({ userId: ann.id });
    await world.a.addUserToChannel({ channelId: town.id, userId: ann.id });
    expect(callsOf("addChannelMember")[1]?.actor).toEqual({ pluginId: PLUGIN_A });
  });
});

describe("reads", () => {
  it("pages a user's memberships and answers NotFound for a missing one", async () => {
    const ann = await newUser("ann");
    for (const name of ["t-a", "t-b", "t-c"]) {
      await world.store.addTeamMember((await newTeam(name)).id, ann.id);
    }
    const page = await world.a.getTeamMembersForUser({
      userId: ann.id,
      paging: { page: 1, perPage: 2 },
    });
    expect(page.members).toHaveLength(1);
    const team = await newTeam("crew");
    const error = await failureOf(world.a.getTeamMember({ teamId: team.id, userId: ann.id }));
    expect(error).toBeInstanceOf(NotFoundError);
    const town = await newChannel(team, "town");
    const missing = await failureOf(
      world.a.getChannelMember({ channelId: town.id, userId: ann.id }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((await world.a.getChannelStats({ channelId: town.id })).stats?.memberCount).toBe(0n);
    expect((await world.a.getTeamStats({ teamId: team.id })).stats?.totalMemberCount).toBe(0n);
  });

  it("answers NotFound for a team without an icon, and the icon once set", async () => {
    const team = await newTeam("crew");
    expect(await failureOf(world.a.getTeamIcon({ teamId: team.id }))).toBeInstanceOf(NotFoundError);
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 1);
    await world.a.setTeamIcon({ teamId: team.id, data: png });
    expect((await world.a.getTeamIcon({ teamId: team.id })).image).toEqual(png);
  });
});

describe("bad requests", () => {
  it("refuses requests without their ids, naming the field", async () => {
    const a = world.a;
    await expectInvalid(a.getUsersInChannel({}), "channel_id");
    await expectInvalid(a.getUsersInTeam({}), "team_id");
    await expectInvalid(a.getProfileImage({}), "user_id");
    await expectInvalid(a.setProfileImage({}), "user_id");
    await expectInvalid(a.deleteUser({}), "user_id");
    await expectInvalid(a.updateUserActive({}), "user_id");
    await expectInvalid(a.searchUsers({ limit: 5000 }), "limit");
    await expectInvalid(a.getTeamMember({ teamId: "t" }), "user_id");
    await expectInvalid(a.getTeamMembersForUser({}), "user_id");
    await expectInvalid(a.getTeamsForUser({}), "user_id");
    await expectInvalid(a.getTeamsUnreadForUser({}), "user_id");
    await expectInvalid(a.getTeamStats({}), "team_id");
    await expectInvalid(a.updateTeam({}), "team");
    await expectInvalid(a.deleteTeam({}), "team_id");
    await expectInvalid(a.createTeamMembers({}), "team_id");
    await expectInvalid(a.getTeamIcon({}), "team_id");
    await expectInvalid(a.setTeamIcon({}), "team_id");
    await expectInvalid(a.getChannelMember({ channelId: "c" }), "user_id");
    await expectInvalid(a.getChannelMembersForUser({ teamId: "t" }), "user_id");
    await expectInvalid(a.getChannelMembersByIds({}), "channel_id");
    await expectInvalid(a.getChannelsForTeamForUser({}), "team_id");
    await expectInvalid(a.getPublicChannelsForTeam({}), "team_id");
    await expectInvalid(a.getChannelByNameForTeamName({}), "team_name");
    await expectInvalid(a.getGroupChannel({ userIds: ["x"] }), "user_ids");
    await expectInvalid(a.addUserToChannel({}), "channel_id");
    await expectInvalid(a.searchChannels({}), "team_id");
    await expectInvalid(a.getChannelStats({}), "channel_id");
    await expectInvalid(a.patchChannel({ channelId: "c" }), "patch");
    await expectInvalid(a.updateChannelMemberNotifications({ channelId: "c" }), "user_id");
    await expectInvalid(a.getChannelSidebarCategories({ userId: "u" }), "team_id");
  });

  it("answers NotFound for unknown ids, and empty lists for searches that find nothing", async () => {
    const unknown = "x".repeat(26);
    const byName = world.a.getChannelByNameForTeamName({ teamName: "nope", channelName: "town" });
    expect(await failureOf(byName)).toBeInstanceOf(NotFoundError);
    const sidebar = world.a.getChannelSidebarCategories({ userId: unknown, teamId: unknown });
    expect(await failureOf(sidebar)).toBeInstanceOf(NotFoundError);
    expect(await failureOf(world.a.getTeamStats({ teamId: unknown }))).toBeInstanceOf(
      NotFoundError,
    );
    expect((await world.a.getUsersByUsernames({ usernames: ["nobody"] })).users).toEqual([]);
    expect((await world.a.searchTeams({ term: unknown })).teams).toEqual([]);
  });
});
