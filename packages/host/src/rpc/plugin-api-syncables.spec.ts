// CreateDefaultSyncableMemberships called from a real plugin process (the social test plugin,
// through the SDK's typed method): members of groups linked with auto_add join those teams and
// channels as joining does (websocket events included), teams first; since, the scopes and
// re_add_removed_members as Mattermost's CreateDefaultMembershipParams; deactivated users and
// people who left a team are not added back unless asked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket } from "../../test-fixtures/rest/mattermost-client.js";
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
let cara: RestUser;
let dave: RestUser;
let team: RestTeam;
let channel: RestChannel;
let api: PluginApiCalls;

beforeAll(async () => {
  ({ f, api } = await startSocialFixture());
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  cara = await f.newUser("cara");
  dave = await f.newUser("dave");
  team = await f.newTeam(ann);
  channel = await f.newChannel(team, ann, { name: "eng", displayName: "Engineering" });
});
afterAll(async () => {
  await f?.close();
});

const inTeam = async (teamId: string, userId: string) =>
  (await f.call("GET", `/api/v4/teams/${teamId}/members/${userId}`, { token: f.adminToken }))
    .status === 200;
const inChannel = async (channelId: string, userId: string) =>
  (await f.call("GET", `/api/v4/channels/${channelId}/members/${userId}`, { token: f.adminToken }))
    .status === 200;

async function linkedGroup(name: string, members: RestUser[]): Promise<string> {
  const { result: group, error } = await api.createGroup({
    name,
    displayName: name,
    source: "plugin_directory",
    remoteId: `cn=${name}`,
  });
  expect(error).toBeUndefined();
  await api.upsertGroupMembers(
    group.id,
    members.map((m) => m.id),
  );
  return group.id;
}

describe("CreateDefaultSyncableMemberships", () => {
  it("adds the members of auto_add groups to their teams, then channels, with the events of joining", async () => {
    const groupId = await linkedGroup("eng", [bob, cara, dave]);
    await api.updateUserActive(dave.id, false);
    // Linking the channel links its team too (auto_add as the channel's link).
    await api.upsertGroupSyncable({
      groupId,
      syncableId: channel.id,
      type: "channel",
      autoAdd: true,
    });
    const socket = await ClientSocket.connect(f.url, bob.token);
    try {
      const addedToTeam = socket.next("added_to_team");
      const { error } = await api.createDefaultSyncableMemberships({ since: 0 });
      expect(error).toBeUndefined();
      expect(JSON.parse(JSON.stringify((await addedToTeam).data))).toMatchObject({
        team_id: team.id,
        user_id: bob.id,
      });
    } finally {
      socket.close();
    }
    for (const user of [bob, cara]) {
      expect(await inTeam(team.id, user.id)).toBe(true);
      expect(await inChannel(channel.id, user.id)).toBe(true);
    }
    // A deactivated account is not added.
    expect(await inTeam(team.id, dave.id)).toBe(false);

    // Someone who left the team is not added back, unless asked to.
    const left = await f.call("DELETE", `/api/v4/teams/${team.id}/members/${cara.id}`, {
      token: f.adminToken,
    });
    expect(left.status).toBe(200);
    await api.createDefaultSyncableMemberships({ since: 0 });
    expect(await inTeam(team.id, cara.id)).toBe(false);
    await api.createDefaultSyncableMemberships({ since: 0, reAddRemovedMembers: true });
    expect(await inTeam(team.id, cara.id)).toBe(true);
  });

  it("takes only group memberships and links since the time given, and the scopes", async () => {
    const other = await f.newTeam(ann);
    const otherChannel = await f.newChannel(other, ann, { name: "ops", displayName: "Ops" });
    const groupId = await linkedGroup("ops", []);
    // A link to the channel only: its team's link does not add anyone by itself.
    await api.upsertGroupSyncable({
      groupId,
      syncableId: otherChannel.id,
      type: "channel",
      autoAdd: true,
    });
    const { result: teamLink } = await api.getGroupSyncable(groupId, other.id, "team");
    await api.updateGroupSyncable({ ...teamLink, autoAdd: false });
    const eve = await f.newUser("eve");
    const fay = await f.newUser("fay");
    await api.upsertGroupMembers(groupId, [eve.id, fay.id]);

    // Nothing changed at or after a time to come.
    await api.createDefaultSyncableMemberships({ since: Date.now() + 3_600_000 });
    expect(await inChannel(otherChannel.id, eve.id)).toBe(false);

    // Scoped to a user; another channel's scope adds nobody here.
    await api.createDefaultSyncableMemberships({ since: 0, scopedChannelId: channel.id });
    expect(await inChannel(otherChannel.id, eve.id)).toBe(false);
    await api.createDefaultSyncableMemberships({ since: 0, scopedUserId: eve.id });
    // The channel's team first, as Mattermost joins a user to the team before its channel.
    expect(await inTeam(other.id, eve.id)).toBe(true);
    expect(await inChannel(otherChannel.id, eve.id)).toBe(true);
    expect(await inChannel(otherChannel.id, fay.id)).toBe(false);

    await api.createDefaultSyncableMemberships({
      since: 0,
      scopedChannelId: otherChannel.id,
    });
    expect(await inChannel(otherChannel.id, fay.id)).toBe(true);
  });
});
