// DeleteGroupConstrainedMemberships called from a real plugin process (the social test plugin,
// through the SDK's typed method): members of group-constrained teams, then channels, who are
// in no group linked to them are removed as removing a member does; members of a linked group
// and bots stay, and teams and channels that are not group-constrained are left alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket } from "../../test-fixtures/rest/mattermost-client.js";
import type { RestFixture, RestUser } from "../../test-fixtures/rest/rest-fixture.js";
import {
  type PluginApiCalls,
  startSocialFixture,
} from "../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;
let cara: RestUser;
let api: PluginApiCalls;

beforeAll(async () => {
  ({ f, api } = await startSocialFixture());
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  cara = await f.newUser("cara");
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

async function linkedGroup(name: string, members: string[], syncableId: string, type: string) {
  const { result: group, error } = await api.createGroup({
    name,
    displayName: name,
    source: "plugin_directory",
    remoteId: `cn=${name}`,
  });
  expect(error).toBeUndefined();
  await api.upsertGroupMembers(group.id, members);
  await api.upsertGroupSyncable({ groupId: group.id, syncableId, type, autoAdd: false });
  return group.id;
}

describe("DeleteGroupConstrainedMemberships", () => {
  it("removes members in no linked group from constrained teams, then channels; keeps the rest", async () => {
    const { result: bot, error: botError } = await api.createBot({ username: "robo" });
    expect(botError).toBeUndefined();
    const robo = { id: bot.userId as string };

    // A constrained team with ann (owner), bob (in the linked group), cara and the bot.
    const team = await f.newTeam(ann, [bob, cara]);
    const open = await f.newTeam(ann, [bob, cara]);
    for (const t of [team, open]) {
      const added = await f.call("POST", `/api/v4/teams/${t.id}/members`, {
        token: f.adminToken,
        json: { team_id: t.id, user_id: robo.id },
      });
      expect(added.status).toBe(201);
    }
    await linkedGroup("staff", [bob.id], team.id, "team");
    const { result: fetched } = await api.getTeam(team.id);
    const { error: updateError } = await api.updateTeam({ ...fetched, groupConstrained: true });
    expect(updateError).toBeUndefined();

    // A constrained channel of the open team: ann and cara in it, only cara in its group.
    const channel = await f.newChannel(open, ann, { name: "eng", displayName: "Eng" }, [cara]);
    const loose = await f.newChannel(open, ann, { name: "chat", displayName: "Chat" }, [cara]);
    await linkedGroup("eng", [cara.id], channel.id, "channel");
    const { result: fetchedChannel } = await api.getChannel(channel.id);
    await api.updateChannel({ ...fetchedChannel, groupConstrained: true });

    const team2 = await f.call("GET", `/api/v4/teams/${team.id}`, { token: f.adminToken });
    expect(team2.body.group_constrained).toBe(true);

    const socket = await ClientSocket.connect(f.url, cara.token);
    try {
      const left = socket.next("leave_team", (event) => event.data.user_id === cara.id);
      const { error } = await api.deleteGroupConstrainedMemberships();
      expect(error).toBeUndefined();
      expect(JSON.parse(JSON.stringify((await left).data))).toMatchObject({
        team_id: team.id,
        user_id: cara.id,
      });
    } finally {
      socket.close();
    }
    // The constrained team: ann and cara are in no linked group; bob is; the bot stays.
    expect(await inTeam(team.id, ann.id)).toBe(false);
    expect(await inTeam(team.id, cara.id)).toBe(false);
    expect(await inTeam(team.id, bob.id)).toBe(true);
    expect(await inTeam(team.id, robo.id)).toBe(true);
    // The open team is untouched; in its constrained channel only the group's member stays.
    for (const user of [ann, bob, cara, robo]) expect(await inTeam(open.id, user.id)).toBe(true);
    expect(await inChannel(channel.id, ann.id)).toBe(false);
    expect(await inChannel(channel.id, cara.id)).toBe(true);
    expect(await inChannel(loose.id, ann.id)).toBe(true);
    expect(await inChannel(loose.id, cara.id)).toBe(true);

    // Nothing more to remove the second time.
    const { error: again } = await api.deleteGroupConstrainedMemberships();
    expect(again).toBeUndefined();
    expect(await inTeam(team.id, bob.id)).toBe(true);
  });

  it("group_constrained is read and set over REST on teams and channels", async () => {
    const created = await f.call("POST", "/api/v4/teams", {
      token: f.adminToken,
      json: { name: "gated", display_name: "Gated", type: "O", group_constrained: true },
    });
    expect(created.status).toBe(201);
    expect(created.body.group_constrained).toBe(true);
    const patched = await f.call("PUT", `/api/v4/teams/${created.body.id}/patch`, {
      token: f.adminToken,
      json: { group_constrained: false },
    });
    expect(patched.body.group_constrained).toBe(false);
    const team = await f.newTeam(ann);
    const channel = await f.newChannel(team, ann, { name: "c", displayName: "C" });
    const read = await f.call("GET", `/api/v4/channels/${channel.id}`, { token: ann.token });
    expect(read.body.group_constrained).toBe(false);
    const patchedChannel = await f.call("PUT", `/api/v4/channels/${channel.id}/patch`, {
      token: ann.token,
      json: { group_constrained: true },
    });
    expect(patchedChannel.status).toBe(200);
    expect(patchedChannel.body.group_constrained).toBe(true);
  });
});
