// The contract of GroupStore: user groups, their members and their links to teams and
// channels. It uses only the Store interface; ../README.md says how to run it.

import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import { type Group, GroupSchema, GroupSyncableSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { Store } from "../store.js";
import {
  newChannel,
  newTeam,
  newUser,
  type OpenStore,
  page,
  START,
  storeTest,
} from "./store-test.js";

type GroupInit = Omit<Partial<Group>, "$typeName">;

const newGroup = (store: Store, name: string, init: GroupInit = {}) =>
  store.createGroup(
    create(GroupSchema, {
      name,
      displayName: name.toUpperCase(),
      source: "custom",
      allowReference: true,
      ...init,
    }),
  );

export function groupStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("groups", () => {
    it("stores a group with a new id and the time, and reads it by id and name", async ({
      store,
    }) => {
      const group = await newGroup(store, "devs", { description: "the developers" });
      expect(group.id).toHaveLength(26);
      expect(group).toMatchObject({
        name: "devs",
        displayName: "DEVS",
        description: "the developers",
        source: "custom",
        createAt: BigInt(START),
        updateAt: BigInt(START),
        deleteAt: 0n,
        allowReference: true,
        hasSyncables: false,
      });
      expect(group.memberCount).toBeUndefined();
      expect(await store.getGroup(group.id)).toEqual(group);
      expect(await store.getGroupByName("devs")).toEqual(group);
      await expect(store.getGroup("g404")).rejects.toMatchObject({
        id: "store.group.not_found",
      });
      await expect(store.getGroupByName("nobody")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("keeps names unique among groups and usernames, remote ids per source", async ({
      store,
    }) => {
      await newUser(store, "ann");
      await newGroup(store, "devs");
      await expect(newGroup(store, "devs")).rejects.toMatchObject({
        id: "app.custom_group.unique_name",
      });
      await expect(newGroup(store, "ann")).rejects.toMatchObject({
        id: "app.group.username_conflict",
      });
      const synced = await newGroup(store, "", {
        source: "plugin_sync",
        remoteId: "r1",
        allowReference: false,
      });
      await newGroup(store, "", { source: "plugin_other", remoteId: "r1", allowReference: false });
      await expect(
        newGroup(store, "", { source: "plugin_sync", remoteId: "r1" }),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await store.getGroupByRemoteId("r1", "plugin_sync")).id).toBe(synced.id);
      await expect(store.getGroupByRemoteId("r1", "ldap")).rejects.toBeInstanceOf(NotFoundError);
      // Groups without a name don't clash with each other.
      expect(synced.name).toBe("");
    });

    it("updates what may change and keeps source, remote id and creation", async ({
      store,
      clock,
    }) => {
      const group = await newGroup(store, "devs", { source: "plugin_x", remoteId: "r" });
      await newGroup(store, "ops");
      clock.time += 1000;
      const updated = await store.updateGroup(
        create(GroupSchema, {
          ...group,
          name: "developers",
          displayName: "Developers",
          description: "new",
          allowReference: false,
          source: "custom",
          remoteId: "other",
          createAt: 1n,
        }),
      );
      expect(updated).toMatchObject({
        name: "developers",
        displayName: "Developers",
        description: "new",
        allowReference: false,
        source: "plugin_x",
        remoteId: "r",
        createAt: group.createAt,
        updateAt: BigInt(START + 1000),
      });
      expect(await store.getGroup(group.id)).toEqual(updated);
      await expect(
        store.updateGroup(create(GroupSchema, { ...updated, name: "ops" })),
      ).rejects.toMatchObject({ id: "app.custom_group.unique_name" });
      await expect(
        store.updateGroup(create(GroupSchema, { id: "g404", name: "x" })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("deletes and restores a group, each only from the other state", async ({ store, clock }) => {
      const group = await newGroup(store, "devs");
      clock.time += 5;
      const deleted = await store.setGroupDeleted(group.id, true);
      expect(deleted.deleteAt).toBe(BigInt(START + 5));
      await expect(store.setGroupDeleted(group.id, true)).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.getGroup(group.id)).deleteAt).toBe(BigInt(START + 5));
      expect(await store.getGroups({ ...page() })).toEqual([]);
      expect((await store.getGroups({ ...page(), deleted: "deleted" })).map((g) => g.id)).toEqual([
        group.id,
      ]);
      const restored = await store.setGroupDeleted(group.id, false);
      expect(restored.deleteAt).toBe(0n);
      await expect(store.setGroupDeleted(group.id, false)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("filters and pages groups by display name", async ({ store, clock }) => {
      const ann = await newUser(store, "ann");
      const team = await newTeam(store, "t");
      const b = await newGroup(store, "b-team", { displayName: "Backend people" });
      clock.time += 10;
      const a = await newGroup(store, "a-team", { displayName: "Apps", allowReference: false });
      const c = await newGroup(store, "", {
        displayName: "Corp directory",
        source: "plugin_dir",
        remoteId: "c",
        allowReference: false,
      });
      await store.upsertGroupMembers(b.id, [ann.id]);
      await store.saveGroupSyncable(
        create(GroupSyncableSchema, { groupId: a.id, syncableId: team.id, type: "team" }),
      );
      const ids = (groups: Group[]) => groups.map((group) => group.id);
      expect(ids(await store.getGroups(page()))).toEqual([a.id, b.id, c.id]);
      expect(ids(await store.getGroups(page(2, 1)))).toEqual([c.id]);
      expect(ids(await store.getGroups({ ...page(), term: "PEO" }))).toEqual([b.id]);
      expect(ids(await store.getGroups({ ...page(), term: "a-" }))).toEqual([a.id]);
      expect(ids(await store.getGroups({ ...page(), term: "%" }))).toEqual([]);
      expect(ids(await store.getGroups({ ...page(), source: "custom" }))).toEqual([a.id, b.id]);
      expect(ids(await store.getGroups({ ...page(), hasMember: ann.id }))).toEqual([b.id]);
      expect(ids(await store.getGroups({ ...page(), notInTeamId: team.id }))).toEqual([b.id, c.id]);
      expect(ids(await store.getGroups({ ...page(), allowReferenceOnly: true }))).toEqual([b.id]);
      expect(ids(await store.getGroups({ ...page(), since: BigInt(START + 10) }))).toEqual([
        a.id,
        c.id,
      ]);
      const [withCount] = await store.getGroups({
        ...page(),
        hasMember: ann.id,
        includeMemberCount: true,
      });
      expect(withCount?.memberCount).toBe(1n);
      expect((await store.getGroup(a.id)).hasSyncables).toBe(true);
    });
  });

  describe("group members", () => {
    it("adds, keeps, ends and restores memberships, counting active accounts", async ({
      store,
      clock,
    }) => {
      const group = await newGroup(store, "devs");
      const ann = await newUser(store, "ann");
      const bob = await newUser(store, "bob");
      const eve = await newUser(store, "eve", { deleteAt: 1n });
      const members = await store.upsertGroupMembers(group.id, [bob.id, ann.id, eve.id]);
      expect(members.map((m) => [m.userId, m.createAt, m.deleteAt])).toEqual([
        [bob.id, BigInt(START), 0n],
        [ann.id, BigInt(START), 0n],
        [eve.id, BigInt(START), 0n],
      ]);
      expect((await store.getGroupMemberUsers(group.id, page())).map((u) => u.username)).toEqual([
        "ann",
        "bob",
      ]);
      expect(await store.countGroupMembers(group.id)).toBe(2n);
      expect((await store.getGroupsForUser(ann.id)).map((g) => g.id)).toEqual([group.id]);
      expect(
        (await store.getUsers({ ...page(), inGroupId: group.id })).map((u) => u.username),
      ).toEqual(["ann", "bob", "eve"]);

      clock.time += 7;
      const ended = await store.deleteGroupMember(group.id, ann.id);
      expect(ended).toMatchObject({ userId: ann.id, deleteAt: BigInt(START + 7) });
      await expect(store.deleteGroupMember(group.id, ann.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.getGroupsForUser(ann.id)).toEqual([]);
      expect(await store.countGroupMembers(group.id)).toBe(1n);

      const [again] = await store.upsertGroupMembers(group.id, [ann.id]);
      expect(again).toMatchObject({ createAt: BigInt(START), deleteAt: 0n });
    });

    it("adds none when a group or user is missing", async ({ store }) => {
      const group = await newGroup(store, "devs");
      const ann = await newUser(store, "ann");
      await expect(store.upsertGroupMembers(group.id, [ann.id, "u404"])).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await store.countGroupMembers(group.id)).toBe(0n);
      await expect(store.upsertGroupMembers("g404", [ann.id])).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe("group syncables", () => {
    it("links a group to teams and channels, changes, deletes and restores links", async ({
      store,
      clock,
    }) => {
      const group = await newGroup(store, "devs");
      const team = await newTeam(store, "t");
      const channel = await newChannel(store, team, "town");
      const teamLink = await store.saveGroupSyncable(
        create(GroupSyncableSchema, {
          groupId: group.id,
          syncableId: team.id,
          type: "team",
          autoAdd: true,
        }),
      );
      expect(teamLink).toMatchObject({
        autoAdd: true,
        schemeAdmin: false,
        createAt: BigInt(START),
        updateAt: BigInt(START),
        deleteAt: 0n,
      });
      clock.time += 3;
      await store.saveGroupSyncable(
        create(GroupSyncableSchema, { groupId: group.id, syncableId: channel.id, type: "channel" }),
      );
      const changed = await store.saveGroupSyncable(
        create(GroupSyncableSchema, {
          ...teamLink,
          autoAdd: false,
          schemeAdmin: true,
          deleteAt: BigInt(START + 3),
        }),
      );
      expect(changed).toMatchObject({
        autoAdd: false,
        schemeAdmin: true,
        createAt: BigInt(START),
        updateAt: BigInt(START + 3),
        deleteAt: BigInt(START + 3),
      });
      expect(await store.getGroupSyncables(group.id, "team")).toEqual([]);
      expect((await store.getGroupSyncables(group.id, "channel")).map((s) => s.syncableId)).toEqual(
        [channel.id],
      );
      expect(await store.getGroupSyncable(group.id, team.id, "team")).toEqual(changed);
      await expect(store.getGroupSyncable(group.id, channel.id, "team")).rejects.toMatchObject({
        id: "store.group_syncable.not_found",
      });
      await expect(
        store.saveGroupSyncable(
          create(GroupSyncableSchema, { groupId: group.id, syncableId: "t404", type: "team" }),
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        store.saveGroupSyncable(
          create(GroupSyncableSchema, { groupId: "g404", syncableId: team.id, type: "team" }),
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("finds the members of auto_add groups missing from their teams and channels", async ({
      store,
      clock,
    }) => {
      const group = await newGroup(store, "devs");
      const team = await newTeam(store, "t");
      const channel = await newChannel(store, team, "town");
      const ann = await newUser(store, "ann");
      const bob = await newUser(store, "bob");
      const gone = await newUser(store, "gone");
      const bot = await newUser(store, "robot", { isBot: true });
      await store.upsertGroupMembers(group.id, [ann.id, bob.id, gone.id, bot.id]);
      await store.deactivateUser(gone.id);
      for (const [syncableId, type] of [
        [team.id, "team"],
        [channel.id, "channel"],
      ] as const) {
        await store.saveGroupSyncable(
          create(GroupSyncableSchema, { groupId: group.id, syncableId, type, autoAdd: true }),
        );
      }
      await store.addTeamMember(team.id, ann.id);
      const all = { since: 0n, reAddRemovedMembers: false };
      const pairs = (found: { userId: string; syncableId: string }[]) =>
        found.map((p) => `${p.syncableId === team.id ? "team" : "channel"}:${p.userId}`).sort();
      expect(pairs(await store.membersToAdd("team", all))).toEqual([`team:${bob.id}`]);
      expect(pairs(await store.membersToAdd("channel", all))).toEqual(
        [`channel:${ann.id}`, `channel:${bob.id}`].sort(),
      );
      expect(await store.membersToAdd("channel", all)).toContainEqual({
        userId: bob.id,
        syncableId: channel.id,
        teamId: team.id,
      });
      // Only since: group members and links are older than this.
      clock.time += 10;
      const later = { since: BigInt(clock.time), reAddRemovedMembers: false };
      expect(await store.membersToAdd("team", later)).toEqual([]);
      // Scopes.
      expect(pairs(await store.membersToAdd("channel", { ...all, userId: ann.id }))).toEqual([
        `channel:${ann.id}`,
      ]);
      expect(await store.membersToAdd("team", { ...all, syncableId: "elsewhere" })).toEqual([]);
      // Ann left the team: not found again, nor for its channel, unless re-adding.
      await store.removeTeamMember(team.id, ann.id);
      expect(pairs(await store.membersToAdd("team", all))).toEqual([`team:${bob.id}`]);
      expect(pairs(await store.membersToAdd("channel", all))).toEqual([`channel:${bob.id}`]);
      expect(
        pairs(await store.membersToAdd("team", { since: later.since, reAddRemovedMembers: true })),
      ).toEqual([`team:${ann.id}`, `team:${bob.id}`].sort());
    });

    it("finds the members of group-constrained teams and channels in none of their groups", async ({
      store,
    }) => {
      const group = await newGroup(store, "devs");
      const team = await newTeam(store, "t");
      const open = await newTeam(store, "o");
      const channel = await newChannel(store, team, "town");
      const ann = await newUser(store, "ann");
      const bob = await newUser(store, "bob");
      const bot = await newUser(store, "robot", { isBot: true });
      for (const user of [ann, bob, bot]) {
        await store.addTeamMember(team.id, user.id);
        await store.addTeamMember(open.id, user.id);
        await store.addChannelMember(channel.id, user.id);
      }
      await store.upsertGroupMembers(group.id, [ann.id]);
      for (const [syncableId, type] of [
        [team.id, "team"],
        [channel.id, "channel"],
      ] as const) {
        await store.saveGroupSyncable(
          create(GroupSyncableSchema, { groupId: group.id, syncableId, type }),
        );
      }
      const ids = (found: { userId: string; syncableId: string }[]) =>
        found.map((p) => `${p.syncableId}:${p.userId}`);
      // Nothing is constrained yet.
      expect(await store.membersToRemove("team")).toEqual([]);
      await store.updateTeam({ ...(await store.getTeam(team.id)), groupConstrained: true });
      await store.updateChannel({
        ...(await store.getChannel(channel.id)),
        groupConstrained: true,
      });
      expect(ids(await store.membersToRemove("team"))).toEqual([`${team.id}:${bob.id}`]);
      expect(await store.membersToRemove("channel")).toEqual([
        { userId: bob.id, syncableId: channel.id, teamId: team.id },
      ]);
      // A group membership that ended does not count.
      await store.deleteGroupMember(group.id, ann.id);
      expect(ids(await store.membersToRemove("team"))).toEqual(
        [`${team.id}:${ann.id}`, `${team.id}:${bob.id}`].sort(),
      );
    });
  });
}
