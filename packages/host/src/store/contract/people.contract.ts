// The contract of what UserStore, TeamStore and ChannelStore answer about people: filtered and
// searched user lists, a user's teams, channels and memberships, unread counts kept as posts
// arrive, statistics, pictures and icons, group channels, marking channels read.
// It uses only the Store interface; ../README.md says how to run it.
import { NotFoundError } from "@plugwire/errors";
import { describe, expect } from "vitest";
import {
  bytes,
  newChannel,
  newPost,
  newTeam,
  newUser,
  type OpenStore,
  page,
  storeTest,
} from "./store-test.js";

export function peopleContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("people: users", () => {
    it("filters users by team and channel membership or its absence, and sorts them", async ({
      store,
      clock,
    }) => {
      const ann = await newUser(store, "ann");
      clock.time += 1;
      const ben = await newUser(store, "ben");
      clock.time += 1;
      await newUser(store, "cat");
      const team = await newTeam(store, "crew");
      await store.addTeamMember(team.id, ann.id);
      await store.addTeamMember(team.id, ben.id);
      const town = await newChannel(store, team, "town");
      await store.addChannelMember(town.id, ann.id);
      const names = async (query: Parameters<typeof store.getUsers>[0]) =>
        (await store.getUsers(query)).map((user) => user.username);
      expect(await names({ ...page(), notInTeamId: team.id })).toEqual(["cat"]);
      expect(await names({ ...page(), inTeamId: team.id, notInChannelId: town.id })).toEqual([
        "ben",
      ]);
      expect(await names({ ...page(), sort: "create_at" })).toEqual(["cat", "ben", "ann"]);
    });

    it("searches by a prefix of the username, names, nickname or e-mail", async ({ store }) => {
      await newUser(store, "ann", { firstName: "Zoe" });
      await newUser(store, "ben", { nickname: "100%" });
      const found = async (term: string) =>
        (await store.searchUsers(term, page())).map((user) => user.username);
      expect(await found("zo")).toEqual(["ann"]);
      expect(await found("AN")).toEqual(["ann"]);
      expect(await found("100%")).toEqual(["ben"]);
      expect(await found("%")).toEqual([]);
      expect(await found("")).toEqual(["ann", "ben"]);
    });

    it("finds users by usernames, reactivates them, and keeps their picture", async ({
      store,
      clock,
    }) => {
      const ann = await newUser(store, "ann");
      expect((await store.getUsersByUsernames(["ann", "nobody"])).map((user) => user.id)).toEqual([
        ann.id,
      ]);
      await store.deactivateUser(ann.id);
      expect((await store.reactivateUser(ann.id)).deleteAt).toBe(0n);
      expect(await store.getProfileImage(ann.id)).toBeUndefined();
      clock.time += 5;
      const updated = await store.setProfileImage(ann.id, bytes(1, 2, 3));
      expect(updated.lastPictureUpdate).toBe(BigInt(clock.time));
      expect(await store.getProfileImage(ann.id)).toEqual(bytes(1, 2, 3));
      await expect(store.getProfileImage("nobody")).rejects.toMatchObject({
        name: "NotFoundError",
      });
    });
  });

  describe("people: teams", () => {
    it("answers a user's teams and memberships, the team's stats, searches and deletes", async ({
      store,
    }) => {
      const ann = await newUser(store, "ann");
      const ben = await newUser(store, "ben");
      const crew = await newTeam(store, "crew");
      const gone = await newTeam(store, "gone");
      await store.addTeamMember(crew.id, ann.id);
      await store.addTeamMember(crew.id, ben.id);
      await store.addTeamMember(gone.id, ann.id);
      await store.deactivateUser(ben.id);
      expect(await store.getTeamStats(crew.id)).toMatchObject({
        teamId: crew.id,
        totalMemberCount: 2n,
        activeMemberCount: 1n,
      });
      expect((await store.deleteTeam(gone.id)).deleteAt).toBeGreaterThan(0n);
      expect((await store.getTeamsForUser(ann.id)).map((team) => team.id)).toEqual([crew.id]);
      expect((await store.getTeamMembersForUser(ann.id)).map((m) => m.teamId)).toEqual([crew.id]);
      expect((await store.searchTeams("RE")).map((team) => team.name)).toEqual(["crew"]);
      expect(await store.getTeamIcon(crew.id)).toBeUndefined();
      await store.setTeamIcon(crew.id, bytes(9));
      expect(await store.getTeamIcon(crew.id)).toEqual(bytes(9));
      await store.removeTeamIcon(crew.id);
      expect(await store.getTeamIcon(crew.id)).toBeUndefined();
      await store.removeTeamIcon(crew.id);
      await expect(store.removeTeamIcon("t404")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("counts unread messages and @mentions per team, and viewing clears them", async ({
      store,
      clock,
    }) => {
      const ann = await newUser(store, "ann");
      const ben = await newUser(store, "ben");
      const team = await newTeam(store, "crew");
      await store.addTeamMember(team.id, ann.id);
      const town = await newChannel(store, team, "town");
      await store.addChannelMember(town.id, ann.id);
      await store.addChannelMember(town.id, ben.id);
      await newPost(store, town, ben, { message: "hi @ann." });
      clock.time += 10;
      const last = await newPost(store, town, ben, { message: "@annie is not ann" });
      expect(await store.getTeamsUnreadForUser(ann.id)).toEqual([
        expect.objectContaining({ teamId: team.id, msgCount: 2n, mentionCount: 1n }),
      ]);
      expect(await store.getTeamsUnreadForUser(ann.id, team.id)).toEqual([]);
      // The poster has read up to their post.
      expect(await store.getChannelMember(town.id, ben.id)).toMatchObject({
        msgCount: 2n,
        lastViewedAt: last.createAt,
      });
      expect(await store.viewChannels(ann.id, [town.id, "not-a-channel"])).toEqual({
        [town.id]: last.createAt,
      });
      expect(await store.getChannelMember(town.id, ann.id)).toMatchObject({
        msgCount: 2n,
        mentionCount: 0n,
        lastViewedAt: last.createAt,
      });
    });
  });

  describe("people: channels", () => {
    it("answers a user's channels of a team with their direct ones, and their memberships", async ({
      store,
    }) => {
      const ann = await newUser(store, "ann");
      const ben = await newUser(store, "ben");
      const team = await newTeam(store, "crew");
      const town = await newChannel(store, team, "town", { displayName: "Town" });
      await newChannel(store, team, "secret", { type: "P", displayName: "Secret" });
      const archived = await newChannel(store, team, "old", { displayName: "Old" });
      await store.addChannelMember(town.id, ann.id);
      await store.addChannelMember(archived.id, ann.id);
      await store.deleteChannel(archived.id);
      const direct = await store.getOrCreateDirectChannel(ann.id, ben.id);
      const ids = async (includeDeleted: boolean) =>
        (await store.getChannelsForTeamForUser(team.id, ann.id, includeDeleted))
          .map((channel) => channel.id)
          .sort();
      expect(await ids(false)).toEqual([town.id, direct.id].sort());
      expect(await ids(true)).toEqual([town.id, direct.id, archived.id].sort());
      expect(
        (await store.getChannelMembersForUser(team.id, ann.id)).map((m) => m.channelId).sort(),
      ).toEqual([town.id, direct.id].sort());
      expect(
        (await store.getChannelMembersByIds(town.id, [ann.id, ben.id])).map((m) => m.userId),
      ).toEqual([ann.id]);
      expect((await store.getPublicChannelsForTeam(team.id, page())).map((c) => c.id)).toEqual([
        town.id,
      ]);
      expect((await store.searchChannels(team.id, "OW")).map((c) => c.id)).toEqual([town.id]);
      expect(await store.searchChannels(team.id, "secret")).toEqual([]);
    });

    it("counts a channel's active members and pinned posts", async ({ store }) => {
      const ann = await newUser(store, "ann");
      const ben = await newUser(store, "ben");
      const team = await newTeam(store, "crew");
      const town = await newChannel(store, team, "town");
      await store.addChannelMember(town.id, ann.id);
      await store.addChannelMember(town.id, ben.id);
      await store.deactivateUser(ben.id);
      await newPost(store, town, ann, { isPinned: true });
      await newPost(store, town, ann);
      expect(await store.getChannelStats(town.id)).toMatchObject({
        channelId: town.id,
        memberCount: 1n,
        pinnedpostCount: 1n,
        filesCount: 0n,
      });
      await expect(store.getChannelStats("nope")).rejects.toMatchObject({
        name: "NotFoundError",
      });
    });

    it("gets or creates the group channel of 3 to 8 users, named as Mattermost names it", async ({
      store,
    }) => {
      const [ann, ben, cat] = [
        await newUser(store, "ann"),
        await newUser(store, "ben"),
        await newUser(store, "cat"),
      ];
      const group = await store.getOrCreateGroupChannel([cat.id, ann.id, ben.id]);
      expect(group).toMatchObject({ type: "G", teamId: "", displayName: "ann, ben, cat" });
      expect(group.name).toMatch(/^[0-9a-f]{40}$/);
      expect((await store.getOrCreateGroupChannel([ann.id, ben.id, cat.id])).id).toBe(group.id);
      expect((await store.getChannelMembers(group.id, page())).length).toBe(3);
      await expect(store.getOrCreateGroupChannel([ann.id, ben.id])).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "user_ids" },
      });
    });

    it("merges notification settings into a membership", async ({ store }) => {
      const ann = await newUser(store, "ann");
      const team = await newTeam(store, "crew");
      const town = await newChannel(store, team, "town");
      await store.addChannelMember(town.id, ann.id);
      const member = await store.updateChannelMemberNotifyProps(town.id, ann.id, {
        desktop: "none",
      });
      expect(member.notifyProps).toMatchObject({ desktop: "none", push: "default" });
      expect((await store.getChannelMember(town.id, ann.id))?.notifyProps.desktop).toBe("none");
      await expect(
        store.updateChannelMemberNotifyProps(town.id, "nobody", {}),
      ).rejects.toMatchObject({ name: "NotFoundError" });
    });

    it("patches the notification settings of several memberships, all or none", async ({
      store,
      clock,
    }) => {
      const ann = await newUser(store, "ann");
      const ben = await newUser(store, "ben");
      const team = await newTeam(store, "crew");
      const town = await newChannel(store, team, "town");
      const dev = await newChannel(store, team, "dev");
      for (const channel of [town, dev]) await store.addChannelMember(channel.id, ann.id);
      await store.addChannelMember(town.id, ben.id);
      await store.updateChannelMemberNotifyProps(town.id, ben.id, { push: "none" });
      clock.time += 50;
      const patched = await store.patchChannelMembersNotifyProps(
        [
          { channelId: dev.id, userId: ann.id },
          { channelId: town.id, userId: ben.id },
        ],
        { mark_unread: "mention", desktop: "none" },
      );
      expect(patched.map((m) => [m.channelId, m.userId])).toEqual([
        [dev.id, ann.id],
        [town.id, ben.id],
      ]);
      expect(patched[1]?.notifyProps).toMatchObject({
        mark_unread: "mention",
        desktop: "none",
        push: "none",
      });
      expect(patched[0]?.lastUpdateAt).toBe(BigInt(clock.time));
      expect((await store.getChannelMember(town.id, ann.id))?.notifyProps.mark_unread).toBe("all");

      await expect(
        store.patchChannelMembersNotifyProps(
          [
            { channelId: town.id, userId: ann.id },
            { channelId: dev.id, userId: ben.id },
          ],
          { desktop: "all" },
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.getChannelMember(town.id, ann.id))?.notifyProps.desktop).toBe("default");
      expect(await store.patchChannelMembersNotifyProps([], { desktop: "all" })).toEqual([]);
    });
  });
}
