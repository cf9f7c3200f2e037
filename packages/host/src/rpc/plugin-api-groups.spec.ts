// The Plugin API's groups called from a real plugin process (the social test plugin, over its
// socket, through the SDK's typed methods): a plugin keeps its own "plugin_<name>" groups in
// step with another system (remote ids, members, links to teams and channels), the host's
// REST clients see the result, and bad input comes back as the error class naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import type {
  RestChannel,
  RestFixture,
  RestTeam,
  RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";
import {
  type PluginApiCalls,
  startSocialFixture,
} from "../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;
let team: RestTeam;
let channel: RestChannel;
/** The Plugin API of the social plugin, each call made in its process. */
let api: PluginApiCalls;

beforeAll(async () => {
  ({ f, api } = await startSocialFixture());
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  team = await f.newTeam(ann, [bob]);
  channel = await f.newChannel(team, ann, { name: "eng", displayName: "Engineering" }, [bob]);
});
afterAll(async () => {
  await f?.close();
});

describe("groups", () => {
  it("a plugin makes, finds, changes, deletes and restores its groups", async () => {
    const socket = await ClientSocket.connect(f.url, bob.token);
    try {
      const received = socket.next("received_group");
      const { result: group } = await api.createGroup({
        name: "sre",
        displayName: "Site reliability",
        description: "from the directory",
        source: "plugin_directory",
        remoteId: "cn=sre",
        allowReference: true,
      });
      expect(group).toMatchObject({
        name: "sre",
        source: "plugin_directory",
        remoteId: "cn=sre",
        deleteAt: 0,
      });
      expect(JSON.parse((await received).data.group)).toMatchObject({ id: group.id });

      expect((await api.getGroup(group.id)).result).toMatchObject({ id: group.id });
      expect((await api.getGroupByName("sre")).result).toMatchObject({ id: group.id });
      expect((await api.getGroupByRemoteID("cn=sre", "plugin_directory")).result).toMatchObject({
        id: group.id,
      });
      expect((await api.getGroupsBySource("plugin_directory")).result).toMatchObject([
        { id: group.id },
      ]);
      expect((await api.getGroups({}, { q: "site", source: "plugin_directory" })).result).toEqual([
        expect.objectContaining({ id: group.id }),
      ]);

      const { result: updated } = await api.updateGroup({
        ...group,
        displayName: "SRE",
        source: "custom",
      });
      expect(updated).toMatchObject({ displayName: "SRE", source: "plugin_directory" });

      expect((await api.deleteGroup(group.id)).result.deleteAt).toBeGreaterThan(0);
      expect((await api.getGroupsBySource("plugin_directory")).result).toEqual([]);
      expect((await api.restoreGroup(group.id)).result.deleteAt).toBe(0);
    } finally {
      socket.close();
    }
  });

  it("keeps members, and REST clients see them", async () => {
    const { result: group } = await api.createGroup({
      name: "oncall",
      displayName: "On call",
      source: "plugin_directory",
      remoteId: "cn=oncall",
      allowReference: true,
    });
    const { result: member } = await api.upsertGroupMember(group.id, ann.id);
    expect(member).toMatchObject({ groupId: group.id, userId: ann.id, deleteAt: 0 });
    const { result: members } = await api.upsertGroupMembers(group.id, [ann.id, bob.id]);
    expect(members.map((m: { userId: string }) => m.userId)).toEqual([ann.id, bob.id]);

    const { result: users } = await api.getGroupMemberUsers(group.id, { perPage: 1 });
    expect(users.map((u: { username: string }) => u.username)).toEqual(["ann"]);
    expect((await api.getGroupsForUser(bob.id)).result).toMatchObject([{ id: group.id }]);
    const profiles = await newClient4(f.url, bob.token).getProfilesInGroup(group.id);
    expect(profiles.map((u) => u.username)).toEqual(["ann", "bob"]);

    expect((await api.deleteGroupMember(group.id, bob.id)).result.deleteAt).toBeGreaterThan(0);
    expect((await api.getGroupsForUser(bob.id)).result).toEqual([]);
    // A plugin's group is not a custom group: people can't change its members over REST.
    await expect(
      newClient4(f.url, ann.token).addUsersToGroup(group.id, [bob.id]),
    ).rejects.toMatchObject({ status_code: 400, server_error_id: "app.group.crud_permission" });
  });

  it("links groups to teams and channels", async () => {
    const { result: group } = await api.createGroup({
      displayName: "Linked",
      source: "plugin_directory",
      remoteId: "cn=linked",
    });
    const { result: channelLink } = await api.upsertGroupSyncable({
      groupId: group.id,
      syncableId: channel.id,
      type: "channel",
      autoAdd: true,
    });
    expect(channelLink).toMatchObject({ syncableId: channel.id, type: "channel", autoAdd: true });
    // Linking a channel links its team as well.
    const { result: teamLink } = await api.getGroupSyncable(group.id, team.id, "team");
    expect(teamLink).toMatchObject({ autoAdd: true, deleteAt: 0 });
    expect((await api.getGroup(group.id)).result.hasSyncables).toBe(true);

    const { result: changed } = await api.updateGroupSyncable({
      ...channelLink,
      schemeAdmin: true,
    });
    expect(changed).toMatchObject({ schemeAdmin: true, autoAdd: true });
    expect((await api.getGroupSyncables(group.id, "channel")).result).toHaveLength(1);

    // Unlinking the team unlinks its channels.
    expect(
      (await api.deleteGroupSyncable(group.id, team.id, "team")).result.deleteAt,
    ).toBeGreaterThan(0);
    expect((await api.getGroupSyncables(group.id, "channel")).result).toEqual([]);
    const again = await api.deleteGroupSyncable(group.id, team.id, "team");
    expect(again.error).toMatchObject({
      name: "ValidationError",
      id: "app.group.group_syncable_already_deleted",
    });
  });

  it("refuses bad input with the error naming the field", async () => {
    expect((await api.getGroup("")).error).toMatchObject({
      name: "ValidationError",
      params: { field: "group_id" },
    });
    expect(
      (await api.createGroup({ displayName: "x", source: "plugin_directory" })).error,
    ).toMatchObject({ name: "ValidationError", id: "model.group.remote_id.app_error" });
    expect(
      (await api.createGroup({ displayName: "x", source: "elsewhere", name: "x" })).error,
    ).toMatchObject({ id: "model.group.source.app_error" });
    expect((await api.getGroupByName("nobody")).error).toMatchObject({ name: "NotFoundError" });
    expect((await api.getGroupSyncables("g", "team-and-channel")).error).toMatchObject({
      id: "model.group_syncable.type.app_error",
    });
    const { result: group } = await api.createGroup({
      displayName: "Dup",
      source: "plugin_directory",
      remoteId: "cn=dup",
    });
    expect(group.id).toHaveLength(26);
    expect(
      (
        await api.createGroup({
          displayName: "Dup",
          source: "plugin_directory",
          remoteId: "cn=dup",
        })
      ).error,
    ).toMatchObject({ name: "AlreadyExistsError", params: { field: "remote_id" } });
    expect((await api.upsertGroupMembers(group.id, [ann.id, "nobody"])).error).toMatchObject({
      name: "NotFoundError",
    });
    expect((await api.getGroupMemberUsers(group.id)).result).toEqual([]);
  });
});
