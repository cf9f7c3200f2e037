// PublishWebSocketEvent and PublishUserTyping through the PluginAPI service: what the app
// reports to the websocket server, and the bad input refused before anything is sent. (The
// Client4 specs in test/client4/realtime.spec.ts follow the events to real clients.)
import { NotFoundError } from "@plugwire/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PublishedWebSocketEvent, Toast } from "../app/app.js";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  callsOf,
  expectInvalid,
  newChannel,
  newTeam,
  newUser,
  PLUGIN_A,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

const published: PublishedWebSocketEvent[] = [];
const typing: [string, string, string][] = [];
const toasts: Toast[] = [];
let unsubscribe: () => void;
beforeEach(() => {
  unsubscribe = world.hostApp.subscribe({
    webSocketEventPublished: (event) => published.push(event),
    toastSent: (toast) => toasts.push(toast),
    userTyping: (...args) => typing.push(args),
  });
});
afterEach(() => {
  unsubscribe();
  published.length = 0;
  typing.length = 0;
  toasts.length = 0;
});

describe("SendToastMessage", () => {
  it("sends the toast to the user's clients, or to one connection of theirs", async () => {
    await world.a.sendToastMessage({ userId: "u1", message: "Saved", position: "bottom-right" });
    await world.a.sendToastMessage({ userId: "u1", connectionId: "w1", message: "Here" });
    expect(toasts).toEqual([
      { userId: "u1", connectionId: "", message: "Saved", position: "bottom-right" },
      { userId: "u1", connectionId: "w1", message: "Here", position: "" },
    ]);
    expect(callsOf("sendToastMessage")[0]).toMatchObject({ actor: { pluginId: PLUGIN_A } });
  });

  it("refuses a toast without a user or a message with Mattermost's ids, sending nothing", async () => {
    const noUser = await failureOf(world.a.sendToastMessage({ message: "Saved" }));
    expect(noUser).toMatchObject({
      id: "app.toast.send_toast_message.user_id.app_error",
      statusCode: 400,
    });
    await expectInvalid(world.a.sendToastMessage({ userId: "u1" }), "message");
    expect(toasts).toEqual([]);
  });
});

describe("PublishWebSocketEvent", () => {
  it("names the event after the calling plugin and passes the broadcast on", async () => {
    await world.a.publishWebSocketEvent({
      event: "refresh",
      payload: { count: 2, items: ["a", { b: true }], none: null },
      broadcast: { userId: "u1", omitUsers: { u2: true }, omitConnectionId: "c1" },
    });
    expect(published).toEqual([
      {
        event: `custom_${PLUGIN_A}_refresh`,
        data: { count: 2, items: ["a", { b: true }], none: null },
        broadcast: {
          omitUsers: { u2: true },
          userId: "u1",
          channelId: "",
          teamId: "",
          connectionId: "",
          omitConnectionId: "c1",
        },
      },
    ]);
    expect(callsOf("publishWebSocketEvent")[0]).toMatchObject({ actor: { pluginId: PLUGIN_A } });
  });

  it("refuses an unnamed event and a payload value JSON can't carry, sending nothing", async () => {
    await expectInvalid(world.a.publishWebSocketEvent({ payload: {} }), "event");
    await expectInvalid(
      world.a.publishWebSocketEvent({ event: "e", payload: { deep: { n: Number.NaN } } }),
      "payload.deep.n",
    );
    await expectInvalid(
      world.a.publishWebSocketEvent({
        event: "e",
        payload: { list: [1, Number.POSITIVE_INFINITY] },
      }),
      "payload.list[1]",
    );
    expect(published).toEqual([]);
  });
});

describe("PublishUserTyping", () => {
  it("reports the typist, channel and thread", async () => {
    const user = await newUser("typist");
    const channel = await newChannel(await newTeam("core"), "general");
    await world.a.publishUserTyping({ userId: user.id, channelId: channel.id, parentId: "p1" });
    expect(typing).toEqual([[channel.id, user.id, "p1"]]);
  });

  it("refuses missing ids and answers unknown ones with NotFoundError", async () => {
    await expectInvalid(world.a.publishUserTyping({ channelId: "c" }), "user_id");
    await expectInvalid(world.a.publishUserTyping({ userId: "u" }), "channel_id");
    const user = await newUser("typist");
    const unknownChannel = await failureOf(
      world.a.publishUserTyping({ userId: user.id, channelId: "nochannel" }),
    );
    expect(unknownChannel).toBeInstanceOf(NotFoundError);
    expect(typing).toEqual([]);
  });
});
