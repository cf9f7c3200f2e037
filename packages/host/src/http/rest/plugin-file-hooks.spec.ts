// FileWillBeUploaded and MessagesWillBeConsumed with a real plugin process
// (test-fixtures/file-hooks-plugin) behind the REST server: an upload the plugin rejects, a
// large upload it replaces while both streams flow, and posts it rewrites on every read path.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";
import { WebSocketClient } from "../../../test-fixtures/rest/websocket-client.js";
import { MIN_FIRST_UPLOAD_PART_BYTES } from "../../app/file-operations.js";

const PLUGIN_ID = "test.file-hooks";
const pluginDir = fileURLToPath(
  new URL("../../../test-fixtures/file-hooks-plugin", import.meta.url),
);
const LARGE = 16 * 1024 * 1024;

let f: RestFixture;
let alice: RestUser;
let teamId: string;
let channelId: string;

beforeAll(async () => {
  f = await RestFixture.start({ maxBodyBytes: 32 * 1024 * 1024 });
  await f.host.loadPlugin(pluginDir);
  await f.host.enablePlugin(PLUGIN_ID);
  alice = await f.newUser("alice");
  const team = await f.newTeam(alice);
  teamId = team.id;
  channelId = (await f.newChannel(team, alice, { name: "town", displayName: "Town" })).id;
});
afterAll(async () => {
  await f?.close();
});

const uploadRaw = (name: string, body: Uint8Array) =>
  f.call("POST", `/api/v4/files?channel_id=${channelId}&filename=${name}`, {
    token: alice.token,
    body,
  });

async function download(fileId: string): Promise<Buffer> {
  const response = await f.request("GET", `/api/v4/files/${fileId}`, { token: alice.token });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe("FileWillBeUploaded", () => {
  it("refuses an upload the plugin rejects, with its reason, keeping nothing", async () => {
    const before = await f.host.app.getFileInfos({ page: 0, perPage: 200, includeDeleted: true });
    const rejected = await uploadRaw("setup.exe", new Uint8Array(1000));
    expect(rejected).toMatchObject({
      status: 400,
      body: {
        id: "app.upload.run_plugins_hook.rejected",
        message: "Unable to upload file setup.exe. Rejected by plugin: no executables here",
      },
    });
    const after = await f.host.app.getFileInfos({ page: 0, perPage: 200, includeDeleted: true });
    expect(after).toHaveLength(before.length);
  });

  it("stores the content a plugin writes instead, streamed both ways, under its new name", async () => {
    const content = randomBytes(LARGE);
    const uploaded = await uploadRaw("flip-data.bin", content);
    expect(uploaded.status).toBe(201);
    const [info] = uploaded.body.file_infos;
    expect(info).toMatchObject({ name: "flip-data.flipped.bin", extension: "bin", size: LARGE });
    const stored = await download(info.id);
    expect(stored.byteLength).toBe(LARGE);
    expect(stored.equals(content.map((byte) => byte ^ 0xff))).toBe(true);
    // The plugin wrote its first chunk after reading one: the file never sat whole on either side.
    const record = JSON.parse(new TextDecoder().decode(await f.host.app.kvGet(PLUGIN_ID, "flip")));
    expect(record.read).toBe(LARGE);
    expect(record.readAtFirstWrite).toBeLessThanOrEqual(64 * 1024);
  });

  it("runs on the last part of a resumable upload too", async () => {
    const content = randomBytes(MIN_FIRST_UPLOAD_PART_BYTES + 10);
    const { body: session } = await f.call("POST", "/api/v4/uploads", {
      token: alice.token,
      json: { channel_id: channelId, filename: "flip-parts.bin", file_size: content.byteLength },
    });
    const part = (body: Uint8Array) =>
      f.call("POST", `/api/v4/uploads/${session.id}`, { token: alice.token, body });
    expect((await part(content.subarray(0, MIN_FIRST_UPLOAD_PART_BYTES))).status).toBe(204);
    const done = await part(content.subarray(MIN_FIRST_UPLOAD_PART_BYTES));
    expect(done).toMatchObject({ status: 200, body: { name: "flip-parts.flipped.bin" } });
    expect((await download(done.body.id)).equals(content.map((byte) => byte ^ 0xff))).toBe(true);

    const { body: rejected } = await f.call("POST", "/api/v4/uploads", {
      token: alice.token,
      json: { channel_id: channelId, filename: "tool.exe", file_size: 3 },
    });
    const refused = await f.call("POST", `/api/v4/uploads/${rejected.id}`, {
      token: alice.token,
      body: new Uint8Array(3),
    });
    expect(refused).toMatchObject({
      status: 400,
      body: { id: "app.upload.run_plugins_hook.rejected" },
    });
    // The refused upload is over.
    expect(
      await f.call("GET", `/api/v4/uploads/${rejected.id}`, { token: alice.token }),
    ).toMatchObject({ status: 404 });
  });

  it("lets other uploads through unchanged", async () => {
    const uploaded = await uploadRaw("notes.txt", new TextEncoder().encode("plain"));
    expect(uploaded.body.file_infos[0]).toMatchObject({ name: "notes.txt", size: 5 });
    expect((await download(uploaded.body.file_infos[0].id)).toString()).toBe("plain");
  });
});

describe("MessagesWillBeConsumed", () => {
  it("rewrites posts on every read path and in websocket events, and stores them as written", async () => {
    const socket = await WebSocketClient.connect(f.url);
    try {
      socket.send({
        seq: 1,
        action: "authentication_challenge",
        data: { token: alice.token },
      });
      await socket.event("hello");

      const created = await f.call("POST", "/api/v4/posts", {
        token: alice.token,
        json: { channel_id: channelId, message: "the secret plan" },
      });
      expect(created.status).toBe(201);
      const root = created.body;
      const posted = await socket.event("posted");
      expect(JSON.parse(posted.data.post).message).toBe("the ****** plan");

      const reply = await f.call("POST", "/api/v4/posts", {
        token: alice.token,
        json: { channel_id: channelId, message: "another secret", root_id: root.id },
      });
      expect(reply.status).toBe(201);

      const byId = await f.call("GET", `/api/v4/posts/${root.id}`, { token: alice.token });
      expect(byId.body.message).toBe("the ****** plan");

      const channelPosts = await f.call("GET", `/api/v4/channels/${channelId}/posts`, {
        token: alice.token,
      });
      expect(channelPosts.body.posts[root.id].message).toBe("the ****** plan");
      expect(channelPosts.body.posts[reply.body.id].message).toBe("another ******");

      const thread = await f.call("GET", `/api/v4/posts/${root.id}/thread`, {
        token: alice.token,
      });
      expect(thread.body.posts[reply.body.id].message).toBe("another ******");

      const search = await f.call("POST", `/api/v4/teams/${teamId}/posts/search`, {
        token: alice.token,
        json: { terms: "plan" },
      });
      expect(search.body.posts[root.id].message).toBe("the ****** plan");

      const edited = await f.call("PUT", `/api/v4/posts/${root.id}/patch`, {
        token: alice.token,
        json: { message: "new secret plan" },
      });
      expect(edited.status).toBe(200);
      const editEvent = await socket.event("post_edited");
      expect(JSON.parse(editEvent.data.post).message).toBe("new ****** plan");

      // The store keeps what was written; only what clients see is rewritten.
      expect((await f.host.store.getPost(root.id)).message).toBe("new secret plan");
    } finally {
      await socket.close();
    }
  });
});
