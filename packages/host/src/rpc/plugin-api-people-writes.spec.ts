// The people calls added for parity part 2 through the PluginAPI service: many memberships'
// notification settings at once, adding team members gracefully, removing a team's icon,
// restoring a channel, reading a channel of a given type, and sidebar categories. What the app reports to the
// websocket server is checked here; test/client4 follows the events to real clients.
import { NotFoundError, ValidationError } from "@plugwire/errors";
import type { Channel, Post, Team } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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

const events: { name: string; value: unknown }[] = [];
let unsubscribe: () => void;
beforeEach(() => {
  const record = (name: string) => (value: unknown) => events.push({ name, value });
  unsubscribe = world.hostApp.subscribe({
    channelMemberUpdated: record("channelMemberUpdated"),
    channelRestored: record("channelRestored"),
    teamUpdated: record("teamUpdated"),
    postCreated: record("postCreated"),
  });
});
afterEach(() => {
  unsubscribe();
  events.length = 0;
});
const eventsNamed = (name: string) => events.filter((e) => e.name === name).map((e) => e.value);

describe("PatchChannelMembersNotifications", () => {
  it("changes the settings of every membership named, and tells each member", async () => {
    const [ann, ben] = [await newUser("ann"), await newUser("ben")];
    const team = await newTeam("crew");
    const [town, dev] = [await newChannel(team, "town"), await newChannel(team, "dev")];
    await world.store.addChannelMember(town.id, ann.id);
    await world.store.addChannelMember(dev.id, ann.id);
    await world.store.addChannelMember(town.id, ben.id);
    await world.a.patchChannelMembersNotifications({
      members: [
        { channelId: town.id, userId: ann.id },
        { channelId: dev.id, userId: ann.id },
        { channelId: town.id, userId: ben.id },
      ],
      notifyProps: { mark_unread: "mention", automuted: "true" },
    });
    for (const [channelId, userId] of [
      [town.id, ann.id],
      [dev.id, ann.id],
      [town.id, ben.id],
    ] as const) {
      const member = await world.store.getChannelMember(channelId, userId);
      expect(member?.notifyProps).toMatchObject({
        mark_unread: "mention",
        automuted: "true",
        desktop: "default",
      });
    }
    expect(eventsNamed("channelMemberUpdated")).toHaveLength(3);
    expect(callsOf("patchChannelMembersNotifyProps")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
  });

  it("changes none when one membership is missing, a value is refused or there are over 200", async () => {
    const ann = await newUser("ann");
    const team = await newTeam("crew");
    const town = await newChannel(team, "town");
    await world.store.addChannelMember(town.id, ann.id);
    const mine = { channelId: town.id, userId: ann.id };
    const missing = world.a.patchChannelMembersNotifications({
      members: [mine, { channelId: town.id, userId: "x".repeat(26) }],
      notifyProps: { desktop: "none" },
    });
    expect(await failureOf(missing)).toBeInstanceOf(NotFoundError);

    const refused = await failureOf(
      world.a.patchChannelMembersNotifications({
        members: [mine],
        notifyProps: { desktop: "sometimes" },
      }),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({
      id: "model.channel_member.is_valid.notify_level.app_error",
      statusCode: 400,
      params: { field: "desktop" },
    });
    await expectInvalid(
      world.a.patchChannelMembersNotifications({
        members: [mine],
        notifyProps: { channel_auto_follow_threads: "yes" },
      }),
      "channel_auto_follow_threads",
    );
    await expectInvalid(
      world.a.patchChannelMembersNotifications({
        members: Array.from({ length: 201 }, () => mine),
        notifyProps: { desktop: "none" },
      }),
      "members",
    );
    await expectInvalid(
      world.a.patchChannelMembersNotifications({ members: [{ channelId: town.id }] }),
      "members.user_id",
    );
    expect((await world.store.getChannelMember(town.id, ann.id))?.notifyProps.desktop).toBe(
      "default",
    );
    expect(eventsNamed("channelMemberUpdated")).toEqual([]);
  });
});

describe("CreateTeamMembersGracefully", () => {
  it("adds who it can and reports per user why the others were not added", async () => {
    const [ann, ben] = [await newUser("ann"), await newUser("ben")];
    const team = await newTeam("crew");
    const nobody = "x".repeat(26);
    const { members } = await world.a.createTeamMembersGracefully({
      teamId: team.id,
      userIds: [ann.id, nobody, ben.id],
      requestorId: ann.id,
    });
    expect(members.map((m) => [m.userId, m.member?.teamId, m.error?.id])).toEqual([
      [ann.id, team.id, undefined],
      [nobody, undefined, "store.user.not_found"],
      [ben.id, team.id, undefined],
    ]);
    expect(members[1]?.error).toMatchObject({ statusCode: 404 });
    expect(await world.store.getTeamMember(team.id, ben.id)).toBeDefined();
    expect(callsOf("addTeamMembersGracefully")[0]?.actor).toMatchObject({ userId: ann.id });

    const gone = await world.a.createTeamMembersGracefully({
      teamId: nobody,
      userIds: [ann.id],
    });
    expect(gone.members[0]?.error?.id).toBe("store.team.not_found");
    await expectInvalid(world.a.createTeamMembersGracefully({}), "team_id");
  });
});

describe("RemoveTeamIcon", () => {
  it("removes the icon and tells the team, and a team without one is fine", async () => {
    const team = await newTeam("crew");
    await world.a.setTeamIcon({ teamId: team.id, data: bytes(0x89, 0x50, 0x4e, 0x47, 1) });
    await world.a.removeTeamIcon({ teamId: team.id });
    expect(await world.store.getTeamIcon(team.id)).toBeUndefined();
    expect(await failureOf(world.a.getTeamIcon({ teamId: team.id }))).toBeInstanceOf(NotFoundError);
    expect((eventsNamed("teamUpdated") as Team[]).map((t) => t.id)).toEqual([team.id]);
    await world.a.removeTeamIcon({ teamId: team.id });
    expect(await failureOf(world.a.removeTeamIcon({ teamId: "x".repeat(26) }))).toBeInstanceOf(
      NotFoundError,
    );
    await expectInvalid(world.a.removeTeamIcon({}), "team_id");
  });
});

describe("RestoreChannel", () => {
  it("brings an archived channel back and tells its team; a plugin posts no notice", async () => {
    const team = await newTeam("crew");
    const town = await newChannel(team, "town");
    await world.a.deleteChannel({ channelId: town.id });
    world.time += 10;
    await world.a.restoreChannel({ channelId: town.id });
    const restored = await world.store.getChannel(town.id);
    expect(restored).toMatchObject({ deleteAt: 0n, updateAt: BigInt(world.time) });
    expect((eventsNamed("channelRestored") as Channel[]).map((c) => c.id)).toEqual([town.id]);
    expect(eventsNamed("postCreated")).toEqual([]);

    const again = await failureOf(world.a.restoreChannel({ channelId: town.id }));
    expect(again).toMatchObject({
      name: "ValidationError",
      id: "api.channel.restore_channel.restored.app_error",
    });
    expect(await failureOf(world.a.restoreChannel({ channelId: "x".repeat(26) }))).toBeInstanceOf(
      NotFoundError,
    );
    await expectInvalid(world.a.restoreChannel({}), "channel_id");
  });

  it("posts system_channel_restored as the user who restores it", async () => {
    const ann = await newUser("ann");
    const team = await newTeam("crew");
    const town = await newChannel(team, "town");
    await world.store.deleteChannel(town.id);
    await world.hostApp.restoreChannel({ userId: ann.id }, town.id);
    const [post] = eventsNamed("postCreated") as Post[];
    expect(post).toMatchObject({
      channelId: town.id,
      userId: ann.id,
      type: "system_channel_restored",
      message: "ann unarchived the channel.",
    });
    expect(post?.props).toEqual({ username: "ann" });
  });
});

describe("GetChannelOfType", () => {
  it("answers the channel only when it is of the type asked", async () => {
    const team = await newTeam("crew");
    const town = await newChannel(team, "town");
    const { channel } = await world.a.getChannelOfType({ channelId: town.id, channelType: "O" });
    expect(channel?.id).toBe(town.id);
    const wrong = await failureOf(
      world.a.getChannelOfType({ channelId: town.id, channelType: "P" }),
    );
    expect(wrong).toBeInstanceOf(NotFoundError);
    expect(wrong).toMatchObject({ id: "app.channel.get.existing.app_error" });
    await expectInvalid(world.a.getChannelOfType({ channelId: town.id }), "channel_type");
    await expectInvalid(world.a.getChannelOfType({ channelType: "O" }), "channel_id");
  });
});

describe("CreateChannelSidebarCategory and UpdateChannelSidebarCategories", () => {
  it("makes a custom category of the user's channels and saves changes to the categories", async () => {
    const ann = await newUser("ann");
    const team = await newTeam("crew");
    await world.store.addTeamMember(team.id, ann.id);
    const [town, dev] = [await newChannel(team, "town"), await newChannel(team, "dev")];
    await world.store.addChannelMember(town.id, ann.id);
    await world.store.addChannelMember(dev.id, ann.id);
    const { category } = await world.a.createChannelSidebarCategory({
      userId: ann.id,
      teamId: team.id,
      category: { displayName: "Work", channelIds: [town.id, "x".repeat(26)] },
    });
    expect(category).toMatchObject({ type: "custom", displayName: "Work", channelIds: [town.id] });
    expect(callsOf("createSidebarCategory")[0]?.actor).toEqual({ pluginId: PLUGIN_A });

    const { categories, order } = await world.a.getChannelSidebarCategories({
      userId: ann.id,
      teamId: team.id,
    });
    expect(order[1]).toBe(category?.id);
    const channels = categories.find((c) => c.type === "channels");
    const saved = await world.a.updateChannelSidebarCategories({
      userId: ann.id,
      teamId: team.id,
      categories: [
        { id: category?.id, displayName: "Deep work", muted: true, channelIds: [town.id, dev.id] },
        { id: channels?.id, displayName: "Renamed", channelIds: [] },
      ],
    });
    expect(saved.categories.map((c) => [c.displayName, c.muted, c.channelIds])).toEqual([
      ["Deep work", true, [town.id, dev.id]],
      ["Channels", false, []],
    ]);
    for (const channelId of [town.id, dev.id]) {
      const member = await world.store.getChannelMember(channelId, ann.id);
      expect(member?.notifyProps.mark_unread).toBe("mention");
    }
    expect(eventsNamed("channelMemberUpdated")).toHaveLength(2);
  });

  it("refuses a user outside the team and a category that is not theirs", async () => {
    const [ann, ben] = [await newUser("ann"), await newUser("ben")];
    const team = await newTeam("crew");
    await world.store.addTeamMember(team.id, ben.id);
    const outside = world.a.createChannelSidebarCategory({
      userId: ann.id,
      teamId: team.id,
      category: { displayName: "Work" },
    });
    expect(await failureOf(outside)).toBeInstanceOf(NotFoundError);
    await world.store.addTeamMember(team.id, ann.id);
    const { order } = await world.a.getChannelSidebarCategories({
      userId: ben.id,
      teamId: team.id,
    });
    const theirs = world.a.updateChannelSidebarCategories({
      userId: ann.id,
      teamId: team.id,
      categories: [{ id: order[0] }],
    });
    expect(await failureOf(theirs)).toBeInstanceOf(NotFoundError);
    await expectInvalid(world.a.createChannelSidebarCategory({ userId: ann.id }), "team_id");
    await expectInvalid(world.a.updateChannelSidebarCategories({ teamId: team.id }), "user_id");
  });
});
