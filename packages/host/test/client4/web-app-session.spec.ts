// A whole user session as the Mattermost web app runs it, driven by the official client
// (@mattermost/client's Client4 and WebSocketClient) against a real host with the recorder
// plugin as a real process: log in, the start-up loads, reading and paging posts, posting,
// replying, reacting, editing, deleting, viewing a channel, autocompleting a command, every
// event seen on a second user's websocket, and a reconnect that receives what it missed.
import type { Client4 } from "@mattermost/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import { PASSWORD, RestFixture } from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: Client4;
let bob: Client4;
let aliceId: string;
let bobId: string;
let teamId: string;
let channelId: string;
let bobSocket: ClientSocket;

/** Sorts nothing: the ids a PostList gives in its order, mapped to messages. */
function messagesOf(list: { order: string[]; posts: Record<string, { message: string }> }) {
  return list.order.map((id) => list.posts[id]?.message);
}

beforeAll(async () => {
  f = await RestFixture.start();
  await f.newAccount("alice");
  await f.newAccount("bob");
  alice = newClient4(f.url);
  bob = newClient4(f.url);
  aliceId = (await alice.login("alice", PASSWORD)).id;
  bobId = (await bob.login("bob", PASSWORD)).id;
  const team = await alice.createTeam({
    name: "session-team",
    display_name: "Session Team",
    type: "O",
  } as Parameters<Client4["createTeam"]>[0]);
  teamId = team.id;
  await alice.addToTeam(teamId, bobId);
  const channel = await alice.createChannel({
    team_id: teamId,
    name: "town-hall",
    display_name: "Town Hall",
    type: "O",
  });
  channelId = channel.id;
  await alice.addToChannel(bobId, channelId);
  bobSocket = await ClientSocket.connect(f.url, bob.getToken());
});

afterAll(async () => {
  bobSocket?.close();
  await f?.close();
});

describe("a web app session through Client4", () => {
  it("loads what the web app loads at start-up", async () => {
    const me = await bob.getMe();
    expect(me).toMatchObject({ id: bobId, username: "bob" });
    const config = await bob.getClientConfig();
    expect(config).toMatchObject({ Version: expect.any(String) });
    const license = await bob.getClientLicenseOld();
    expect(license).toMatchObject({ IsLicensed: "false" });

    const teams = await bob.getMyTeams();
    expect(teams.map((team) => team.id)).toEqual([teamId]);
    const teamMembers = await bob.getMyTeamMembers();
    expect(teamMembers).toEqual([expect.objectContaining({ team_id: teamId, user_id: bobId })]);
    const unreads = await bob.getMyTeamUnreads();
    expect(unreads).toEqual([expect.objectContaining({ team_id: teamId })]);

    const channels = await bob.getMyChannels(teamId);
    expect(channels.map((channel) => channel.id)).toContain(channelId);
    const channelMembers = await bob.getMyChannelMembers(teamId);
    expect(channelMembers).toContainEqual(
      expect.objectContaining({ channel_id: channelId, user_id: bobId }),
    );
    const preferences = await bob.getMyPreferences();
    expect(Array.isArray(preferences)).toBe(true);
    const roles = await bob.getRolesByNames(["system_user", "team_user", "channel_user"]);
    expect(roles.map((role) => role.name).sort()).toEqual([
      "channel_user",
      "system_user",
      "team_user",
    ]);
    expect(roles.find((role) => role.name === "channel_user")?.permissions).toContain(
      "create_post",
    );
    const statuses = await bob.getStatusesByIds([aliceId, bobId]);
    expect(statuses.map((status) => status.user_id).sort()).toEqual([aliceId, bobId].sort());
    const ping = await bob.ping(true);
    expect(ping).toMatchObject({ status: "OK" });
    expect(await bob.getCustomEmojis()).toEqual([]);
    expect(Array.isArray(await bob.getWebappPlugins())).toBe(true);
  });

  it("posts, replies and reads the thread, with `posted` on the other user's websocket", async () => {
    const posted = bobSocket.next("posted", (event) => event.broadcast.channel_id === channelId);
    const root = await alice.createPost({ channel_id: channelId, message: "agenda for today" });
    const event = await posted;
    expect(event.data).toMatchObject({
      channel_display_name: "Town Hall",
      channel_name: "town-hall",
      channel_type: "O",
      sender_name: "@alice",
      team_id: teamId,
    });
    expect(JSON.parse(event.data.post)).toMatchObject({ id: root.id, message: "agenda for today" });
    expect(typeof event.seq).toBe("number");

    const reply = await bob.createPost({
      channel_id: channelId,
      message: "item one",
      root_id: root.id,
    });
    const thread = await alice.getPostThread(root.id);
    expect(Object.keys(thread.posts).sort()).toEqual([root.id, reply.id].sort());
    const [byId] = await alice.getPostsByIds([root.id]);
    expect(byId).toMatchObject({ id: root.id, reply_count: 1 });
  });

  it("reads posts page by page, before, after and since, as the web app pages them", async () => {
    const start = Date.now();
    const made = [];
    for (let n = 1; n <= 5; n += 1) {
      made.push(await alice.createPost({ channel_id: channelId, message: `page post ${n}` }));
    }
    const first = await bob.getPosts(channelId, 0, 3);
    expect(messagesOf(first)).toEqual(["page post 5", "page post 4", "page post 3"]);
    const second = await bob.getPosts(channelId, 1, 3);
    expect(messagesOf(second).slice(0, 2)).toEqual(["page post 2", "page post 1"]);
    const before = await bob.getPostsBefore(channelId, made[2]?.id ?? "", 0, 2);
    expect(messagesOf(before)).toEqual(["page post 2", "page post 1"]);
    const after = await bob.getPostsAfter(channelId, made[2]?.id ?? "", 0, 2);
    expect(messagesOf(after)).toEqual(["page post 5", "page post 4"]);
    const since = await bob.getPostsSince(channelId, start - 1);
    expect(Object.values(since.posts).map((post) => post.message)).toEqual(
      expect.arrayContaining(made.map((post) => post.message)),
    );
  });

  it("reacts, edits and deletes, each seen on the other user's websocket", async () => {
    const post = await alice.createPost({ channel_id: channelId, message: "react to me" });

    const added = bobSocket.next("reaction_added");
    await alice.addReaction(aliceId, post.id, "thumbsup");
    expect(JSON.parse((await added).data.reaction)).toMatchObject({
      user_id: aliceId,
      post_id: post.id,
      emoji_name: "thumbsup",
    });
    expect(await bob.getReactionsForPost(post.id)).toEqual([
      expect.objectContaining({ emoji_name: "thumbsup", user_id: aliceId }),
    ]);
    const withMetadata = await bob.getPost(post.id);
    expect(withMetadata.metadata?.reactions).toEqual([
      expect.objectContaining({ emoji_name: "thumbsup" }),
    ]);
    const removed = bobSocket.next("reaction_removed");
    await alice.removeReaction(aliceId, post.id, "thumbsup");
    expect(JSON.parse((await removed).data.reaction)).toMatchObject({ emoji_name: "thumbsup" });

    const edited = bobSocket.next("post_edited");
    await alice.patchPost({ id: post.id, message: "react to me (edited)" });
    expect(JSON.parse((await edited).data.post)).toMatchObject({
      id: post.id,
      message: "react to me (edited)",
    });

    const deleted = bobSocket.next("post_deleted");
    await alice.deletePost(post.id);
    expect(JSON.parse((await deleted).data.post)).toMatchObject({ id: post.id });
  });

  it("views a channel: the unread counts reset and channel_viewed reaches the viewer", async () => {
    await alice.createPost({ channel_id: channelId, message: "unread for bob" });
    const unread = (await bob.getMyChannelMembers(teamId)).find(
      (member) => member.channel_id === channelId,
    );
    const channel = (await bob.getMyChannels(teamId)).find((c) => c.id === channelId);
    expect(channel?.total_msg_count).toBeGreaterThan(unread?.msg_count ?? 0);

    const viewed = bobSocket.next("channel_viewed");
    const answer = await bob.viewMyChannel(channelId);
    expect(answer).toMatchObject({ status: "OK" });
    expect((await viewed).data).toMatchObject({ channel_id: channelId });
    const read = (await bob.getMyChannelMembers(teamId)).find(
      (member) => member.channel_id === channelId,
    );
    expect(read?.msg_count).toBe(channel?.total_msg_count);
  });

  it("autocompletes a plugin's slash command", async () => {
    const suggestions = await bob.getCommandAutocompleteSuggestionsList("/rec", teamId, {
      channel_id: channelId,
      team_id: teamId,
    } as Parameters<Client4["getCommandAutocompleteSuggestionsList"]>[2]);
    expect(suggestions.map((suggestion) => suggestion.Complete)).toContain("recorder");
  });

  it("reconnects with its connection id and receives the events it missed", async () => {
    const connectionId = bobSocket.connectionId;
    expect(connectionId).toMatch(/\S/);
    bobSocket.goOffline();
    await alice.createPost({ channel_id: channelId, message: "while bob was away" });
    const missed = bobSocket.next("posted", (event) =>
      String(event.data.post).includes("while bob was away"),
    );
    await bobSocket.online();
    expect(JSON.parse((await missed).data.post)).toMatchObject({ message: "while bob was away" });
    expect(bobSocket.connectionId).toBe(connectionId);
    expect(bobSocket.missedReloads).toBe(0);
  });
});
