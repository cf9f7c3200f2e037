// The Hello plugin, built (npm run build), running as its own process under a real host on
// real sockets: every hook it implements answers as it does in-process.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { allow, reject } from "@plugwire/sdk";
import {
  makeCommandArgs,
  makePost,
  makeUser,
  type PluginProcessHarness,
  startPluginProcess,
  stopAll,
} from "@plugwire/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const alice = makeUser({ username: "alice" });

let p: PluginProcessHarness;
beforeAll(async () => {
  p = await startPluginProcess(pluginDir, { serverVersion: "9.5.0", fixtures: { users: [alice] } });
});
afterAll(stopAll);

describe("OnActivate", () => {
  it("logs through the host, with the server version from the API", () => {
    expect(p.logs).toContainEqual(expect.objectContaining({ msg: "Hello plugin activated" }));
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: "Server version: 9.5.0", fields: { version: "9.5.0" } }),
    );
  });

  it("registers /hello", () => {
    expect(p.api.callsTo("RegisterCommand")[0]?.request.command?.trigger).toBe("hello");
  });
});

describe("MessageWillBePosted", () => {
  it("rejects badword in any case and allows other messages", async () => {
    expect(await p.hooks.MessageWillBePosted(makePost({ message: "a BadWord" }))).toEqual(
      reject('Message blocked: "badword" is not allowed here.'),
    );
    expect(await p.hooks.MessageWillBePosted(makePost({ message: "hello" }))).toEqual(allow());
  });
});

describe("ExecuteCommand", () => {
  it("answers /hello ephemerally and says so for an unknown command", async () => {
    expect(await p.hooks.ExecuteCommand(makeCommandArgs({ command: "/hello" }))).toMatchObject({
      responseType: "ephemeral",
      text: "Hello from Plugwire! 👋",
    });
    expect((await p.hooks.ExecuteCommand(makeCommandArgs({ command: "/nope" }))).text).toBe(
      "Unknown command: /nope",
    );
  });
});

describe("ServeHTTP", () => {
  it("answers GET /api/hello with JSON naming the logged-in user, never a spoofed one", async () => {
    const response = await p.http("/plugins/com.plugwire.hello/api/hello", {
      userId: alice.id,
      headers: { "Mattermost-User-Id": "spoofed-admin" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ message: "Hello from Plugwire!", user_id: alice.id });
  });

  it("answers 404 for a path it does not know", async () => {
    expect((await p.http("/api/nope")).status).toBe(404);
  });
});

describe("OnDeactivate", () => {
  it("logs when the host stops the plugin", async () => {
    await p.stop();
    expect(p.logs).toContainEqual(expect.objectContaining({ msg: "Hello plugin deactivated" }));
  });
});
