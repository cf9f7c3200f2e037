// The contract of PostStore: posts and file metadata.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import { type Channel, FileInfoSchema, PostSchema, type User } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { filledMessage } from "../test-fixtures/filled-message.js";
import {
  expectEqualMessages,
  newChannel,
  newPost,
  newTeam,
  newUser,
  type OpenStore,
  page,
  START,
  storeTest,
} from "./store-test.js";

export function postStoreContract(open: OpenStore): void {
  // A post's channel and author, made only for the tests that ask for them.
  const it = storeTest(open).extend<{ channel: Channel; author: User }>({
    channel: async ({ store }, use) => {
      await use(await newChannel(store, await newTeam(store, "core"), "general"));
    },
    author: async ({ store }, use) => {
      await use(await newUser(store, "author"));
    },
  });

  describe("posts", () => {
    it("stores every field of a post, props and metadata exactly as given", async ({
      store,
      channel,
    }) => {
      const post = create(PostSchema, {
        ...filledMessage(PostSchema),
        channelId: channel.id,
        rootId: "",
      });
      const file = await store.saveFileInfo(create(FileInfoSchema, { channelId: channel.id }));
      post.fileIds = [file.id];
      expectEqualMessages(PostSchema, await store.createPost(post), post);
      expectEqualMessages(PostSchema, await store.getPost(post.id), post);
    });

    it("keeps unset props and metadata unset", async ({ store, channel, author }) => {
      const post = await newPost(store, channel, author);
      expect(post.props).toBeUndefined();
      const stored = await store.getPost(post.id);
      expect(stored.props).toBeUndefined();
      expect(stored.metadata).toBeUndefined();
    });

    it("counts posts on the channel and replies on the thread's root", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const root = await newPost(store, channel, author);
      clock.time += 100;
      await newPost(store, channel, author, { rootId: root.id });
      clock.time += 100;
      const lastReply = await newPost(store, channel, author, { rootId: root.id });
      expect(await store.getChannel(channel.id)).toMatchObject({
        totalMsgCount: 3n,
        lastPostAt: lastReply.createAt,
      });
      expect(await store.getPost(root.id)).toMatchObject({
        replyCount: 2n,
        lastReplyAt: lastReply.createAt,
      });
    });

    it("refuses a post in a missing channel, or replying to a post that is not a root there", async ({
      store,
      channel,
      author,
    }) => {
      await expect(
        store.createPost(create(PostSchema, { channelId: "c404", userId: author.id })),
      ).rejects.toMatchObject({ name: "NotFoundError", id: "store.channel.not_found" });
      const root = await newPost(store, channel, author);
      const reply = await newPost(store, channel, author, { rootId: root.id });
      for (const rootId of ["p404", reply.id]) {
        await expect(newPost(store, channel, author, { rootId })).rejects.toMatchObject({
          name: "ValidationError",
          params: { field: "root_id" },
        });
      }
      await expect(newPost(store, channel, author, { id: root.id })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
    });

    it("lists a channel's posts newest first, a page at a time, leaving deleted posts out", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const messages: string[] = [];
      for (let i = 0; i < 5; i++) {
        clock.time += 1000;
        messages.push((await newPost(store, channel, author, { message: `m${i}` })).message);
      }
      const doomed = await store.getPostsForChannel(channel.id, page(1, 1));
      await store.deletePost(doomed[0]?.id ?? "");
      const listed = async (perPage: number, pageNumber: number) =>
        (await store.getPostsForChannel(channel.id, page(perPage, pageNumber))).map(
          (p) => p.message,
        );
      expect(await listed(60, 0)).toEqual(["m4", "m2", "m1", "m0"]);
      expect(await listed(2, 1)).toEqual(["m1", "m0"]);
    });

    it("links a new post's files to it in the post's own transaction", async ({
      store,
      channel,
      author,
    }) => {
      const file = await store.saveFileInfo(
        create(FileInfoSchema, { name: "a.txt", channelId: channel.id, creatorId: author.id }),
      );
      const post = await newPost(store, channel, author, { fileIds: [file.id, file.id] });
      expect((await store.getFileInfo(file.id)).postId).toBe(post.id);
      // An attached file can't be attached again, and the failed post leaves nothing behind.
      const before = await store.getPostsForChannel(channel.id, page(60, 0));
      await expect(newPost(store, channel, author, { fileIds: [file.id] })).rejects.toMatchObject({
        name: "ValidationError",
        id: "store.post.file_not_attachable",
      });
      await expect(newPost(store, channel, author, { fileIds: ["missing"] })).rejects.toMatchObject(
        {
          id: "store.post.file_not_attachable",
        },
      );
      expect(await store.getPostsForChannel(channel.id, page(60, 0))).toHaveLength(before.length);
    });

    it("updates message, props, file ids, pinning and metadata, counting only a new message as an edit", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const post = await newPost(store, channel, author, { type: "custom", hashtags: "#a" });
      clock.time += 100;
      const changes = filledMessage(PostSchema, 2);
      const updated = await store.updatePost(create(PostSchema, { ...changes, id: post.id }));
      const expected = create(PostSchema, {
        ...post,
        message: changes.message,
        props: changes.props,
        fileIds: changes.fileIds,
        isPinned: changes.isPinned,
        metadata: changes.metadata,
        updateAt: BigInt(clock.time),
        editAt: BigInt(clock.time),
      });
      expectEqualMessages(PostSchema, updated, expected);
      expectEqualMessages(PostSchema, await store.getPost(post.id), expected);

      clock.time += 100;
      const unpinned = await store.updatePost(create(PostSchema, { ...updated, isPinned: false }));
      expect(unpinned.editAt).toBe(updated.editAt);
      expect(unpinned.updateAt).toBe(BigInt(clock.time));
      await expect(store.updatePost(create(PostSchema, { id: "p404" }))).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("deletes a post with its replies, and a reply with its count on the root", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const root = await newPost(store, channel, author);
      const firstReply = await newPost(store, channel, author, { rootId: root.id });
      await newPost(store, channel, author, { rootId: root.id });
      clock.time += 100;
      const deletedReply = await store.deletePost(firstReply.id);
      expect(deletedReply.deleteAt).toBe(BigInt(clock.time));
      expect((await store.getPost(root.id)).replyCount).toBe(1n);

      await store.deletePost(root.id);
      expect(await store.getPostsForChannel(channel.id, page())).toEqual([]);
      await expect(store.deletePost("p404")).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.post.not_found",
      });
    });
  });

  describe("file metadata", () => {
    it("stores every field of a file's metadata", async ({ store }) => {
      const info = filledMessage(FileInfoSchema);
      expectEqualMessages(FileInfoSchema, await store.saveFileInfo(info), info);
      expectEqualMessages(FileInfoSchema, await store.getFileInfo(info.id), info);
    });

    it("assigns an id and times when they are empty, and answers NotFoundError for a missing file", async ({
      store,
    }) => {
      const info = await store.saveFileInfo(create(FileInfoSchema, { name: "a.txt", size: 3n }));
      expect(info.id).toHaveLength(26);
      expect(info.createAt).toBe(BigInt(START));
      await expect(store.getFileInfo("f404")).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.file_info.not_found",
      });
    });
  });
}
