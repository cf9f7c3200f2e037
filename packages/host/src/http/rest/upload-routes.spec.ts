// /api/v4/uploads over real HTTP: resumable uploads in parts, as Mattermost's clients send
// them, and public links to files (/api/v4/files/{id}/link, /files/{id}/public).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";
import { MIN_FIRST_UPLOAD_PART_BYTES } from "../../app/file-operations.js";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let outsider: RestUser;
let channelId: string;

beforeAll(async () => {
  f = await RestFixture.start({ maxBodyBytes: MAX_BODY_BYTES, publicLinkSalt: "s".repeat(32) });
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  const team = await f.newTeam(alice, [bob]);
  channelId = (await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob])).id;
});
afterAll(async () => {
  await f?.close();
});

const createUpload = (user: RestUser, json: unknown) =>
  f.call("POST", "/api/v4/uploads", { token: user.token, json });
const sendPart = (user: RestUser, uploadId: string, body: Uint8Array) =>
  f.call("POST", `/api/v4/uploads/${uploadId}`, { token: user.token, body });

async function download(user: RestUser, fileId: string): Promise<Uint8Array> {
  const response = await f.request("GET", `/api/v4/files/${fileId}`, { token: user.token });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

describe("resumable uploads", () => {
  it("take a file in parts: 204 until the last, then the file, and the session is gone", async () => {
    const content = randomBytes(MIN_FIRST_UPLOAD_PART_BYTES + 1000);
    const created = await createUpload(alice, {
      channel_id: channelId,
      filename: "video.mp4",
      file_size: content.byteLength,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{26}$/),
      type: "attachment",
      create_at: expect.any(Number),
      user_id: alice.id,
      channel_id: channelId,
      filename: "video.mp4",
      file_size: content.byteLength,
      file_offset: 0,
      remote_id: "",
      req_file_id: "",
    });
    const uploadId = created.body.id;

    const first = await sendPart(alice, uploadId, content.subarray(0, MIN_FIRST_UPLOAD_PART_BYTES));
    expect(first.status).toBe(204);
    const state = await f.call("GET", `/api/v4/uploads/${uploadId}`, { token: alice.token });
    expect(state.body).toMatchObject({ file_offset: MIN_FIRST_UPLOAD_PART_BYTES });
    expect(
      await f.call("GET", `/api/v4/users/${alice.id}/uploads`, { token: alice.token }),
    ).toMatchObject({
      status: 200,
      body: [{ id: uploadId }],
    });

    const last = await sendPart(alice, uploadId, content.subarray(MIN_FIRST_UPLOAD_PART_BYTES));
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({
      user_id: alice.id,
      channel_id: channelId,
      name: "video.mp4",
      extension: "mp4",
      size: content.byteLength,
      post_id: "",
    });
    expect(last.body).not.toHaveProperty("path");
    expect(Buffer.from(await download(bob, last.body.id)).equals(content)).toBe(true);
    expect(
      await f.call("GET", `/api/v4/uploads/${uploadId}`, { token: alice.token }),
    ).toMatchObject({
      status: 404,
    });
  });

  it("take a small file whole in one part, and keep no byte beyond the size", async () => {
    const { body: session } = await createUpload(alice, {
      channel_id: channelId,
      filename: "note.txt",
      file_size: 5,
    });
    const done = await f.call("POST", `/api/v4/uploads/${session.id}`, {
      token: alice.token,
      body: new TextEncoder().encode("hello"),
    });
    expect(done).toMatchObject({ status: 200, body: { name: "note.txt", size: 5 } });
    expect(new TextDecoder().decode(await download(alice, done.body.id))).toBe("hello");
  });

  it("refuse a first part under 5 MiB that is not the whole file, and a body longer than what is missing", async () => {
    const { body: session } = await createUpload(alice, {
      channel_id: channelId,
      filename: "big.bin",
      file_size: MIN_FIRST_UPLOAD_PART_BYTES + 10,
    });
    expect(await sendPart(alice, session.id, randomBytes(1024))).toMatchObject({
      status: 400,
      body: { id: "app.upload.upload_data.first_part_too_small.app_error" },
    });
    expect(
      await sendPart(alice, session.id, randomBytes(MIN_FIRST_UPLOAD_PART_BYTES + 11)),
    ).toMatchObject({
      status: 400,
      body: { id: "api.upload.upload_data.invalid_content_length" },
    });
    // Nothing was kept: the upload still starts at 0.
    const state = await f.call("GET", `/api/v4/uploads/${session.id}`, { token: alice.token });
    expect(state.body.file_offset).toBe(0);
  });

  it("are the uploader's: others may not send parts or read them, admins may read", async () => {
    const { body: session } = await createUpload(alice, {
      channel_id: channelId,
      filename: "mine.txt",
      file_size: 3,
    });
    expect(await sendPart(bob, session.id, new Uint8Array(3))).toMatchObject({ status: 403 });
    expect(
      await f.call("GET", `/api/v4/uploads/${session.id}`, { token: bob.token }),
    ).toMatchObject({
      status: 403,
      body: { id: "api.upload.get_upload.forbidden.app_error" },
    });
    expect(
      await f.call("GET", `/api/v4/uploads/${session.id}`, { token: f.adminToken }),
    ).toMatchObject({ status: 200, body: { id: session.id } });
    expect(
      await f.call("GET", `/api/v4/users/${alice.id}/uploads`, { token: bob.token }),
    ).toMatchObject({ status: 403 });
  });

  it("start only in a channel one may upload to, with a size within the limit", async () => {
    expect(
      await createUpload(outsider, { channel_id: channelId, filename: "x.txt", file_size: 3 }),
    ).toMatchObject({ status: 403, body: { id: "api.context.permissions.app_error" } });
    expect(
      await createUpload(alice, {
        channel_id: channelId,
        filename: "huge.bin",
        file_size: MAX_BODY_BYTES + 1,
      }),
    ).toMatchObject({ status: 413, body: { id: "api.upload.create.upload_too_large.app_error" } });
    expect(
      await createUpload(alice, { channel_id: channelId, filename: "x.txt", file_size: "3" }),
    ).toMatchObject({ status: 400, body: { params: { field: "file_size" } } });
    expect(await createUpload(alice, { channel_id: channelId, file_size: 3 })).toMatchObject({
      status: 400,
      body: { params: { field: "filename" } },
    });
    expect(
      await createUpload(alice, {
        channel_id: channelId,
        filename: "x",
        file_size: 3,
        type: "import",
      }),
    ).toMatchObject({ status: 403 });
    expect(
      await f.call("GET", "/api/v4/uploads/nosuchupload", { token: alice.token }),
    ).toMatchObject({
      status: 404,
    });
  });
});

describe("public links", () => {
  async function postedFile(content: string): Promise<string> {
    const uploaded = await f.call(
      "POST",
      `/api/v4/files?channel_id=${channelId}&filename=doc.txt`,
      {
        token: alice.token,
        body: new TextEncoder().encode(content),
      },
    );
    const fileId = uploaded.body.file_infos[0].id;
    const post = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "doc", file_ids: [fileId] },
    });
    expect(post.status).toBe(201);
    return fileId;
  }

  it("give channel members a link anyone can read the file by, and refuse a wrong hash", async () => {
    const fileId = await postedFile("public content");
    const link = await f.call("GET", `/api/v4/files/${fileId}/link`, { token: bob.token });
    expect(link.status).toBe(200);
    const url = new URL(link.body.link);
    expect(url.origin).toBe(f.url);
    expect(url.pathname).toBe(`/files/${fileId}/public`);
    expect(url.searchParams.get("h")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const anonymous = await fetch(link.body.link);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toBe("public content");

    const wrong = await f.call("GET", `/files/${fileId}/public?h=${"A".repeat(43)}`);
    expect(wrong).toMatchObject({
      status: 400,
      body: { id: "api.file.get_file.public_invalid.app_error" },
    });
    expect(await f.call("GET", `/files/${fileId}/public`)).toMatchObject({ status: 400 });
    expect(
      await f.call("GET", `/api/v4/files/${fileId}/link`, { token: outsider.token }),
    ).toMatchObject({ status: 403 });
  });

  it("are only for files of posts", async () => {
    const uploaded = await f.call("POST", `/api/v4/files?channel_id=${channelId}&filename=a.txt`, {
      token: alice.token,
      body: new TextEncoder().encode("a"),
    });
    const fileId = uploaded.body.file_infos[0].id;
    expect(
      await f.call("GET", `/api/v4/files/${fileId}/link`, { token: alice.token }),
    ).toMatchObject({
      status: 400,
      body: { id: "api.file.get_file_link.no_post.app_error" },
    });
  });
});

describe("public links turned off", () => {
  let off: RestFixture;
  beforeAll(async () => {
    off = await RestFixture.start();
  });
  afterAll(async () => {
    await off?.close();
  });

  it("answer 501 for a link and 404 for a public URL", async () => {
    const user = await off.newUser("carol");
    const team = await off.newTeam(user);
    const channel = await off.newChannel(team, user, { name: "c", displayName: "C" });
    const uploaded = await off.call(
      "POST",
      `/api/v4/files?channel_id=${channel.id}&filename=a.txt`,
      {
        token: user.token,
        body: new TextEncoder().encode("a"),
      },
    );
    const fileId = uploaded.body.file_infos[0].id;
    await off.call("POST", "/api/v4/posts", {
      token: user.token,
      json: { channel_id: channel.id, message: "a", file_ids: [fileId] },
    });
    expect(
      await off.call("GET", `/api/v4/files/${fileId}/link`, { token: user.token }),
    ).toMatchObject({
      status: 501,
      body: { id: "api.file.get_public_link.disabled.app_error" },
    });
    expect(await off.call("GET", `/files/${fileId}/public?h=x`)).toMatchObject({
      status: 404,
      body: { id: "api.file.get_public_link.disabled.app_error" },
    });
  });
});
