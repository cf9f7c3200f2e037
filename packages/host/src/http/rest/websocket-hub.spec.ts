// GET /api/v4/websocket with a real ws client: v4's authentication challenge, hello, and the
// events of posts, ephemeral messages and memberships, each to the people who should get it.
import { once } from "node:events";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  PASSWORD,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../../test-fixtures/rest/rest-fixture.js";
import { WebSocketClient } from "../../../test-fixtures/rest/websocket-client.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let team: RestTeam;
let teamId: string;
let channelId: string;
const clients: WebSocketClient[] = [];

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  // Bob is in the team but not in the channel: the specs below see him join it.
  team = await f.newTeam(alice, [bob]);
  teamId = team.id;
  channelId = (await f.newChannel(team, alice, { name: "town", displayName: "Town Square" })).id;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await f?.close();
});

async function connect(headers: Record<string, string> = {}): Promise<WebSocketClient> {
  const client = await WebSocketClient.connect(f.url, headers);
  clients.push(client);
  return client;
}

/**
 * The events a client received, but status_change: a user's own connection tells them they are
 * online (as Mattermost does), at a moment that depends on their earlier connections closing.
 */
function eventsBut(client: WebSocketClient): string[] {
  return client.eventNames().filter((name) => name !== "status_change");
}

/** A client authenticated with v4's challenge, past its hello. */
async function authenticated(token: string): Promise<WebSocketClient> {
  const client = await connect();
  client.send({ seq: 1, action: "authentication_challenge", data: { token } });
  await client.event("hello");
  return client;
}

describe("authentication", () => {
  it("closes a connection that does not authenticate in time", async () => {
    const strict = await RestFixture.start({ webSocketAuthTimeoutMs: 200 });
    try {
      const client = await WebSocketClient.connect(strict.url);
      const [code] = (await once(client.socket, "close")) as [number];
      expect(code).toBe(1008);
    } finally {
      await strict.close();
    }
  });

  it("answers the challenge with OK and then hello, in v4's envelope", async () => {
    const client = await connect();
    client.send({ seq: 1, action: "authentication_challenge", data: { token: alice.token } });
    expect(await client.next()).toEqual({ status: "OK", seq_reply: 1 });
    expect(await client.next()).toEqual({
      event: "hello",
      data: {
        server_version: f.host.serverVersion,
        connection_id: expect.stringMatching(/^[a-z0-9]{26}$/),
        server_hostname: expect.any(String),
      },
      broadcast: {
        omit_users: null,
        user_id: alice.id,
        channel_id: "",
        team_id: "",
        connection_id: "",
        omit_connection_id: "",
      },
      seq: 0,
    });
  });

  it("answers a bad token or another action first with FAIL, and sends nothing else", async () => {
    const client = await connect();
    client.send({ seq: 1, action: "user_typing", data: {} });
    expect(await client.next()).toMatchObject({
      status: "FAIL",
      seq_reply: 1,
      error: { id: "api.web_socket_router.not_authenticated.app_error" },
    });
    client.send({ seq: 2, action: "authentication_challenge", data: { token: "wrong" } });
    expect(await client.next()).toMatchObject({ status: "FAIL", seq_reply: 2 });
    await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "unseen" },
    });
    client.send({ seq: 3, action: "authentication_challenge", data: { token: alice.token } });
    expect(await client.next()).toEqual({ status: "OK", seq_reply: 3 });
    expect(eventsBut(client)).toEqual(["hello"]);
  });

  it("takes the session from the Authorization header at the upgrade", async () => {
    const client = await connect({ authorization: `Bearer ${alice.token}` });
    expect(await client.next()).toMatchObject({ event: "hello", broadcast: { user_id: alice.id } });
  });

  it("takes the session cookie at the upgrade only from this server's pages", async () => {
    const cookie = `MMAUTHTOKEN=${alice.token}`;
    const sameSite = await connect({ cookie, origin: f.url });
    expect(await sameSite.next()).toMatchObject({ event: "hello" });
    const otherSite = await connect({ cookie, origin: "https://evil.example" });
    otherSite.send({ seq: 1, action: "user_typing" });
    expect(await otherSite.next()).toMatchObject({ status: "FAIL", seq_reply: 1 });
  });

  it("closes the connections of a session that logs out", async () => {
    const { token } = await f.newUser("logs-out");
    const client = await authenticated(token);
    const closed = new Promise<number>((resolve) => client.socket.once("close", resolve));
    await f.call("POST", "/api/v4/users/logout", { token });
    expect(await closed).toBe(4001);
  });
});

describe("events", () => {
  it("posted goes to the channel's members, with the post as a JSON string and the channel and sender", async () => {
    const aliceWs = await authenticated(alice.token);
    const bobWs = await authenticated(bob.token);
    const { body: post } = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "hi all" },
    });
    const event = await aliceWs.event("posted");
    expect(event).toMatchObject({
      data: {
        channel_display_name: "Town Square",
        channel_name: "town",
        channel_type: "O",
        sender_name: "@alice",
        team_id: teamId,
      },
      broadcast: {
        omit_users: null,
        user_id: "",
        channel_id: channelId,
        team_id: "",
        connection_id: "",
        omit_connection_id: "",
      },
      seq: expect.any(Number),
    });
    expect(JSON.parse(event.data.post)).toEqual(post);

    // Bob is not in the channel; he gets user_added when he joins, then its posts.
    await f.call("POST", `/api/v4/channels/${channelId}/members`, {
      token: bob.token,
      json: { user_id: bob.id },
    });
    expect((await bobWs.event("user_added")).data).toEqual({ user_id: bob.id, team_id: teamId });
    const joined = JSON.parse((await bobWs.event("posted")).data.post);
    expect(joined).toMatchObject({ type: "system_join_channel", user_id: bob.id });
    await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "welcome" },
    });
    expect(JSON.parse((await bobWs.event("posted")).data.post).message).toBe("welcome");
    expect(eventsBut(bobWs)).toEqual(["hello", "user_added", "posted", "posted"]);
  });

  it("ephemeral_message of a command goes to the caller alone", async () => {
    const aliceWs = await authenticated(alice.token);
    const bobWs = await authenticated(bob.token);
    await f.call("POST", "/api/v4/commands/execute", {
      token: bob.token,
      json: { channel_id: channelId, command: "/recorder ephemeral only bob sees this" },
    });
    const event = await bobWs.event("ephemeral_message");
    expect(event.broadcast).toEqual({
      omit_users: null,
      user_id: bob.id,
      channel_id: channelId,
      team_id: "",
      connection_id: "",
      omit_connection_id: "",
    });
    expect(JSON.parse(event.data.post)).toMatchObject({
      channel_id: channelId,
      message: "only bob sees this",
      type: "system_ephemeral",
    });
    await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "marker" },
    });
    await aliceWs.event("posted");
    expect(aliceWs.eventNames()).not.toContain("ephemeral_message");
  });

  it("post_edited and post_deleted follow an edit and a deletion", async () => {
    const bobWs = await authenticated(bob.token);
    const { body: post } = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "draft" },
    });
    await f.call("PUT", `/api/v4/posts/${post.id}/patch`, {
      token: alice.token,
      json: { message: "final" },
    });
    expect(JSON.parse((await bobWs.event("post_edited")).data.post)).toMatchObject({
      id: post.id,
      message: "final",
    });
    await f.call("DELETE", `/api/v4/posts/${post.id}`, { token: alice.token });
    const deleted = await bobWs.event("post_deleted");
    expect(deleted.data.delete_by).toBe(alice.id);
    expect(JSON.parse(deleted.data.post)).toMatchObject({ id: post.id });
  });

  it("channel_created goes to the creator, user_removed to the channel and to the user removed", async () => {
    const aliceWs = await authenticated(alice.token);
    const bobWs = await authenticated(bob.token);
    const { body: channel } = await f.call("POST", "/api/v4/channels", {
      token: alice.token,
      json: { team_id: teamId, name: "side", display_name: "Side", type: "O" },
    });
    expect((await aliceWs.event("channel_created")).data).toEqual({
      channel_id: channel.id,
      team_id: teamId,
    });
    await f.call("POST", `/api/v4/channels/${channel.id}/members`, {
      token: bob.token,
      json: { user_id: bob.id },
    });
    await f.call("DELETE", `/api/v4/channels/${channel.id}/members/${bob.id}`, {
      token: alice.token,
    });
    expect(await aliceWs.event("user_removed")).toMatchObject({
      data: { user_id: bob.id, remover_id: alice.id },
      broadcast: { channel_id: channel.id },
    });
    expect(await bobWs.event("user_removed")).toMatchObject({
      data: { channel_id: channel.id, remover_id: alice.id },
      broadcast: { user_id: bob.id },
    });
    expect(bobWs.eventNames()).not.toContain("channel_created");
  });

  it("reach a user who logs in after connecting through the challenge, and numbers each connection's events", async () => {
    const login = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "alice", password: PASSWORD },
    });
    const client = await authenticated(login.headers.get("token") ?? "");
    for (const message of ["a", "b"]) {
      await f.call("POST", "/api/v4/posts", {
        token: alice.token,
        json: { channel_id: channelId, message },
      });
    }
    const first = await client.event("posted");
    expect(first.seq).toBeGreaterThan(0);
    expect((await client.event("posted")).seq).toBe(first.seq + 1);
  });
});

describe("update_team", () => {
  it("follows a team's patch, to the team's members only, with the team as a JSON string", async () => {
    const outsider = await f.newUser("outsider");
    const bobWs = await authenticated(bob.token);
    const outsiderWs = await authenticated(outsider.token);
    const { status } = await f.call("PUT", `/api/v4/teams/${teamId}/patch`, {
      token: alice.token,
      json: { description: "Announced" },
    });
    expect(status).toBe(200);
    const event = await bobWs.event("update_team");
    expect(event.broadcast).toMatchObject({ team_id: teamId });
    expect(JSON.parse(event.data.team as string)).toMatchObject({
      id: teamId,
      description: "Announced",
    });
    // Events go out in order: once the outsider hears of joining the team, update_team would
    // have come first, had it been sent to them.
    await f.call("POST", `/api/v4/teams/${teamId}/members`, {
      token: alice.token,
      json: { team_id: teamId, user_id: outsider.id },
    });
    await outsiderWs.event("added_to_team");
    expect(eventsBut(outsiderWs)).toEqual(["hello", "added_to_team"]);
  });
});

describe("actions", () => {
  it("user_typing tells the channel's other members, and is refused outside the channel", async () => {
    const carol = await f.newUser("carol");
    const room = await f.newChannel(team, alice, { name: "typing", displayName: "Typing" }, [bob]);
    const aliceWs = await authenticated(alice.token);
    const bobWs = await authenticated(bob.token);
    const carolWs = await authenticated(carol.token);

    aliceWs.send({ seq: 2, action: "user_typing", data: { channel_id: room.id, parent_id: "p1" } });
    expect(await aliceWs.next((m) => m.seq_reply === 2)).toEqual({ status: "OK", seq_reply: 2 });
    expect(await bobWs.event("typing")).toMatchObject({
      data: { parent_id: "p1", user_id: alice.id },
      broadcast: { omit_users: { [alice.id]: true }, channel_id: room.id },
    });

    carolWs.send({ seq: 2, action: "user_typing", data: { channel_id: room.id } });
    expect(await carolWs.next((m) => m.seq_reply === 2)).toMatchObject({
      status: "FAIL",
      error: { id: "api.websocket_handler.invalid_param.app_error" },
    });
    carolWs.send({ seq: 3, action: "user_typing", data: {} });
    expect(await carolWs.next((m) => m.seq_reply === 3)).toMatchObject({
      status: "FAIL",
      error: { id: "api.websocket_handler.invalid_param.app_error" },
    });
    // Bob typing reaches Alice; events go out in order, so had Alice been told of her own
    // typing, it would have come first. Carol, outside the channel, hears nothing.
    bobWs.send({ seq: 2, action: "user_typing", data: { channel_id: room.id } });
    expect((await aliceWs.event("typing")).data).toEqual({ parent_id: "", user_id: bob.id });
    expect(eventsBut(aliceWs)).toEqual(["hello", "typing"]);
    expect(eventsBut(bobWs)).toEqual(["hello", "typing"]);
    expect(eventsBut(carolWs)).toEqual(["hello"]);
  });

  it("get_statuses and get_statuses_by_ids answer who has a websocket open, until the last one closes", async () => {
    const dave = await f.newUser("dave");
    const erin = await f.newUser("erin");
    const daveWs = await authenticated(dave.token);
    const daveAgain = await connect({ authorization: `Bearer ${dave.token}` });
    await daveAgain.event("hello");
    const erinWs = await authenticated(erin.token);

    erinWs.send({ seq: 2, action: "get_statuses" });
    const all = await erinWs.next((m) => m.seq_reply === 2);
    expect(all).toMatchObject({ status: "OK", data: { [dave.id]: "online", [erin.id]: "online" } });

    erinWs.send({ seq: 3, action: "get_statuses_by_ids", data: { user_ids: [dave.id, alice.id] } });
    expect(await erinWs.next((m) => m.seq_reply === 3)).toEqual({
      status: "OK",
      seq_reply: 3,
      data: { [dave.id]: "online", [alice.id]: "offline" },
    });

    // One of Dave's two connections closes: still online; then the other: offline.
    await daveWs.close();
    const statusOf = async (seq: number, userId: string) => {
      erinWs.send({ seq, action: "get_statuses_by_ids", data: { user_ids: [userId] } });
      return ((await erinWs.next((m) => m.seq_reply === seq)).data as Record<string, string>)[
        userId
      ];
    };
    expect(await statusOf(4, dave.id)).toBe("online");
    await daveAgain.close();
    let seq = 5;
    await expect.poll(() => statusOf(seq++, dave.id)).toBe("offline");

    erinWs.send({ seq: 100, action: "get_statuses_by_ids", data: { user_ids: "nope" } });
    expect(await erinWs.next((m) => m.seq_reply === 100)).toMatchObject({
      status: "FAIL",
      error: { id: "api.websocket_handler.invalid_param.app_error" },
    });

    // Before authenticating, no one's status is told.
    const anonymous = await connect();
    anonymous.send({ seq: 1, action: "get_statuses" });
    expect(await anonymous.next()).toMatchObject({
      status: "FAIL",
      error: { id: "api.web_socket_router.not_authenticated.app_error" },
    });
  });
});
