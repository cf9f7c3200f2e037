// The websocket as Client4's WebSocketClient sees it: hello, seq and broadcast in Mattermost's
// envelope, the reliable websocket (missed events after a reconnect, a fresh hello when they
// are gone), typing, and the recorder plugin, a real process, publishing events and receiving
// custom actions and connection hooks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  ClientSocket,
  newClient4,
  type WebSocketEvent,
} from "../../test-fixtures/rest/mattermost-client.js";
import {
  RECORDER_ID,
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let carol: RestUser;
let team: RestTeam;
let channel: RestChannel;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  carol = await f.newUser("carol");
  // Carol is in the team but not in the channel.
  team = await f.newTeam(alice, [bob, carol]);
  channel = await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob]);
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(async () => {
  await f?.close();
});

async function connect(user: RestUser): Promise<ClientSocket> {
  const socket = await ClientSocket.connect(f.url, user.token);
  sockets.push(socket);
  return socket;
}

async function post(user: RestUser, message: string): Promise<void> {
  await newClient4(f.url, user.token).createPost({ channel_id: channel.id, message } as never);
}

/** Posts `message` and resolves with its `posted` event on `socket`. */
async function postSeen(socket: ClientSocket, user: RestUser, message: string) {
  const seen = socket.next("posted", (e) => JSON.parse(e.data.post).message === message);
  await post(user, message);
  return seen;
}

/** The websocket hooks the recorder received since the last call. */
function wsRecords(hook: string) {
  return f.takeRecords(hook, RECORDER_ID, "ws-record:");
}

/** The events a socket received, by name, without the user's own status_change. */
function named(socket: ClientSocket): string[] {
  return socket.events.map((e) => e.event).filter((event) => event !== "status_change");
}

describe("envelope", () => {
  it("hello names the connection and server, and every event carries seq from 0 and the whole broadcast", async () => {
    const socket = await connect(alice);
    const [hello] = socket.events;
    expect(hello).toEqual({
      event: "hello",
      data: {
        connection_id: expect.stringMatching(/^[a-z0-9]{26}$/),
        server_version: f.host.serverVersion,
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
    expect(socket.connectionId).toBe(hello?.data.connection_id);
    await postSeen(socket, bob, "one");
    const second = await postSeen(socket, bob, "two");
    // Every event counts, the user's own status_change (Mattermost sends one on connect) too.
    const seqs = socket.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(named(socket)).toEqual(["hello", "posted", "posted"]);
    expect(second.broadcast).toEqual({
      omit_users: null,
      user_id: "",
      channel_id: channel.id,
      team_id: "",
      connection_id: "",
      omit_connection_id: "",
    });
  });

  it("answers ping with pong, an unknown action with FAIL, and typing as Mattermost", async () => {
    const aliceWs = await connect(alice);
    const bobWs = await connect(bob);
    const carolWs = await connect(carol);
    const pong = await aliceWs.request("ping", null);
    expect(pong).toMatchObject({
      status: "OK",
      data: { text: "pong", version: f.host.serverVersion, node_id: expect.any(String) },
    });
    expect(await aliceWs.request("no_such_action", {})).toMatchObject({
      status: "FAIL",
      error: { id: "api.web_socket_router.bad_action.app_error", status_code: 501 },
    });
    // A custom action for a plugin that is not running is unknown too.
    expect(await aliceWs.request("custom_no.such.plugin_x", {})).toMatchObject({
      status: "FAIL",
    });

    aliceWs.client.userTyping(channel.id, "root1");
    const typing = await bobWs.next("typing");
    expect(typing.data).toEqual({ parent_id: "root1", user_id: alice.id });
    expect(typing.broadcast).toMatchObject({
      channel_id: channel.id,
      omit_users: { [alice.id]: true },
    });
    // Carol is outside the channel; Alice typed. Neither hears of it.
    await postSeen(aliceWs, bob, "marker");
    expect(named(aliceWs)).toEqual(["hello", "posted"]);
    expect(named(carolWs)).toEqual(["hello"]);
    expect(await aliceWs.request("user_typing", { channel_id: "" })).toMatchObject({
      status: "FAIL",
      error: { id: "api.websocket_handler.invalid_param.app_error" },
    });
  });
});

describe("reliable websocket", () => {
  it("a client that reconnects with its connection id gets the events it missed, in order, without a new hello", async () => {
    const socket = await connect(bob);
    const connectionId = socket.connectionId;
    await postSeen(socket, alice, "before");
    const lastSeen = socket.events.at(-1)?.seq ?? -1;
    socket.goOffline();
    await f.host.app.settled();
    for (const message of ["missed 1", "missed 2", "missed 3"]) await post(alice, message);
    const delivered = socket.next("posted", (e) => JSON.parse(e.data.post).message === "missed 3");
    await socket.online();
    await delivered;
    const resumed = socket.socketUrls.at(-1) ?? "";
    expect(new URL(resumed).searchParams.get("connection_id")).toBe(connectionId);
    expect(new URL(resumed).searchParams.get("sequence_number")).toBe(String(lastSeen + 1));
    const seqs = socket.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(named(socket)).toEqual(["hello", "posted", "posted", "posted", "posted"]);
    const posted = socket.events.filter((e) => e.event === "posted");
    expect(posted.slice(1).map((e) => JSON.parse(e.data.post).message)).toEqual([
      "missed 1",
      "missed 2",
      "missed 3",
    ]);
    expect(socket.connectionId).toBe(connectionId);
    expect(socket.missedReloads).toBe(0);
    // And it goes on from there.
    const before = socket.events.at(-1)?.seq ?? 0;
    expect((await postSeen(socket, alice, "after")).seq).toBeGreaterThan(before);
    const all = socket.events.map((e) => e.seq);
    expect(all).toEqual(all.map((_, i) => i));
  });

  it("when the missed events are no longer kept, the client gets a fresh hello with a new connection id and reloads", async () => {
    const socket = await connect(bob);
    const connectionId = socket.connectionId;
    socket.goOffline();
    await f.host.app.settled();
    // More events than a connection keeps (128).
    for (let n = 0; n < 130; n += 1) {
      await f.host.app.publishUserTyping({}, alice.id, channel.id, "");
    }
    const hello = socket.next("hello");
    await socket.online();
    const fresh = await hello;
    expect(fresh.seq).toBe(0);
    expect(fresh.data.connection_id).not.toBe(connectionId);
    expect(socket.connectionId).toBe(fresh.data.connection_id);
    expect(socket.missedReloads).toBe(1);
    expect(socket.events.filter((e) => e.event === "typing")).toEqual([]);
  });

  it("a connection id of another user, or a sequence number that is not one, starts a new connection", async () => {
    const aliceWs = await connect(alice);
    const aliceConnection = aliceWs.connectionId;
    aliceWs.goOffline();
    const intruder = new WebSocketProbe(f.url, bob.token, aliceConnection, "1");
    const hello = await intruder.hello();
    expect(hello.data.connection_id).not.toBe(aliceConnection);
    expect(hello.broadcast.user_id).toBe(bob.id);
    intruder.close();
    // A sequence number that is not one is a fresh start too, and leaves hers alone.
    const garbled = new WebSocketProbe(f.url, alice.token, aliceConnection, "abc");
    expect((await garbled.hello()).data.connection_id).not.toBe(aliceConnection);
    garbled.close();
    // Alice can still come back to hers.
    await aliceWs.online();
    await postSeen(aliceWs, bob, "still yours");
    expect(aliceWs.connectionId).toBe(aliceConnection);
    expect(aliceWs.events.filter((e) => e.event === "hello")).toHaveLength(1);
  });
});

describe("plugins", () => {
  it("OnWebSocketConnect and OnWebSocketDisconnect reach the plugin with the connection id", async () => {
    await wsRecords("OnWebSocketConnect");
    const socket = await connect(carol);
    const connectionId = socket.connectionId;
    await expect
      .poll(async () => (await f.takeRecords(undefined, RECORDER_ID, "ws-record:")).length > 0)
      .toBe(true);
    socket.close();
    await expect
      .poll(async () => (await wsRecords("OnWebSocketDisconnect")).map((r) => r.args))
      .toContainEqual({ webConnId: connectionId, userId: carol.id });
  });

  it("a custom_<plugin id>_ action reaches that plugin's WebSocketMessageHasBeenPosted, unanswered", async () => {
    const socket = await connect(alice);
    await wsRecords("WebSocketMessageHasBeenPosted");
    socket.client.sendMessage(`custom_${RECORDER_ID}_hello`, { greeting: "hi", n: 2 });
    await expect
      .poll(async () => {
        const [record] = await wsRecords("WebSocketMessageHasBeenPosted");
        return record?.args;
      })
      .toMatchObject({
        webConnId: socket.connectionId,
        userId: alice.id,
        request: {
          action: `custom_${RECORDER_ID}_hello`,
          data: { greeting: "hi", n: 2 },
          seq: expect.any(Number),
          sessionId: expect.stringMatching(/^[a-z0-9]{26}$/),
        },
      });
  });

  it("PublishWebSocketEvent reaches only the users and connections its broadcast names", async () => {
    const aliceWs = await connect(alice);
    const bobWs = await connect(bob);
    const carolWs = await connect(carol);
    const publish = (event: string, payload: unknown, broadcast: unknown) =>
      aliceWs.client.sendMessage(`custom_${RECORDER_ID}_publish`, { event, payload, broadcast });

    publish("to_bob", { n: 1, nested: { list: [1, "two", null] } }, { userId: bob.id });
    const toBob = await bobWs.next(`custom_${RECORDER_ID}_to_bob`);
    expect(toBob.data).toEqual({ n: 1, nested: { list: [1, "two", null] } });
    expect(toBob.broadcast).toEqual({
      omit_users: null,
      user_id: bob.id,
      channel_id: "",
      team_id: "",
      connection_id: "",
      omit_connection_id: "",
    });

    publish("to_channel", {}, { channelId: channel.id, omitUsers: { [bob.id]: true } });
    await aliceWs.next(`custom_${RECORDER_ID}_to_channel`);

    publish("to_connection", {}, { connectionId: carolWs.connectionId });
    await carolWs.next(`custom_${RECORDER_ID}_to_connection`);

    publish("to_team", {}, { teamId: team.id, omitConnectionId: aliceWs.connectionId });
    await bobWs.next(`custom_${RECORDER_ID}_to_team`);
    await carolWs.next(`custom_${RECORDER_ID}_to_team`);

    // Events go out in order: everything meant for each has arrived by now.
    const names = (socket: ClientSocket) =>
      named(socket).map((event) => event.replace(`custom_${RECORDER_ID}_`, ""));
    expect(names(aliceWs)).toEqual(["hello", "to_channel"]);
    expect(names(bobWs)).toEqual(["hello", "to_bob", "to_team"]);
    expect(names(carolWs)).toEqual(["hello", "to_connection", "to_team"]);
  });

  it("a payload JSON can't carry is refused with a ValidationError, and nothing is sent", async () => {
    const aliceWs = await connect(alice);
    await wsRecords("WebSocketMessageHasBeenPosted");
    aliceWs.client.sendMessage(`custom_${RECORDER_ID}_publish`, {
      event: "bad",
      unencodable: true,
      broadcast: { user_id: alice.id },
    });
    let record: Awaited<ReturnType<typeof wsRecords>>[number] | undefined;
    await expect
      .poll(async () => {
        record ??= (await wsRecords("WebSocketMessageHasBeenPosted"))[0];
        return record !== undefined;
      })
      .toBe(true);
    expect(record?.args.error).toMatchObject({
      name: "ValidationError",
      params: { field: "payload.count" },
    });
    // An unnamed event is refused by the host.
    aliceWs.client.sendMessage(`custom_${RECORDER_ID}_publish`, { event: "" });
    await expect
      .poll(async () => (await wsRecords("WebSocketMessageHasBeenPosted"))[0]?.args.error)
      .toMatchObject({ name: "ValidationError", params: { field: "event" } });
    await postSeen(aliceWs, bob, "marker");
    expect(named(aliceWs)).toEqual(["hello", "posted"]);
  });

  it("PublishUserTyping tells the channel but the typist; unknown ids are NotFoundErrors", async () => {
    const aliceWs = await connect(alice);
    const bobWs = await connect(bob);
    bobWs.client.sendMessage(`custom_${RECORDER_ID}_typing`, {
      channel_id: channel.id,
      parent_id: "thread",
    });
    expect((await aliceWs.next("typing")).data).toEqual({ parent_id: "thread", user_id: bob.id });
    await wsRecords("WebSocketMessageHasBeenPosted");
    bobWs.client.sendMessage(`custom_${RECORDER_ID}_typing`, { channel_id: "nochannel" });
    await expect
      .poll(async () => (await wsRecords("WebSocketMessageHasBeenPosted"))[0]?.args.error)
      .toMatchObject({ name: "NotFoundError" });
    await postSeen(bobWs, alice, "marker");
    expect(named(bobWs)).toEqual(["hello", "posted"]);
  });
});

/** A bare ws client that asks to resume a connection, for the cases Client4 never makes. */
class WebSocketProbe {
  private readonly socket: WebSocket;
  private readonly first: Promise<WebSocketEvent>;

  constructor(url: string, token: string, connectionId: string, sequence: string) {
    const query = `connection_id=${connectionId}&sequence_number=${sequence}`;
    this.socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/v4/websocket?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    this.first = new Promise((resolve) => {
      this.socket.once("message", (data) => resolve(JSON.parse(data.toString())));
    });
  }

  hello() {
    return this.first;
  }

  close(): void {
    this.socket.close();
  }
}
