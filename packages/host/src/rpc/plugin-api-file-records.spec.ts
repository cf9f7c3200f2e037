// The PluginAPI's file records beyond one file (lists, copies, public links, the file store by
// path, searchable content) and its resumable uploads, as a plugin sees them over its socket.
import { createHash } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import type { Channel, FileInfo, UploadDataRequestSchema } from "@plugwire/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  expectInvalid,
  MAX_UPLOAD,
  newChannel,
  newTeam,
  newUser,
  PUBLIC_LINK_SALT,
  START,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

let channel: Channel;
beforeEach(async () => {
  channel = await newChannel(await newTeam("core"), "general");
});

async function upload(name: string, content: string): Promise<FileInfo> {
  async function* frames() {
    yield { frame: { case: "head" as const, value: { channelId: channel.id, name } } };
    yield { frame: { case: "data" as const, value: new TextEncoder().encode(content) } };
  }
  const { fileInfo } = await world.a.uploadFile(frames());
  if (fileInfo === undefined) throw new Error("no file info");
  return fileInfo;
}

async function readAll(stream: AsyncIterable<{ data: Uint8Array }>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const { data } of stream) chunks.push(data);
  return Buffer.concat(chunks).toString();
}

describe("file records", () => {
  it("list files with Mattermost's filters and orders", async () => {
    const small = await upload("small.txt", "ab");
    world.time += 10;
    const big = await upload("big.txt", "abcdef");
    world.time += 10;
    const other = await newChannel(await newTeam("other"), "general");
    await world.store.saveFileInfo({
      ...big,
      id: "elsewhere",
      channelId: other.id,
      size: 1n,
      createAt: BigInt(START + 20),
    });
    const ids = async (options: object, paging = {}) =>
      (await world.a.getFileInfos({ options, paging })).fileInfos.map((info) => info.id);

    expect(await ids({})).toEqual([small.id, big.id, "elsewhere"]);
    expect(await ids({ channelIds: [channel.id], sortBy: "Size", sortDescending: true })).toEqual([
      big.id,
      small.id,
    ]);
    expect(await ids({ since: BigInt(START + 10) })).toEqual([big.id, "elsewhere"]);
    expect(await ids({ sortDescending: true }, { perPage: 1, page: 1 })).toEqual([big.id]);
    await expectInvalid(world.a.getFileInfos({ options: { sortBy: "Name" } }), "options.sort_by");
  });

  it("copy records for another post: new ids, the same bytes, unattached, as the user given", async () => {
    const original = await upload("a.txt", "shared bytes");
    const user = await newUser("copier");
    const { fileIds } = await world.a.copyFileInfos({ userId: user.id, fileIds: [original.id] });
    expect(fileIds).toHaveLength(1);
    const copy = await world.store.getFileInfo(fileIds[0] ?? "");
    expect(copy).toMatchObject({
      name: "a.txt",
      creatorId: user.id,
      postId: "",
      path: original.path,
      channelId: channel.id,
    });
    expect(copy.id).not.toBe(original.id);
    const frames = [];
    for await (const response of world.a.getFile({ fileId: copy.id })) frames.push(response.frame);
    expect(Buffer.from(frames[1]?.value as Uint8Array).toString()).toBe("shared bytes");
    expect(
      await failureOf(world.a.copyFileInfos({ userId: user.id, fileIds: ["missing"] })),
    ).toBeInstanceOf(NotFoundError);
  });

  it("give a public link to a file of a post, salted with the host's salt", async () => {
    const file = await upload("doc.txt", "x");
    const loose = await failureOf(world.a.getFileLink({ fileId: file.id }));
    expect(loose).toMatchObject({ id: "plugin_api.get_file_link.no_post.app_error" });
    const author = await newUser("author");
    await world.a.createPost({
      post: { channelId: channel.id, userId: author.id, message: "doc", fileIds: [file.id] },
    });
    const { link } = await world.a.getFileLink({ fileId: file.id });
    const hash = createHash("sha256")
      .update(PUBLIC_LINK_SALT + file.id)
      .digest("base64url");
    expect(link).toBe(`https://chat.example.com/files/${file.id}/public?h=${hash}`);
  });

  it("read the file store by a record's path, and refuse a path that is not there", async () => {
    const file = await upload("a.txt", "by path");
    expect(await readAll(world.a.readFile({ path: file.path }))).toBe("by path");
    expect(await failureOf(readAll(world.a.readFile({ path: "nothing-here" })))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await failureOf(readAll(world.a.readFile({ path: "../plugwire.db" })))).toBeInstanceOf(
      ValidationError,
    );
    await expectInvalid(readAll(world.a.readFile({ path: "" })), "path");
  });

  it("set a file's searchable content through the app, as the plugin", async () => {
    const file = await upload("a.pdf", "%PDF");
    await world.a.setFileSearchableContent({ fileId: file.id, content: "quarterly numbers" });
    expect(world.calls.find((call) => call.operation === "setFileSearchableContent")).toMatchObject(
      { actor: { pluginId: "com.example.a" }, args: [file.id, "quarterly numbers"] },
    );
    expect(
      await failureOf(world.a.setFileSearchableContent({ fileId: "missing", content: "x" })),
    ).toBeInstanceOf(NotFoundError);
  });
});

describe("resumable uploads", () => {
  async function* parts(
    session: { id: string; fileOffset?: bigint },
    ...chunks: string[]
  ): AsyncIterable<MessageInitShape<typeof UploadDataRequestSchema>> {
    yield {
      frame: {
        case: "head",
        value: { uploadSession: { ...session, fileOffset: session.fileOffset ?? 0n } },
      },
    };
    for (const chunk of chunks) {
      yield { frame: { case: "data", value: new TextEncoder().encode(chunk) } };
    }
  }

  it("create a session, take the whole file in one part and store it as the session's user", async () => {
    const user = await newUser("uploader");
    const { uploadSession } = await world.a.createUploadSession({
      uploadSession: {
        userId: user.id,
        channelId: channel.id,
        filename: "notes.md",
        fileSize: 11n,
      },
    });
    expect(uploadSession).toMatchObject({
      type: "attachment",
      createAt: BigInt(START),
      userId: user.id,
      fileOffset: 0n,
    });
    const id = uploadSession?.id ?? "";
    expect((await world.a.getUploadSession({ uploadId: id })).uploadSession).toEqual(uploadSession);

    const { fileInfo } = await world.a.uploadData(parts({ id }, "hello ", "world", " and more"));
    expect(fileInfo).toMatchObject({
      name: "notes.md",
      size: 11n,
      creatorId: user.id,
      channelId: channel.id,
    });
    expect(await readAll(world.a.readFile({ path: fileInfo?.path ?? "" }))).toBe("hello world");
    expect(await failureOf(world.a.getUploadSession({ uploadId: id }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it("refuse a first part under 5 MiB that is not the whole file, and a stale offset", async () => {
    const user = await newUser("uploader");
    const { uploadSession } = await world.a.createUploadSession({
      uploadSession: { userId: user.id, channelId: channel.id, filename: "a.bin", fileSize: 100n },
    });
    const id = uploadSession?.id ?? "";
    expect(await failureOf(world.a.uploadData(parts({ id }, "short")))).toMatchObject({
      id: "app.upload.upload_data.first_part_too_small.app_error",
    });
    expect(await failureOf(world.a.uploadData(parts({ id, fileOffset: 5n }, "x")))).toMatchObject({
      id: "app.upload.upload_data.concurrent.app_error",
    });
  });

  it("refuse sessions without a channel, name or size, over the limit, or of another type", async () => {
    const user = await newUser("uploader");
    const session = { userId: user.id, channelId: channel.id, filename: "a.bin", fileSize: 10n };
    await expectInvalid(
      world.a.createUploadSession({ uploadSession: { ...session, filename: "" } }),
      "upload_session.filename",
    );
    await expectInvalid(
      world.a.createUploadSession({ uploadSession: { ...session, fileSize: 0n } }),
      "file_size",
    );
    await expectInvalid(
      world.a.createUploadSession({ uploadSession: { ...session, type: "import" } }),
      "type",
    );
    expect(
      await failureOf(
        world.a.createUploadSession({
          uploadSession: { ...session, fileSize: BigInt(MAX_UPLOAD + 1) },
        }),
      ),
    ).toMatchObject({ statusCode: 413, id: "api.upload.create.upload_too_large.app_error" });
    expect(
      await failureOf(
        world.a.createUploadSession({ uploadSession: { ...session, channelId: "nochannel" } }),
      ),
    ).toMatchObject({ id: "app.upload.create.incorrect_channel_id.app_error" });
    await expectInvalid(world.a.uploadData(parts({ id: "" })), "head.upload_session.id");
  });
});
