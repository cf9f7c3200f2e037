// The REST server as a whole: the v4 error body for unknown routes, body limits, plugins' HTTP
// at /plugins/{plugin_id}/... with the logged-in user as Mattermost-User-Id, and shutdown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RECORDER_ID,
  RestFixture,
  type RestUser,
} from "../../../test-fixtures/rest/rest-fixture.js";
import { WebSocketClient } from "../../../test-fixtures/rest/websocket-client.js";
import { MAX_JSON_BODY_BYTES, startRestServer } from "./server.js";

let f: RestFixture;
let alice: RestUser;

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
});
afterAll(async () => {
  await f?.close();
});

describe("GET /api/v4/system/ping", () => {
  it("answers OK without a session, with the request id as X-Request-ID", async () => {
    const { status, body, headers } = await f.call("GET", "/api/v4/system/ping");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "OK" });
    expect(headers.get("x-request-id")).toMatch(/^[a-z0-9]{26}$/);
  });
});

describe("routing", () => {
  it("answers an unknown route 404 and a known path with another method 405, with the v4 error body", async () => {
    const missing = await f.call("GET", "/api/v4/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      id: "api.context.404.app_error",
      message: expect.stringContaining("/api/v4/nothing-here"),
      detailed_error: "",
      request_id: missing.headers.get("x-request-id"),
      status_code: 404,
      params: { path: "/api/v4/nothing-here" },
    });
    const wrongMethod = await f.call("POST", "/api/v4/system/ping");
    expect(wrongMethod).toMatchObject({ status: 405, body: { status_code: 405 } });
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("answers a URL over node's header limit 431 with the v4 error body", async () => {
    const response = await fetch(`${f.url}/api/v4/users/${"x".repeat(60_000)}`);
    expect(response.status).toBe(431);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({
      id: "api.context.request_headers_too_large.app_error",
      status_code: 431,
    });
    // The server is still up.
    expect((await f.call("GET", "/api/v4/system/ping")).status).toBe(200);
  });

  it("answers a malformed percent-encoding in the path 400", async () => {
    const { status, body } = await f.call("GET", "/api/v4/users/%E0%A4%A", { token: alice.token });
    expect(status).toBe(400);
    expect(body.params).toEqual({ field: "path" });
  });
});

describe("JSON bodies", () => {
  it("over 1 MiB are refused with 413, whether declared or streamed", async () => {
    const big = JSON.stringify({ channel_id: "c", message: "x".repeat(MAX_JSON_BODY_BYTES) });
    const declared = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      body: big,
      headers: { "content-type": "application/json" },
    });
    expect(declared).toMatchObject({
      status: 413,
      body: { id: "api.context.request_body_too_large.app_error", status_code: 413 },
    });
    const streamed = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      body: new Blob([big]).stream(),
      headers: { "content-type": "application/json" },
    });
    expect(streamed.status).toBe(413);
  });
});

describe("/plugins/{plugin_id}/...", () => {
  it("reaches the plugin's ServeHTTP with the session's user as Mattermost-User-Id, never the client's", async () => {
    const { status, body, headers } = await f.call("POST", `/plugins/${RECORDER_ID}/api/echo?x=1`, {
      token: alice.token,
      body: "payload",
      headers: { "Mattermost-User-Id": "spoofed-admin" },
    });
    expect(status).toBe(200);
    // Like every v4 answer, with the request's id.
    expect(headers.get("x-request-id")).toMatch(/^[a-z0-9]{26}$/);
    expect(body).toEqual({
      user_id: alice.id,
      context_user_id: alice.id,
      method: "POST",
      path: "/api/echo?x=1",
      body: "payload",
    });
  });

  it("goes through without a session, with no Mattermost-User-Id at all", async () => {
    const { status, body } = await f.call("GET", `/plugins/${RECORDER_ID}/public`, {
      headers: { "Mattermost-User-Id": "spoofed-admin" },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ user_id: null, context_user_id: "", path: "/public" });
  });

  it("counts a session cookie for reads, and for writes only with CSRF proof", async () => {
    const cookie = `MMAUTHTOKEN=${alice.token}`;
    const read = await f.call("GET", `/plugins/${RECORDER_ID}/page`, { headers: { cookie } });
    expect(read.body.user_id).toBe(alice.id);
    const write = await f.call("POST", `/plugins/${RECORDER_ID}/action`, { headers: { cookie } });
    expect(write.body.user_id).toBeNull();
    const xhr = await f.call("POST", `/plugins/${RECORDER_ID}/action`, {
      headers: { cookie, "x-requested-with": "XMLHttpRequest" },
    });
    expect(xhr.body.user_id).toBe(alice.id);
  });

  it("answers 404 with the v4 error body for a plugin that is not installed", async () => {
    const { status, body, headers } = await f.call("GET", "/plugins/com.example.absent/x");
    expect(status).toBe(404);
    expect(body).toMatchObject({ id: "app.plugin.not_found", status_code: 404 });
    expect(body.request_id).toMatch(/^[a-z0-9]{26}$/);
    expect(headers.get("x-request-id")).toBe(body.request_id);
  });
});

describe("close", () => {
  it("closes live websockets with 1001 (going away) and stops listening", async () => {
    const server = await startRestServer(f.host, { port: 0 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const client = await WebSocketClient.connect(server.url, {
      authorization: `Bearer ${alice.token}`,
    });
    await client.event("hello");
    const code = new Promise<number>((resolve) => client.socket.once("close", resolve));
    await server.close();
    expect(await code).toBe(1001);
    await expect(fetch(`${server.url}/api/v4/system/ping`)).rejects.toThrow();
  });
});
