// The PluginAPI's calls about users, teams and channels, made by a real plugin process over
// its socket against a real host: at least one per group, plus their errors.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import {
  type Channel,
  ChannelSchema,
  CommandArgsSchema,
  type Team,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHost, type Host } from "../../src/host.js";
import { MemoryFileStore } from "../../src/store/memory-file-store.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../test-fixtures/e2e");
let dataDir: string;
let host: Host;
let ann: User;
let ben: User;
let cat: User;
let team: Team;
let town: Channel;

/** Has the plugin call `method` with `args`; answers what it got back. */
async function call(method: string, ...args: unknown[]) {
  const response = await host.app.executeCommand(
    {},
    create(CommandArgsSchema, {
      userId: ann.id,
      command: `/people ${method} ${JSON.stringify(args)}`,
    }),
  );
  return JSON.parse(response.text);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pw-people-"));
  host = await createHost({ dataDir, files: new MemoryFileStore(), log: () => {} });
  await host.loadPlugin(join(fixtures, "people-api"));
  await host.enablePlugin("com.test.people-api");
  const user = (username: string) =>
    host.app.createUser({}, create(UserSchema, { username, email: `${username}@example.com` }));
  ann = await user("ann");
  ben = await user("ben");
  cat = await user("cat");
  team = await host.app.createTeam(
    {},
    create(TeamSchema, { name: "crew", displayName: "Crew", type: "O" }),
  );
  await host.app.addTeamMember({}, team.id, ann.id, { admin: true });
  town = await host.app.createChannel(
    { userId: ann.id },
    create(ChannelSchema, {
      teamId: team.id,
      name: "town",
      displayName: "Town",
      type: "O",
      creatorId: ann.id,
    }),
    { addCreator: true },
  );
});

afterAll(async () => {
  await host?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("users", () => {
  it("finds users by usernames and by search, and lists a team's and a channel's", async () => {
    const byName = await call("getUsersByUsernames", ["ben", "Cat", "nobody"]);
    expect(byName.result.map((u: User) => u.username)).toEqual(["ben", "cat"]);
    const found = await call("searchUsers", { term: "be" });
    expect(found.result.map((u: User) => u.username)).toEqual(["ben"]);
    expect((await call("getUsersInTeam", team.id)).result.map((u: User) => u.id)).toEqual([ann.id]);
    expect((await call("getUsersInChannel", town.id, "username")).result).toHaveLength(1);
    expect(await call("getUsersInChannel", town.id, "random")).toMatchObject({
      error: "ValidationError",
      field: "sort_by",
    });
  });

  it("answers a generated PNG picture until one is set, then the one set", async () => {
    const generated = await call("getProfileImage", ben.id);
    expect(generated.result.head).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const jpeg = [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3];
    expect(await call("setProfileImage", ben.id, { bytes: jpeg })).toEqual({ result: null });
    expect((await call("getProfileImage", ben.id)).result).toEqual({
      length: jpeg.length,
      head: jpeg.slice(0, 4),
    });
    expect((await host.app.getUser(ben.id)).lastPictureUpdate).toBeGreaterThan(0n);
    expect(await call("setProfileImage", ben.id, { bytes: [1, 2, 3] })).toMatchObject({
      error: "ValidationError",
      field: "data",
    });
  });

  it("deactivates with DeleteUser and reactivates with UpdateUserActive", async () => {
    await call("deleteUser", cat.id);
    expect((await host.app.getUser(cat.id)).deleteAt).toBeGreaterThan(0n);
    await call("updateUserActive", cat.id, true);
    expect((await host.app.getUser(cat.id)).deleteAt).toBe(0n);
    expect(await call("deleteUser", "x".repeat(26))).toMatchObject({ error: "NotFoundError" });
  });
});

describe("teams", () => {
  it("adds members, reads memberships, teams, stats, unreads, and searches", async () => {
    const added = await call("createTeamMembers", team.id, [ben.id, cat.id], ann.id);
    expect(added.result.map((m: { userId: string }) => m.userId)).toEqual([ben.id, cat.id]);
    expect((await call("getTeamMember", team.id, ben.id)).result).toMatchObject({
      teamId: team.id,
      userId: ben.id,
    });
    expect((await call("getTeamsForUser", ben.id)).result.map((t: Team) => t.id)).toEqual([
      team.id,
    ]);
    expect((await call("getTeamMembersForUser", ben.id)).result).toHaveLength(1);
    expect((await call("getTeamStats", team.id)).result).toMatchObject({
      totalMemberCount: 3,
      activeMemberCount: 3,
    });
    expect((await call("getTeamsUnreadForUser", ann.id)).result).toEqual([
      expect.objectContaining({ teamId: team.id, msgCount: 0, mentionCount: 0 }),
    ]);
    expect((await call("searchTeams", "cre")).result.map((t: Team) => t.name)).toEqual(["crew"]);
  });

  it("answers NotFound for a team icon until one is set, and for a missing membership", async () => {
    expect(await call("getTeamIcon", team.id)).toMatchObject({ error: "NotFoundError" });
    await call("setTeamIcon", team.id, { bytes: [0x89, 0x50, 0x4e, 0x47, 0] });
    expect((await call("getTeamIcon", team.id)).result.length).toBe(5);
    const other = await host.app.createTeam({}, create(TeamSchema, { name: "other", type: "O" }));
    expect(await call("getTeamMember", other.id, ben.id)).toMatchObject({ error: "NotFoundError" });
  });

  it("updates a team and soft-deletes another", async () => {
    const updated = await call("updateTeam", {
      id: team.id,
      displayName: "Crew",
      description: "Us",
    });
    expect(updated.result).toMatchObject({ id: team.id, description: "Us" });
    const gone = await host.app.createTeam({}, create(TeamSchema, { name: "gone", type: "O" }));
    await call("deleteTeam", gone.id);
    expect((await host.app.getTeam(gone.id)).deleteAt).toBeGreaterThan(0n);
  });
});

describe("channels", () => {
  it("adds a user as another, reads memberships, channels, stats and searches", async () => {
    const member = await call("addUserToChannel", town.id, ben.id, ann.id);
    expect(member.result).toMatchObject({ channelId: town.id, userId: ben.id });
    expect((await call("getChannelMember", town.id, ben.id)).result.userId).toBe(ben.id);
    expect(await call("getChannelMember", town.id, cat.id)).toMatchObject({
      error: "NotFoundError",
    });
    const byIds = await call("getChannelMembersByIds", town.id, [ben.id, cat.id]);
    expect(byIds.result.map((m: { userId: string }) => m.userId)).toEqual([ben.id]);
    expect((await call("getChannelMembersForUser", team.id, ben.id)).result).toHaveLength(1);
    const mine = await call("getChannelsForTeamForUser", team.id, ben.id, false);
    expect(mine.result.map((c: Channel) => c.id)).toEqual([town.id]);
    expect((await call("getPublicChannelsForTeam", team.id)).result).toHaveLength(1);
    expect((await call("getChannelByNameForTeamName", "crew", "town")).result.id).toBe(town.id);
    expect((await call("searchChannels", team.id, "ow")).result.map((c: Channel) => c.id)).toEqual([
      town.id,
    ]);
    expect((await call("getChannelStats", town.id)).result).toMatchObject({
      channelId: town.id,
      memberCount: 2,
      pinnedpostCount: 0,
    });
  });

  it("patches a channel and a member's notification settings", async () => {
    const patched = await call("patchChannel", town.id, { header: "Hi" });
    expect(patched.result).toMatchObject({ header: "Hi", displayName: "Town", name: "town" });
    const member = await call("updateChannelMemberNotifications", town.id, ben.id, {
      desktop: "none",
    });
    expect(member.result.notifyProps).toMatchObject({ desktop: "none", push: "default" });
  });

  it("gets or creates a group channel, and answers the default sidebar categories", async () => {
    const group = await call("getGroupChannel", [ann.id, ben.id, cat.id]);
    expect(group.result).toMatchObject({ type: "G", displayName: "ann, ben, cat" });
    expect((await call("getGroupChannel", [cat.id, ben.id, ann.id])).result.id).toBe(
      group.result.id,
    );
    expect(await call("getGroupChannel", [ann.id, ben.id])).toMatchObject({
      error: "ValidationError",
      field: "user_ids",
    });
    const sidebar = await call("getChannelSidebarCategories", ben.id, team.id);
    expect(sidebar.result.order).toEqual([
      `favorites_${ben.id}_${team.id}`,
      `channels_${ben.id}_${team.id}`,
      `direct_messages_${ben.id}_${team.id}`,
    ]);
    expect(sidebar.result.categories[1].channelIds).toEqual([town.id]);
    expect(sidebar.result.categories[2].channelIds).toEqual([group.result.id]);
  });
});
