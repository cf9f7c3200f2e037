// The users, teams and channels a web app session loads at start-up and afterwards, driven
// through the official Client4 against a real host over HTTP, with its websocket.
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import {
  PASSWORD,
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let carol: RestUser;
let dave: RestUser;
let team: RestTeam;
let town: RestChannel;
const client = () => newClient4(f.url, alice.token);

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  carol = await f.newUser("carol");
  dave = await f.newUser("dave");
  team = await f.newTeam(alice, [bob, carol]);
  town = await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob]);
});
afterAll(async () => {
  await f?.close();
});

describe("the start-up of a session", () => {
  it("loads my teams, team members and unread counts", async () => {
    const c = client();
    const teams = await c.getMyTeams();
    expect(teams.map((t) => t.id)).toEqual([team.id]);
    const members = await c.getMyTeamMembers();
    expect(members).toEqual([
      expect.objectContaining({ team_id: team.id, user_id: alice.id, scheme_admin: true }),
    ]);
    const unreads = await c.getMyTeamUnreads();
    expect(unreads).toEqual([
      expect.objectContaining({ team_id: team.id, msg_count: 0, mention_count: 0 }),
    ]);
  });

  it("loads my channels and memberships of a team, direct channels included", async () => {
    const c = client();
    const direct = await c.createDirectChannel([alice.id, bob.id]);
    expect(direct).toMatchObject({ type: "D", name: [alice.id, bob.id].sort().join("__") });
    const channels = await c.getMyChannels(team.id);
    expect(channels.map((channel) => channel.id)).toEqual(
      expect.arrayContaining([town.id, direct.id]),
    );
    const members = await c.getMyChannelMembers(team.id);
    expect(members.map((member) => member.channel_id)).toEqual(
      expect.arrayContaining([town.id, direct.id]),
    );
    // Alice posted that she added bob to town (a system post), so she has read 1 message.
    expect(members.find((member) => member.channel_id === town.id)).toMatchObject({
      user_id: alice.id,
      msg_count: 1,
      mention_count: 0,
    });
  });

  it("counts unread messages and @mentions, and viewing the channel marks them read", async () => {
    const c = client();
    const bobs = newClient4(f.url, bob.token);
    await bobs.createPost({ channel_id: town.id, message: "hello @alice." } as never);
    await bobs.createPost({ channel_id: town.id, message: "anyone?" } as never);
    const unread = await c.getChannelMember(town.id, alice.id);
    expect(unread).toMatchObject({ msg_count: 1, mention_count: 1 });
    const channel = await c.getChannel(town.id);
    expect(channel.total_msg_count).toBe(3);
    const [teamUnread] = await c.getMyTeamUnreads();
    expect(teamUnread).toMatchObject({ msg_count: 2, mention_count: 1 });
    // The poster has read the channel up to their own posts.
    expect(await bobs.getChannelMember(town.id, bob.id)).toMatchObject({
      msg_count: 3,
      last_viewed_at: channel.last_post_at,
    });

    const socket = await ClientSocket.connect(f.url, alice.token);
    const viewed = socket.next("channel_viewed");
    const answer = await c.viewMyChannel(town.id);
    expect(answer).toEqual({
      status: "OK",
      last_viewed_at_times: { [town.id]: channel.last_post_at },
    });
    expect((await viewed).data).toEqual({ channel_id: town.id });
    socket.close();
    expect(await c.getChannelMember(town.id, alice.id)).toMatchObject({
      msg_count: 3,
      mention_count: 0,
      last_viewed_at: channel.last_post_at,
    });
  });

  it("loads a channel's stats, members and one member", async () => {
    const c = client();
    const stats = await c.getChannelStats(town.id, true);
    expect(stats).toMatchObject({
      channel_id: town.id,
      member_count: 2,
      pinnedpost_count: 0,
      files_count: 0,
      guest_count: 0,
    });
    expect((await c.getChannelStats(town.id)).files_count).toBe(-1);
    const members = await c.getChannelMembers(town.id);
    expect(members.map((m) => m.user_id).sort()).toEqual([alice.id, bob.id].sort());
    expect(await c.getChannelMember(town.id, bob.id)).toMatchObject({ user_id: bob.id });
    const byIds = await c.getChannelMembersByIds(town.id, [bob.id, carol.id]);
    expect(byIds.map((m) => m.user_id)).toEqual([bob.id]);
  });
});

describe("people", () => {
  it("lists profiles, in a team, in and not in a channel, by usernames", async () => {
    const c = client();
    // The fixture's own "admin" account is there too.
    const all = await c.getProfiles(0, 100);
    expect(all.map((u) => u.username)).toEqual(["admin", "alice", "bob", "carol", "dave"]);
    const inTeam = await c.getProfilesInTeam(team.id);
    expect(inTeam.map((u) => u.username)).toEqual(["alice", "bob", "carol"]);
    const inChannel = await c.getProfilesInChannel(town.id);
    expect(inChannel.map((u) => u.username)).toEqual(["alice", "bob"]);
    const notInChannel = await c.getProfilesNotInChannel(team.id, town.id, false);
    expect(notInChannel.map((u) => u.username)).toEqual(["carol"]);
    const newest = await c.getProfiles(0, 1, { sort: "create_at" } as never);
    expect(newest[0]?.create_at).toBe(Math.max(...all.map((u) => u.create_at)));
    const byName = await c.getProfilesByUsernames(["bob", "Carol", "nobody"]);
    expect(byName.map((u) => u.username)).toEqual(["bob", "carol"]);
  });

  it("autocompletes users in and out of a channel, and searches them", async () => {
    const c = client();
    const inChannel = await c.autocompleteUsers("", team.id, town.id);
    expect(inChannel.users.map((u) => u.username)).toEqual(["alice", "bob"]);
    expect(inChannel.out_of_channel?.map((u) => u.username)).toEqual(["carol"]);
    const inTeam = await c.autocompleteUsers("ca", team.id, "");
    expect(inTeam.users.map((u) => u.username)).toEqual(["carol"]);
    const found = await c.searchUsers("b", { team_id: team.id } as never);
    expect(found.map((u) => u.username)).toEqual(["bob"]);
  });

  it("patches a profile and tells everyone with user_updated", async () => {
    const socket = await ClientSocket.connect(f.url, bob.token);
    const updated = socket.next("user_updated");
    const me = await newClient4(f.url, dave.token).patchMe({ nickname: "Dee", first_name: "Dave" });
    expect(me).toMatchObject({ username: "dave", nickname: "Dee", first_name: "Dave" });
    expect((await updated).data.user).toMatchObject({ id: dave.id, nickname: "Dee" });
    socket.close();
    const admin = await f.newUser("root", { admin: true });
    const patched = await newClient4(f.url, admin.token).patchUser({
      id: dave.id,
      position: "cook",
    });
    expect(patched).toMatchObject({ position: "cook", nickname: "Dee" });
  });

  it("changes a password with the current one, and logs in with the new one", async () => {
    const c = newClient4(f.url, carol.token);
    await c.updateUserPassword(carol.id, PASSWORD, "a new passphrase");
    const fresh = newClient4(f.url);
    await expect(fresh.login("carol", "a new passphrase")).resolves.toMatchObject({ id: carol.id });
    const wrong = await f.call("PUT", `/api/v4/users/${carol.id}/password`, {
      token: carol.token,
      json: { current_password: "not it", new_password: "another passphrase" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain("current_password");
  });

  it("draws a default profile picture as a PNG of the user's colour", async () => {
    const c = client();
    const response = await fetch(c.getProfilePictureUrl(bob.id, 0), {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(128);
    const defaultPicture = await f.request("GET", `/api/v4/users/${bob.id}/image/default`, {
      token: alice.token,
    });
    expect(Buffer.from(await defaultPicture.arrayBuffer())).toEqual(png);
    // The corner pixel is the background colour; some pixel is the white initial.
    const idat = png.indexOf("IDAT");
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    const corner = [...raw.subarray(1, 4)];
    expect(corner).not.toEqual([255, 255, 255]);
    expect(raw.includes(Buffer.from([255, 255, 255]))).toBe(true);
  });
});

describe("teams and channels", () => {
  it("loads a team's members, one member and stats", async () => {
    const c = client();
    const members = await c.getTeamMembers(team.id);
    expect(members.map((m) => m.user_id).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    expect(await c.getTeamMember(team.id, bob.id)).toMatchObject({ user_id: bob.id });
    expect(await c.getTeamStats(team.id)).toEqual({
      team_id: team.id,
      total_member_count: 3,
      active_member_count: 3,
    });
  });

  it("lists and searches a team's public channels", async () => {
    const c = client();
    await f.newChannel(team, alice, { name: "garden", displayName: "Garden" });
    const channels = await c.getChannels(team.id);
    expect(channels.map((channel) => channel.name)).toEqual(["garden", "town"]);
    const found = await c.searchChannels(team.id, "gar");
    expect(found.map((channel) => channel.name)).toEqual(["garden"]);
  });

  it("patches a channel and tells its members with channel_updated", async () => {
    const socket = await ClientSocket.connect(f.url, bob.token);
    const updated = socket.next("channel_updated");
    const patched = await client().patchChannel(town.id, { header: "Welcome" });
    expect(patched).toMatchObject({ id: town.id, header: "Welcome", display_name: "Town" });
    expect(JSON.parse((await updated).data.channel as string)).toMatchObject({
      id: town.id,
      header: "Welcome",
    });
    socket.close();
  });

  it("creates a direct and a group channel once, with direct_added and group_added", async () => {
    const socket = await ClientSocket.connect(f.url, carol.token);
    const directAdded = socket.next("direct_added");
    const direct = await client().createDirectChannel([alice.id, carol.id]);
    expect((await directAdded).data).toEqual({ creator_id: alice.id, teammate_id: carol.id });
    await expect(client().createDirectChannel([carol.id, alice.id])).resolves.toMatchObject({
      id: direct.id,
    });
    const groupAdded = socket.next("group_added");
    const group = await client().createGroupChannel([bob.id, carol.id]);
    expect(group).toMatchObject({ type: "G", display_name: "alice, bob, carol" });
    expect(JSON.parse((await groupAdded).data.teammate_ids as string).sort()).toEqual(
      [alice.id, bob.id, carol.id].sort(),
    );
    socket.close();
  });
});

describe("events of changes made through the application layer", () => {
  it("tells channel_member_updated, channel_deleted and delete_team as Mattermost does", async () => {
    const socket = await ClientSocket.connect(f.url, alice.token);
    const memberUpdated = socket.next("channel_member_updated");
    await f.host.app.updateChannelMemberNotifyProps({}, town.id, alice.id, { push: "none" });
    const member = JSON.parse((await memberUpdated).data.channelMember as string);
    expect(member).toMatchObject({ channel_id: town.id, user_id: alice.id });
    expect(member.notify_props.push).toBe("none");

    const old = await f.newChannel(team, alice, { name: "old", displayName: "Old" });
    const deleted = socket.next("channel_deleted");
    await f.host.app.deleteChannel({}, old.id);
    expect((await deleted).data).toMatchObject({ channel_id: old.id });
    expect((await deleted).broadcast.team_id).toBe(team.id);

    const spare = await f.newTeam(alice);
    const teamDeleted = socket.next("delete_team");
    await f.host.app.deleteTeam({}, spare.id);
    expect(JSON.parse((await teamDeleted).data.team as string)).toMatchObject({ id: spare.id });
    socket.close();
  });
});

describe("unarchiving channels, removing team icons and toasts", () => {
  it("unarchives a channel for a team admin, with channel_restored and the system post", async () => {
    const old = await f.newChannel(team, alice, { name: "attic", displayName: "Attic" }, [bob]);
    await f.host.app.deleteChannel({}, old.id);
    await expect(newClient4(f.url, bob.token).unarchiveChannel(old.id)).rejects.toMatchObject({
      status_code: 403,
    });
    const socket = await ClientSocket.connect(f.url, bob.token);
    const restoredEvent = socket.next("channel_restored");
    const posted = socket.next("posted");
    const restored = await client().unarchiveChannel(old.id);
    expect(restored).toMatchObject({ id: old.id, delete_at: 0 });
    expect((await restoredEvent).data).toEqual({ channel_id: old.id });
    expect((await restoredEvent).broadcast.team_id).toBe(team.id);
    expect(JSON.parse((await posted).data.post as string)).toMatchObject({
      channel_id: old.id,
      user_id: alice.id,
      type: "system_channel_restored",
      message: "alice unarchived the channel.",
      props: { username: "alice" },
    });
    await expect(client().unarchiveChannel(old.id)).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "api.channel.restore_channel.restored.app_error",
    });
    socket.close();
  });

  it("removes a team's icon for a team admin, with update_team", async () => {
    await f.host.app.setTeamIcon({}, team.id, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1]));
    await expect(newClient4(f.url, bob.token).removeTeamIcon(team.id)).rejects.toMatchObject({
      status_code: 403,
    });
    const socket = await ClientSocket.connect(f.url, bob.token);
    const updated = socket.next("update_team");
    await expect(client().removeTeamIcon(team.id)).resolves.toEqual({ status: "OK" });
    expect(JSON.parse((await updated).data.team as string)).toMatchObject({ id: team.id });
    expect(await f.host.app.getTeamIcon(team.id)).toBeUndefined();
    socket.close();
  });

  it("shows a toast on every connection of the user, or only on the one named", async () => {
    const first = await ClientSocket.connect(f.url, carol.token);
    const second = await ClientSocket.connect(f.url, carol.token);
    const bobs = await ClientSocket.connect(f.url, bob.token);
    const toasts = [first.next("show_toast"), second.next("show_toast")];
    await f.host.app.sendToastMessage(
      {},
      { userId: carol.id, connectionId: "", message: "Saved", position: "bottom-right" },
    );
    for (const toast of await Promise.all(toasts)) {
      expect(toast.data).toEqual({ message: "Saved", position: "bottom-right" });
      expect(toast.broadcast.user_id).toBe(carol.id);
    }
    const secondId = second.events[0]?.data.connection_id as string;
    const onlySecond = second.next("show_toast");
    await f.host.app.sendToastMessage(
      {},
      { userId: carol.id, connectionId: secondId, message: "Just here", position: "" },
    );
    expect((await onlySecond).data.message).toBe("Just here");
    // Events keep their order per connection: a later toast to everyone shows what came before.
    const laterFirst = first.next("show_toast", (e) => e.data.message === "Later");
    const laterBob = bobs.next("show_toast");
    await f.host.app.sendToastMessage(
      {},
      { userId: carol.id, connectionId: "", message: "Later", position: "" },
    );
    await f.host.app.sendToastMessage(
      {},
      { userId: bob.id, connectionId: "", message: "For bob", position: "" },
    );
    await laterFirst;
    expect((await laterBob).data.message).toBe("For bob");
    const shown = (socket: ClientSocket) =>
      socket.events.filter((e) => e.event === "show_toast").map((e) => e.data.message);
    expect(shown(first)).toEqual(["Saved", "Later"]);
    expect(shown(bobs)).toEqual(["For bob"]);
    for (const socket of [first, second, bobs]) socket.close();
  });
});

describe("bad input", () => {
  it("answers 404 for unknown teams, channels and users", async () => {
    const unknown = "x".repeat(26);
    for (const path of [
      `/api/v4/teams/${unknown}/members`,
      `/api/v4/teams/${unknown}/stats`,
      `/api/v4/channels/${unknown}/stats`,
      `/api/v4/channels/${unknown}/members`,
      `/api/v4/users/${unknown}/image`,
      `/api/v4/channels/${town.id}/members/${unknown}`,
      `/api/v4/users/me/teams/${unknown}/channels`,
    ]) {
      expect((await f.call("GET", path, { token: alice.token })).status, path).toBe(404);
    }
  });

  it("answers 403 for another user's teams, channels and unread counts", async () => {
    for (const path of [
      `/api/v4/users/${bob.id}/teams`,
      `/api/v4/users/${bob.id}/teams/members`,
      `/api/v4/users/${bob.id}/teams/unread`,
      `/api/v4/users/${bob.id}/teams/${team.id}/channels/members`,
    ]) {
      expect((await f.call("GET", path, { token: alice.token })).status, path).toBe(403);
    }
    // Dave is not in the team: its members, stats and channels are closed to him.
    for (const path of [
      `/api/v4/teams/${team.id}/members`,
      `/api/v4/channels/${town.id}/members`,
    ]) {
      expect((await f.call("GET", path, { token: dave.token })).status, path).toBe(403);
    }
    const view = await f.call("POST", `/api/v4/channels/members/${bob.id}/view`, {
      token: alice.token,
      json: { channel_id: town.id },
    });
    expect(view.status).toBe(403);
  });

  it("answers 400 naming the field of a malformed body", async () => {
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/v4/users/usernames", { names: [] }, "usernames"],
      ["POST", "/api/v4/users/search", { term: 5 }, "term"],
      ["POST", "/api/v4/users/search", { term: "a", limit: 5000 }, "limit"],
      ["POST", "/api/v4/channels/direct", [alice.id], "body"],
      ["POST", "/api/v4/channels/members/me/view", { channel_id: 7 }, "channel_id"],
      ["PUT", `/api/v4/channels/${town.id}/patch`, { name: "Not A Name" }, "name"],
      ["PUT", `/api/v4/users/${alice.id}/password`, { current_password: PASSWORD }, "new_password"],
      ["PUT", "/api/v4/users/me/patch", { email: "nope" }, "email"],
    ];
    for (const [method, path, json, field] of cases) {
      const answer = await f.call(method, path, { token: alice.token, json });
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.body.message, `${method} ${path}`).toContain(field);
    }
  });
});
