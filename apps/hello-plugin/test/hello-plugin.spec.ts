// The Hello plugin in this process: every hook it implements, called with typed arguments
// through the real protocol encoding, against a fake backend with the host's semantics.
import { allow, PostSchema, protocolMessage, reject } from "@plugwire/sdk";
import {
  createPluginHarness,
  makeChannel,
  makeCommandArgs,
  makePost,
  makeTeam,
  makeUser,
  type PluginHarness,
} from "@plugwire/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HelloPlugin } from "../src/hello-plugin.js";

const alice = makeUser({ username: "alice" });
const team = makeTeam({ name: "core" });
const townSquare = makeChannel({ teamId: team.id, name: "town-square" });

let t: PluginHarness<HelloPlugin>;
beforeEach(async () => {
  t = await createPluginHarness(HelloPlugin, {
    manifest: { id: "com.plugwire.hello" },
    serverVersion: "9.5.0",
    fixtures: { users: [alice], teams: [team], channels: [townSquare] },
  });
});
afterEach(() => t.close());

describe("OnActivate", () => {
  it("logs that it activated and the server version it asked the API for", async () => {
    await t.activate();
    expect(t.logs.map(({ level, msg, fields }) => ({ level, msg, fields }))).toEqual([
      { level: "info", msg: "Hello plugin activated", fields: {} },
      { level: "info", msg: "Server version: 9.5.0", fields: { version: "9.5.0" } },
    ]);
    expect(t.api.callsTo("GetServerVersion")).toHaveLength(1);
  });

  it("registers /hello", async () => {
    await t.activate();
    const [registration] = t.api.callsTo("RegisterCommand");
    expect(registration?.request.command).toMatchObject({
      trigger: "hello",
      displayName: "Hello",
      autoComplete: true,
    });
    expect(registration?.error).toBeUndefined();
  });
});

describe("OnDeactivate", () => {
  it("logs that it deactivated", async () => {
    await t.activate();
    await t.deactivate();
    expect(t.logs.at(-1)).toMatchObject({ level: "info", msg: "Hello plugin deactivated" });
  });
});

describe("MessageWillBePosted", () => {
  it.each(["badword", "BadWord", "a BADWORD here", "notabadwordatall"])(
    "rejects %j, whatever its case",
    async (message) => {
      expect(await t.hooks.MessageWillBePosted(makePost({ message }))).toEqual(
        reject('Message blocked: "badword" is not allowed here.'),
      );
    },
  );

  it.each(["hello, world", "bad word", ""])("allows %j", async (message) => {
    expect(await t.hooks.MessageWillBePosted(makePost({ message }))).toEqual(allow());
  });

  it("keeps a person's post out of the channel once the plugin is active", async () => {
    await t.activate();
    const post = makePost({ channelId: townSquare.id, userId: alice.id, message: "my badword" });
    // The host's app layer takes the protocol's message; protocolMessage converts the plain model.
    const message = protocolMessage(PostSchema, post);
    await expect(t.api.app.createPost({ userId: alice.id }, message)).rejects.toThrow(
      'Message blocked: "badword" is not allowed here.',
    );
    expect(await t.api.client().getPostsForChannel(townSquare.id)).toEqual([]);
  });
});

describe("ExecuteCommand", () => {
  it("answers /hello with an ephemeral greeting", async () => {
    const response = await t.hooks.ExecuteCommand(
      { userId: alice.id },
      makeCommandArgs({ command: "/hello", userId: alice.id }),
    );
    expect(response).toMatchObject({ responseType: "ephemeral", text: "Hello from Plugwire! 👋" });
  });

  it("ignores what follows the trigger", async () => {
    const response = await t.hooks.ExecuteCommand(makeCommandArgs({ command: "  /hello there  " }));
    expect(response.text).toBe("Hello from Plugwire! 👋");
  });

  it("says so for a command it does not know", async () => {
    const response = await t.hooks.ExecuteCommand(makeCommandArgs({ command: "/goodbye now" }));
    expect(response).toMatchObject({
      responseType: "ephemeral",
      text: "Unknown command: /goodbye",
    });
  });
});

describe("ServeHTTP", () => {
  it("answers GET /api/hello with JSON naming the logged-in user", async () => {
    const response = await t.http("/api/hello", { userId: alice.id });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ message: "Hello from Plugwire!", user_id: alice.id });
  });

  it("never trusts a Mattermost-User-Id header the client sent", async () => {
    const response = await t.http("/plugins/com.plugwire.hello/api/hello", {
      headers: { "Mattermost-User-Id": "spoofed-admin" },
    });
    expect(await response.json()).toEqual({ message: "Hello from Plugwire!", user_id: "" });
  });

  it("answers 404 with an error for any other route or method", async () => {
    const missing = await t.http("/api/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "No route for GET /api/nope" });
    const posted = await t.http("/api/hello", { method: "POST", body: "{}" });
    expect(posted.status).toBe(404);
  });
});
