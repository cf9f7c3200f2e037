// The PluginAPI's files (streamed uploads and downloads, attached to posts in the post's
// write) and KV store, as a plugin sees them over its socket.
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import {
  type Channel,
  MAX_CHUNK_BYTES,
  type Post,
  type UploadFileRequest,
} from "@plugwire/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import { MAX_KV_GET_MANY_KEYS } from "./plugin-api-service.js";
import {
  bytes,
  expectInvalid,
  MAX_UPLOAD,
  newChannel,
  newTeam,
  newUser,
  PLUGIN_B,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

describe("files", () => {
  let channel: Channel;
  beforeEach(async () => {
    channel = await newChannel(await newTeam("core"), "general");
  });

  async function* frames(...list: UploadFileRequest["frame"][]) {
    for (const frame of list) {
      yield { frame };
    }
  }

  function chunked(content: Uint8Array, size = MAX_CHUNK_BYTES): UploadFileRequest["frame"][] {
    const list: UploadFileRequest["frame"][] = [];
    for (let offset = 0; offset < content.byteLength; offset += size) {
      list.push({ case: "data", value: content.subarray(offset, offset + size) });
    }
    return list;
  }

  const head = (name: string, channelId = channel.id): UploadFileRequest["frame"] => ({
    case: "head",
    value: { $typeName: "plugwire.v1.UploadFileHead", channelId, name },
  });

  it("stores an upload of several chunks and streams it back byte for byte", async () => {
    const { userId: botId } = await world.a.ensureBotUser({ username: "filer" });
    const content = randomBytes(200 * 1024 + 17);
    const { fileInfo } = await world.a.uploadFile(
      frames(head("docs/Report.PDF"), ...chunked(content)),
    );
    expect(fileInfo).toMatchObject({
      name: "Report.PDF",
      extension: "pdf",
      mimeType: "application/pdf",
      size: BigInt(content.byteLength),
      channelId: channel.id,
      creatorId: botId,
    });
    expect((await world.a.getFileInfo({ fileId: fileInfo?.id })).fileInfo).toEqual(fileInfo);

    const received = [];
    for await (const response of world.a.getFile({ fileId: fileInfo?.id })) {
      received.push(response.frame);
    }
    expect(received[0]).toEqual({ case: "fileInfo", value: fileInfo });
    const chunks = received.slice(1).map((frame) => frame.value as Uint8Array);
    expect(received.slice(1).every((frame) => frame.case === "data")).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.byteLength <= MAX_CHUNK_BYTES)).toBe(true);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
  });

  it("records no uploader when the plugin has no bot", async () => {
    const { fileInfo } = await world.b.uploadFile(
      frames(head("notes"), ...chunked(Buffer.from("x"))),
    );
    expect(fileInfo).toMatchObject({
      creatorId: "",
      extension: "",
      mimeType: "application/octet-stream",
    });
  });

  it("refuses a missing head, a second head, and a frame over 64 KiB", async () => {
    await expectInvalid(world.a.uploadFile(frames({ case: "data", value: bytes(1) })), "head");
    await expectInvalid(world.a.uploadFile(frames()), "head");
    await expectInvalid(world.a.uploadFile(frames(head("a.txt"), head("b.txt"))), "head");
    await expectInvalid(
      world.a.uploadFile(
        frames(head("a.txt"), { case: "data", value: new Uint8Array(MAX_CHUNK_BYTES + 1) }),
      ),
      "data",
    );
    await expectInvalid(world.a.uploadFile(frames(head(""))), "head.name");
    await expect(world.a.uploadFile(frames(head("a.txt", "c404")))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await storedFiles()).toEqual([]);
  });

  it("refuses a file over the size limit with status 413 and stores nothing", async () => {
    const error = await failureOf(
      world.a.uploadFile(frames(head("big.bin"), ...chunked(new Uint8Array(MAX_UPLOAD + 1)))),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ id: "api.upload_file.too_large", statusCode: 413 });
    expect(await storedFiles()).toEqual([]);
  });

  it("answers NotFoundError for a missing file, on the stream too", async () => {
    await expect(world.a.getFileInfo({ fileId: "f404" })).rejects.toBeInstanceOf(NotFoundError);
    const error = await failureOf(
      (async () => {
        for await (const _frame of world.a.getFile({ fileId: "f404" })) {
          // Nothing arrives before the error.
        }
      })(),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.id).toBe("store.file_info.not_found");
  });

  it("links a post's files in the post's write, after the hooks saw the post with its file ids", async () => {
    const seen: [string, string[]][] = [];
    world.plugins.push({
      pluginId: "com.example.observer",
      implements: (hook) => hook === "MessageWillBePosted" || hook === "MessageHasBeenPosted",
      callHook: async (hook, request) => {
        seen.push([hook, [...((request as { post: Post }).post.fileIds ?? [])]]);
        return { decision: { outcome: { case: "allow", value: {} } } } as never;
      },
      serveHTTP: async () => undefined,
      serveHTTPOnce: async () => undefined,
      fileWillBeUploaded: async () => undefined,
    });
    const author = await newUser("author");
    // Plugins are trusted with any file of the channel, whoever uploaded it.
    const { fileInfo } = await world.a.uploadFile(
      frames(head("a.txt"), ...chunked(Buffer.from("a"))),
    );
    const fileId = fileInfo?.id ?? "";
    const { post } = await world.a.createPost({
      post: { channelId: channel.id, userId: author.id, message: "see", fileIds: [fileId] },
    });
    expect((await world.store.getFileInfo(fileId)).postId).toBe(post?.id);
    await world.hostApp.settled();
    expect(seen).toEqual([
      ["MessageWillBePosted", [fileId]],
      ["MessageHasBeenPosted", [fileId]],
    ]);

    const other = await newChannel(await newTeam("other"), "elsewhere");
    const again = await failureOf(
      world.a.createPost({ post: { channelId: channel.id, userId: author.id, fileIds: [fileId] } }),
    );
    expect(again).toMatchObject({ id: "app.post.create.file_not_attachable" });
    const { fileInfo: elsewhere } = await world.a.uploadFile(
      frames(head("b.txt", other.id), ...chunked(Buffer.from("b"))),
    );
    const moved = await failureOf(
      world.a.createPost({
        post: { channelId: channel.id, userId: author.id, fileIds: [elsewhere?.id ?? ""] },
      }),
    );
    expect(moved).toMatchObject({ id: "app.post.create.file_not_attachable" });
    expect(seen).toHaveLength(2);
  });

  async function storedFiles(): Promise<string[]> {
    return readdir(join(world.dir, "files")).catch(() => []);
  }
});

describe("KV store", () => {
  it("writes, reads, lists and deletes the calling plugin's keys", async () => {
    await world.a.kVSet({ key: "k1", value: bytes(1) });
    await world.a.kVSet({ key: "k2", value: bytes(2) });
    expect((await world.a.kVGet({ key: "k1" })).value).toEqual(bytes(1));
    expect((await world.a.kVGet({ key: "missing" })).value).toBeUndefined();
    expect((await world.a.kVList({})).keys).toEqual(["k1", "k2"]);
    expect((await world.a.kVList({ paging: { page: 1, perPage: 1 } })).keys).toEqual(["k2"]);
    await world.a.kVDelete({ key: "k1" });
    expect((await world.a.kVList({})).keys).toEqual(["k2"]);
    await world.a.kVDeleteAll({});
    expect((await world.a.kVList({})).keys).toEqual([]);
  });

  it("reads many keys in one call: the values of those that exist, absent and expired ones left out", async () => {
    await world.a.kVSet({ key: "k1", value: bytes(1) });
    await world.a.kVSet({ key: "k2", value: bytes(2) });
    await world.a.kVSet({ key: "brief", value: bytes(3), expireInSeconds: 1n });
    await world.b.kVSet({ key: "k3", value: bytes(9) });
    world.time += 1_000;
    const { values } = await world.a.kVGetMany({
      keys: ["k2", "missing", "k1", "brief", "k3", "k1"],
    });
    expect(values).toEqual({ k1: bytes(1), k2: bytes(2) });
    expect((await world.a.kVGetMany({ keys: [] })).values).toEqual({});
  });

  it("refuses a KVGetMany with an invalid key, or with more than 1000 keys", async () => {
    await expectInvalid(world.a.kVGetMany({ keys: ["k1", ""] }), "key");
    await expectInvalid(world.a.kVGetMany({ keys: ["k1", "x".repeat(151)] }), "key");
    const keys = Array.from({ length: MAX_KV_GET_MANY_KEYS + 1 }, (_, i) => `k${i}`);
    await expectInvalid(world.a.kVGetMany({ keys }), "keys");
    await expect(world.a.kVGetMany({ keys: keys.slice(1) })).resolves.toBeDefined();
  });

  it("keeps plugins apart: one never reads, lists or deletes another's keys", async () => {
    await world.a.kVSet({ key: "secret", value: bytes(42) });
    expect((await world.b.kVGet({ key: "secret" })).value).toBeUndefined();
    expect((await world.b.kVList({})).keys).toEqual([]);
    await world.b.kVDelete({ key: "secret" });
    await world.b.kVDeleteAll({});
    expect(
      await world.b.kVSetWithOptions({ key: "secret", value: bytes(1), options: { atomic: true } }),
    ).toMatchObject({
      written: true,
    });
    expect((await world.a.kVGet({ key: "secret" })).value).toEqual(bytes(42));
    expect(await world.store.kvGet(PLUGIN_B, "secret")).toEqual(bytes(1));
  });

  it("expires keys after the seconds asked for", async () => {
    await world.a.kVSet({ key: "short", value: bytes(1), expireInSeconds: 10n });
    await world.a.kVSetWithOptions({
      key: "other",
      value: bytes(2),
      options: { expireInSeconds: 10n },
    });
    world.time += 9_999;
    expect((await world.a.kVGet({ key: "short" })).value).toEqual(bytes(1));
    world.time += 1;
    expect((await world.a.kVGet({ key: "short" })).value).toBeUndefined();
    expect((await world.a.kVList({})).keys).toEqual([]);
    await expectInvalid(
      world.a.kVSet({ key: "k", value: bytes(1), expireInSeconds: -1n }),
      "expire_in_seconds",
    );
  });

  it("compare-and-sets, deletes by unset value, and lets one of two concurrent writers win", async () => {
    const cas = (oldValue: Uint8Array | undefined, value: Uint8Array | undefined) =>
      world.a.kVSetWithOptions({ key: "lock", value, options: { atomic: true, oldValue } });
    expect((await cas(undefined, bytes(1))).written).toBe(true);
    expect((await cas(undefined, bytes(2))).written).toBe(false);
    expect((await cas(bytes(9), bytes(2))).written).toBe(false);
    expect((await cas(bytes(1), bytes(2))).written).toBe(true);

    const race = await Promise.all([cas(bytes(2), bytes(3)), cas(bytes(2), bytes(4))]);
    expect(race.filter((response) => response.written)).toHaveLength(1);

    const current = (await world.a.kVGet({ key: "lock" })).value;
    expect((await cas(current, undefined)).written).toBe(true);
    expect((await world.a.kVGet({ key: "lock" })).value).toBeUndefined();
    await world.a.kVSet({ key: "plain", value: bytes(1) });
    expect((await world.a.kVSetWithOptions({ key: "plain" })).written).toBe(true);
    expect((await world.a.kVGet({ key: "plain" })).value).toBeUndefined();
  });

  it("refuses an empty key or one longer than 150 characters", async () => {
    await expect(world.a.kVSet({ key: "é".repeat(150), value: bytes(1) })).resolves.toBeDefined();
    await expectInvalid(world.a.kVSet({ key: "x".repeat(151), value: bytes(1) }), "key");
    await expectInvalid(world.a.kVGet({ key: "" }), "key");
    await expectInvalid(world.a.kVDelete({ key: "" }), "key");
    await expectInvalid(world.a.kVSetWithOptions({ key: "" }), "key");
  });
});
