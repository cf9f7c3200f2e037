// /api/v4/files over real HTTP: multipart uploads, metadata and downloads, for channel members.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

const MAX_BODY_BYTES = 256 * 1024;

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let outsider: RestUser;
let channelId: string;

beforeAll(async () => {
  f = await RestFixture.start({ maxBodyBytes: MAX_BODY_BYTES });
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  const team = await f.newTeam(alice, [bob]);
  channelId = (await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob])).id;
});
afterAll(async () => {
  await f?.close();
});

function form(
  files: [string, string | Uint8Array][],
  fields: Record<string, string> = {},
): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const [name, content] of files) data.append("files", new Blob([content]), name);
  return data;
}

const upload = (token: string, body: FormData, query = "") =>
  f.call("POST", `/api/v4/files${query}`, { token, body });

describe("POST /api/v4/files", () => {
  it("stores each file of the form and answers their infos with the client ids", async () => {
    const big = new Uint8Array(150 * 1024).map((_, i) => i % 251);
    const { status, body } = await upload(
      alice.token,
      form(
        [
          ["notes.txt", "hello file"],
          ["../../etc/big.bin", big],
        ],
        { channel_id: channelId, client_ids: "c1" },
      ),
    );
    expect(status).toBe(201);
    expect(body.client_ids).toEqual(["c1"]);
    expect(body.file_infos).toEqual([
      expect.objectContaining({
        user_id: alice.id,
        channel_id: channelId,
        post_id: "",
        name: "notes.txt",
        extension: "txt",
        mime_type: "text/plain",
        size: 10,
      }),
      expect.objectContaining({
        name: "big.bin",
        size: big.byteLength,
        mime_type: "application/octet-stream",
      }),
    ]);

    const [notes, bin] = body.file_infos;
    const info = await f.call("GET", `/api/v4/files/${notes.id}/info`, { token: alice.token });
    expect(info).toMatchObject({ status: 200, body: notes });
    const download = await f.request("GET", `/api/v4/files/${bin.id}`, { token: alice.token });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      "attachment; filename*=UTF-8''big.bin",
    );
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(big);
  });

  it("takes channel_id from the query too", async () => {
    const { status } = await upload(
      alice.token,
      form([["a.txt", "a"]]),
      `?channel_id=${channelId}`,
    );
    expect(status).toBe(201);
  });

  it("is for the channel's members only, for uploads and downloads alike", async () => {
    expect(
      (await upload(outsider.token, form([["x.txt", "x"]], { channel_id: channelId }))).status,
    ).toBe(403);
    const { body } = await upload(
      alice.token,
      form([["private.txt", "p"]], { channel_id: channelId }),
    );
    const id = body.file_infos[0].id;
    expect((await f.call("GET", `/api/v4/files/${id}`, { token: outsider.token })).status).toBe(
      403,
    );
    expect(
      (await f.call("GET", `/api/v4/files/${id}/info`, { token: outsider.token })).status,
    ).toBe(403);
    expect((await f.call("GET", `/api/v4/files/${id}/info`)).status).toBe(401);
  });

  it("refuses forms without a channel or a file, and bodies that are not multipart", async () => {
    const noChannel = await upload(alice.token, form([["a.txt", "a"]]));
    expect(noChannel).toMatchObject({ status: 400, body: { params: { field: "channel_id" } } });
    const noFiles = await upload(alice.token, form([], { channel_id: channelId }));
    expect(noFiles).toMatchObject({ status: 400, body: { params: { field: "files" } } });
    const notAFile = new FormData();
    notAFile.append("channel_id", channelId);
    notAFile.append("files", "just text");
    expect(await upload(alice.token, notAFile)).toMatchObject({
      status: 400,
      body: { params: { field: "files" } },
    });
    const json = await f.call("POST", "/api/v4/files", {
      token: alice.token,
      json: { channel_id: channelId },
    });
    expect(json).toMatchObject({
      status: 400,
      body: { id: "api.context.invalid_multipart.app_error" },
    });
  });

  it("takes one file as the body with ?filename=, as v4 also accepts, for members only", async () => {
    const content = new Uint8Array(100 * 1024).map((_, i) => i % 253);
    const raw = (token: string, query: string, body: Uint8Array = content) =>
      f.call("POST", `/api/v4/files?${query}`, {
        token,
        body,
        headers: { "content-type": "application/octet-stream" },
      });

    const { status, body } = await raw(
      alice.token,
      `channel_id=${channelId}&filename=photo.png&client_id=c9`,
    );
    expect(status).toBe(201);
    expect(body.client_ids).toEqual(["c9"]);
    expect(body.file_infos).toEqual([
      expect.objectContaining({
        channel_id: channelId,
        user_id: alice.id,
        name: "photo.png",
        mime_type: "image/png",
        size: content.length,
      }),
    ]);
    const download = await f.request("GET", `/api/v4/files/${body.file_infos[0].id}`, {
      token: alice.token,
    });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(content);

    expect(await raw(alice.token, "filename=a.txt")).toMatchObject({
      status: 400,
      body: { params: { field: "channel_id" } },
    });
    expect(await raw(outsider.token, `channel_id=${channelId}&filename=a.txt`)).toMatchObject({
      status: 403,
    });
    expect(
      await raw(
        alice.token,
        `channel_id=${channelId}&filename=huge.bin`,
        new Uint8Array(MAX_BODY_BYTES + 1),
      ),
    ).toMatchObject({ status: 413, body: { params: { field: "body" } } });
  });

  it("refuses a body over the limit with 413, storing nothing", async () => {
    const before = await f.host.store.getChannel(channelId);
    const { status, body } = await upload(
      alice.token,
      form([["huge.bin", new Uint8Array(MAX_BODY_BYTES + 1)]], { channel_id: channelId }),
    );
    expect(status).toBe(413);
    expect(body).toMatchObject({
      id: "api.context.request_body_too_large.app_error",
      status_code: 413,
      params: { field: "body", max_bytes: MAX_BODY_BYTES },
    });
    expect(await f.host.store.getChannel(channelId)).toEqual(before);
  });

  it("answers 404 for a missing file", async () => {
    expect(
      (await f.call("GET", "/api/v4/files/nosuchfile000000000000000", { token: alice.token }))
        .status,
    ).toBe(404);
  });
});

describe("attaching files to a post", () => {
  /** Uploads one small file to the channel as `user`; its id. */
  async function uploadOne(user: RestUser, name: string): Promise<string> {
    const { body } = await upload(user.token, form([[name, name]], { channel_id: channelId }));
    return body.file_infos[0].id;
  }

  it("lists the files on the post and records the post on each file, once", async () => {
    const fileId = await uploadOne(alice, "pic.png");
    const { status, body: post } = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "see attached", file_ids: [fileId] },
    });
    expect(status).toBe(201);
    expect(post.file_ids).toEqual([fileId]);
    const info = await f.call("GET", `/api/v4/files/${fileId}/info`, { token: alice.token });
    expect(info.body.post_id).toBe(post.id);
    const again = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "again", file_ids: [fileId] },
    });
    expect(again).toMatchObject({ status: 400, body: { params: { field: "file_ids" } } });
  });

  it("links the files in the post's write, after the hooks saw the post with its file ids", async () => {
    const fileId = await uploadOne(alice, "a.txt");
    await f.takeRecords();
    const { status, body: post } = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channelId, message: "linked", file_ids: [fileId] },
    });
    expect(status).toBe(201);
    expect((await f.host.store.getFileInfo(fileId)).postId).toBe(post.id);
    const records = await f.takeRecords();
    expect(records.map((r) => [r.hook, r.args.post.fileIds])).toEqual([
      ["MessageWillBePosted", [fileId]],
      ["MessageHasBeenPosted", [fileId]],
    ]);
  });

  it("refuses another member's file, before any hook, and leaves it unattached", async () => {
    const fileId = await uploadOne(alice, "b.txt");
    await f.takeRecords();
    const taken = await f.call("POST", "/api/v4/posts", {
      token: bob.token,
      json: { channel_id: channelId, message: "mine now", file_ids: [fileId] },
    });
    expect(taken).toMatchObject({ status: 400, body: { params: { field: "file_ids" } } });
    expect(await f.takeRecords()).toEqual([]);
    expect((await f.host.store.getFileInfo(fileId)).postId).toBe("");
  });
});
