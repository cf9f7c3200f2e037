// The admin console's routes over real HTTP: a plugin's hook activity, its log as server-sent
// events, the server's facts, the console's own files at /console, and the Plugwire fields of
// a plugin's status; for system admins only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RECORDER_ID,
  RestFixture,
  type RestUser,
} from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
});
afterAll(async () => {
  await f?.close();
});

describe("permissions", () => {
  it("the console's routes are for system admins only", async () => {
    for (const path of [
      `/api/v4/plugins/${RECORDER_ID}/activity`,
      `/api/v4/plugins/${RECORDER_ID}/logs`,
      "/api/v4/system/server",
    ]) {
      const { status, body } = await f.call("GET", path, { token: alice.token });
      expect({ path, status }).toEqual({ path, status: 403 });
      expect(body.id).toBe("api.context.permissions.app_error");
      expect((await f.call("GET", path)).status).toBe(401);
    }
  });
});

describe("GET /api/v4/plugins/{plugin_id}/activity", () => {
  it("answers each hook's calls, failures, timeouts and latency per minute", async () => {
    await f.call("PUT", `/api/v4/plugins/${RECORDER_ID}/config`, {
      token: f.adminToken,
      json: { greeting: "Hi" },
    });
    await f.host.app.settled();
    const { status, body } = await f.call("GET", `/api/v4/plugins/${RECORDER_ID}/activity`, {
      token: f.adminToken,
    });
    expect(status).toBe(200);
    expect(body.plugin_id).toBe(RECORDER_ID);
    const change = body.hooks.find(
      (hook: { hook: string }) => hook.hook === "OnConfigurationChange",
    );
    expect(change.minutes).toHaveLength(15);
    expect(change.minutes.at(-1)).toEqual({
      start: expect.any(Number),
      calls: 1,
      failures: 0,
      timeouts: 0,
      p50_ms: expect.any(Number),
      p99_ms: expect.any(Number),
    });
  });

  it("answers 404 for a plugin that is not loaded, 400 for what is not a plugin id", async () => {
    const missing = await f.call("GET", "/api/v4/plugins/no.such.plugin/activity", {
      token: f.adminToken,
    });
    expect(missing.status).toBe(404);
    const bad = await f.call("GET", "/api/v4/plugins/..%2Fx/activity", { token: f.adminToken });
    expect(bad.status).toBe(400);
  });
});

describe("GET /api/v4/plugins/{plugin_id}/logs", () => {
  it("streams the plugin's recent entries, then each new one, as server-sent events", async () => {
    const response = await f.request("GET", `/api/v4/plugins/${RECORDER_ID}/logs`, {
      token: f.adminToken,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = (response.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before "${needle}"`);
        text += value;
      }
    };
    // The host's own entry about the plugin starting is among the recent ones.
    await readUntil("stopped → starting");
    await f.host.disablePlugin(RECORDER_ID);
    await readUntil("active → stopped");
    await f.host.enablePlugin(RECORDER_ID);
    const event = text.split("\n\n").find((block) => block.includes("active → stopped")) as string;
    expect(JSON.parse(event.replace(/^data: /, ""))).toEqual({
      time: expect.any(Number),
      level: "info",
      msg: expect.stringContaining(`plugin ${RECORDER_ID}: active → stopped`),
      plugin_id: RECORDER_ID,
      fields: { state: "stopped", previous: "active" },
    });
    await reader.cancel();
  });

  it("ends the stream when its session ends or its user's roles change, not for others", async () => {
    const follow = async (token: string) => {
      const response = await f.request("GET", `/api/v4/plugins/${RECORDER_ID}/logs`, { token });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>)
        .pipeThrough(new TextDecoderStream())
        .getReader();
      let text = "";
      return {
        /** Reads until `needle` arrives; false when the stream ended first. */
        async until(needle: string): Promise<boolean> {
          while (!text.includes(needle)) {
            const { value, done } = await reader.read();
            if (done) return false;
            text += value;
          }
          return true;
        },
        async ended(): Promise<boolean> {
          for (;;) {
            const { done } = await reader.read();
            if (done) return true;
          }
        },
      };
    };
    const ops = await f.newUser("ops", { admin: true });
    const stream = await follow(ops.token);
    expect(await stream.until("stopped → starting")).toBe(true);
    // Another user's session ending leaves this stream open.
    const other = await f.newUser("other-admin", { admin: true });
    expect((await f.call("POST", "/api/v4/users/logout", { token: other.token })).status).toBe(200);
    await f.host.disablePlugin(RECORDER_ID);
    expect(await stream.until("active → stopped")).toBe(true);
    await f.host.enablePlugin(RECORDER_ID);
    // Its own session ending closes it, and following again is refused.
    expect((await f.call("POST", "/api/v4/users/logout", { token: ops.token })).status).toBe(200);
    expect(await stream.ended()).toBe(true);
    expect(
      (await f.call("GET", `/api/v4/plugins/${RECORDER_ID}/logs`, { token: ops.token })).status,
    ).toBe(401);

    // A role change of its user closes it too; following again asks for the permission anew.
    const demoted = await f.newUser("demoted", { admin: true });
    const second = await follow(demoted.token);
    expect(await second.until("stopped → starting")).toBe(true);
    const roles = await f.call("PUT", `/api/v4/users/${demoted.id}/roles`, {
      token: f.adminToken,
      json: { roles: "system_user" },
    });
    expect(roles.status).toBe(200);
    expect(await second.ended()).toBe(true);
    const again = await f.call("GET", `/api/v4/plugins/${RECORDER_ID}/logs`, {
      token: demoted.token,
    });
    expect(again.status).toBe(403);
  });

  it("answers 404 for a plugin that is not loaded", async () => {
    const { status } = await f.call("GET", "/api/v4/plugins/no.such.plugin/logs", {
      token: f.adminToken,
    });
    expect(status).toBe(404);
  });
});

describe("GET /api/v4/system/server", () => {
  it("answers the version and the database", async () => {
    const { status, body } = await f.call("GET", "/api/v4/system/server", { token: f.adminToken });
    expect(status).toBe(200);
    expect(body).toEqual({ version: f.host.serverVersion, store: "sqlite" });
  });
});

describe("GET /api/v4/plugins/statuses", () => {
  it("adds since when the plugin runs, its restarts and its last output", async () => {
    const { body } = await f.call("GET", "/api/v4/plugins/statuses", { token: f.adminToken });
    const [status] = body;
    expect(status.active_since).toBeGreaterThan(Date.now() - 60_000);
    expect(status.restarts).toBe(0);
    expect(status.last_output).toEqual(expect.arrayContaining([expect.any(String)]));
  });
});

describe("/console", () => {
  it("serves the page to anyone, with a policy that lets it load only its own files", async () => {
    for (const path of ["/console", "/console/", "/console/plugins"]) {
      const response = await f.request("GET", path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(await response.text()).toContain('<script type="module" src="/console/console.js">');
    }
  });

  it("serves its script and style sheet, and nothing outside its folder", async () => {
    const script = await f.request("GET", "/console/console.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await f.request("GET", "/console/console.css")).status).toBe(200);
    for (const path of [
      "/console/missing.js",
      "/console/..%2Fpackage.json",
      "/console/.hidden.js",
    ]) {
      expect({ path, status: (await f.request("GET", path)).status }).toEqual({
        path,
        status: 404,
      });
    }
    expect((await f.request("POST", "/console")).status).toBe(405);
  });
});
