// The contract of PostListStore: the lists of posts clients page through, and search.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Channel, PostSchema, type User } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { PostSearchQuery, Store } from "../store.js";
import {
  newChannel,
  newPost,
  newTeam,
  newUser,
  type OpenStore,
  page,
  storeTest,
} from "./store-test.js";

export function postListStoreContract(open: OpenStore): void {
  const it = storeTest(open).extend<{ channel: Channel; author: User }>({
    channel: async ({ store }, use) => {
      await use(await newChannel(store, await newTeam(store, "core"), "general"));
    },
    author: async ({ store }, use) => {
      await use(await newUser(store, "author"));
    },
  });

  /** Posts one millisecond apart, oldest first. */
  async function postEach(
    store: Store,
    clock: { time: number },
    channel: Channel,
    author: User,
    messages: string[],
    rootId = "",
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const message of messages) {
      clock.time += 1;
      ids.push((await newPost(store, channel, author, { message, rootId })).id);
    }
    return ids;
  }

  describe("post lists", () => {
    it("pages a channel newest first, with the threads of the page's replies", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [root, other] = await postEach(store, clock, channel, author, ["root", "other"]);
      const [r1, r2] = await postEach(store, clock, channel, author, ["r1", "r2"], root);
      const first = await store.getPostsPage(channel.id, page(1));
      expect(first.order).toEqual([r2]);
      expect(Object.keys(first.posts).sort()).toEqual([root, r1, r2].sort());
      expect(first.posts[r2 as string]?.replyCount).toBe(2n);
      const rootsOnly = await store.getPostsPage(channel.id, page(1), true);
      expect(Object.keys(rootsOnly.posts).sort()).toEqual([root, r2].sort());
      expect((await store.getPostsPage(channel.id, page(2, 1))).order).toEqual([other, root]);
    });

    it("pages around a post and finds the post ids around a time", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [a, b, c, d] = await postEach(store, clock, channel, author, ["a", "b", "c", "d"]);
      expect(
        (await store.getPostsAround(channel.id, c as string, "before", page(5))).order,
      ).toEqual([b, a]);
      expect((await store.getPostsAround(channel.id, a as string, "after", page(2))).order).toEqual(
        [c, b],
      );
      expect(
        (await store.getPostsAround(channel.id, a as string, "after", page(2, 1))).order,
      ).toEqual([d]);
      const bPost = await store.getPost(b as string);
      expect(await store.getPostIdAroundTime(channel.id, bPost.createAt, "before")).toBe(a);
      expect(await store.getPostIdAroundTime(channel.id, bPost.createAt, "after")).toBe(c);
      await store.deletePost(c as string);
      expect(await store.getPostIdAroundTime(channel.id, bPost.createAt, "after")).toBe(d);
      expect(await store.getPostIdAroundTime(channel.id, 0n, "before")).toBe("");
    });

    it("reads changes since a time: new, edited and deleted posts, with changed replies' roots", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [root, edited, deleted] = await postEach(store, clock, channel, author, [
        "root",
        "edited",
        "deleted",
      ]);
      const [reply] = await postEach(store, clock, channel, author, ["reply"], root);
      const since = BigInt(clock.time);
      clock.time += 1;
      const old = await store.getPost(edited as string);
      await store.updatePost(create(PostSchema, { ...old, message: "now edited" }));
      await store.deletePost(deleted as string);
      await store.updatePost(create(PostSchema, { ...(await store.getPost(reply as string)) }));
      const changed = await store.getPostsSince(channel.id, since);
      expect(changed.order.sort()).toEqual([edited, deleted, reply].sort());
      expect(changed.posts[root as string]?.message).toBe("root");
      expect(changed.posts[deleted as string]?.deleteAt).toBeGreaterThan(0n);
    });

    it("reads a thread: the post first, all of it or a page from a point", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [root] = await postEach(store, clock, channel, author, ["root"]);
      const [r1, r2, r3] = await postEach(store, clock, channel, author, ["1", "2", "3"], root);
      const whole = await store.getPostThread(r2 as string);
      expect(whole.order).toEqual([r2, r3, r1, root]);
      expect(whole.hasNext).toBe(false);
      const down = await store.getPostThread(root as string, { direction: "down", perPage: 2 });
      expect(down.order).toEqual([root, r1]);
      expect(down.hasNext).toBe(true);
      const r1Post = await store.getPost(r1 as string);
      const next = await store.getPostThread(root as string, {
        direction: "down",
        perPage: 2,
        fromCreateAt: r1Post.createAt,
        fromPost: r1,
      });
      expect(next.order).toEqual([root, r2, r3]);
      expect(next.hasNext).toBe(false);
      expect((await store.getPostThread(r1 as string, { skipFetchThreads: true })).order).toEqual([
        r1,
      ]);
      await store.deletePost(root as string);
      await expect(store.getPostThread(r1 as string)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("counts replies on every post of the thread, and uncounts deleted replies", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [root] = await postEach(store, clock, channel, author, ["root"]);
      const [r1, r2] = await postEach(store, clock, channel, author, ["1", "2"], root);
      expect((await store.getPost(r1 as string)).replyCount).toBe(2n);
      await store.deletePost(r2 as string);
      expect((await store.getPost(root as string)).replyCount).toBe(1n);
      expect((await store.getPost(r1 as string)).replyCount).toBe(1n);
    });

    it("reads posts by ids (deleted too) and a channel's pinned posts", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [a, b, c] = await postEach(store, clock, channel, author, ["a", "b", "c"]);
      await store.deletePost(c as string);
      const found = await store.getPostsByIds([a as string, c as string, "missing"]);
      expect(found.map((post) => post.id)).toEqual([c, a]);
      for (const id of [a, b, c]) {
        const post = await store.getPost(id as string);
        await store.updatePost(create(PostSchema, { ...post, isPinned: true }));
      }
      expect((await store.getPinnedPosts(channel.id)).order).toEqual([b, a]);
    });
  });

  describe("post search", () => {
    const search = (query: Partial<PostSearchQuery> & { teamId: string }): PostSearchQuery => ({
      terms: "",
      excludedTerms: "",
      orTerms: false,
      inChannelIds: [],
      excludedChannelIds: [],
      fromUserIds: [],
      excludedUserIds: [],
      includeDeletedChannels: false,
      page: page(),
      ...query,
    });

    it("matches words, phrases, prefixes and exclusions; follows edits and deletions", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const teamId = channel.teamId;
      const [apples, pears, both] = await postEach(store, clock, channel, author, [
        "Red apples",
        "green pears",
        "apples with pears",
      ]);
      const ids = async (query: Partial<PostSearchQuery>) =>
        (await store.searchPosts(search({ teamId, ...query }))).map((post) => post.id);
      expect(await ids({ terms: "apples" })).toEqual([both, apples]);
      expect(await ids({ terms: "APPLE" })).toEqual([both, apples]);
      expect(await ids({ terms: "apples pears" })).toEqual([both]);
      expect(await ids({ terms: "apples pears", orTerms: true })).toEqual([both, pears, apples]);
      expect(await ids({ terms: '"with pears"' })).toEqual([both]);
      expect(await ids({ terms: "gre*" })).toEqual([pears]);
      expect(await ids({ terms: "apples", excludedTerms: "pears" })).toEqual([apples]);
      expect(await ids({ terms: "** ) (" })).toEqual([]);
      expect(await ids({ terms: "apples", page: page(1, 1) })).toEqual([apples]);
      const edited = await store.getPost(pears as string);
      await store.updatePost(create(PostSchema, { ...edited, message: "green apples" }));
      expect(await ids({ terms: "pears" })).toEqual([both]);
      await store.deletePost(both as string);
      expect(await ids({ terms: "apples" })).toEqual([pears, apples]);
    });

    it("reads quotes, backslashes and operators as text; finds words of addresses", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const [quote, slash, operators, mail] = await postEach(store, clock, channel, author, [
        "don't panic",
        "see C:\\temp\\logs",
        "cats & dogs | !birds",
        "mail ann@example.com or https://example.org/docs",
      ]);
      const ids = async (terms: string) =>
        (await store.searchPosts(search({ teamId: channel.teamId, terms }))).map((post) => post.id);
      expect(await ids("don't")).toEqual([quote]);
      expect(await ids("'panic")).toEqual([quote]);
      expect(await ids("temp\\logs")).toEqual([slash]);
      expect(await ids("logs\\")).toEqual([slash]);
      expect(await ids("cats&")).toEqual([operators]);
      expect(await ids("!birds")).toEqual([operators]);
      expect(await ids('"dogs | !birds"')).toEqual([operators]);
      expect(await ids("dogs:*")).toEqual([operators]);
      expect(await ids("example")).toEqual([mail]);
      expect(await ids("docs")).toEqual([mail]);
      expect(await ids("ann@example.com")).toEqual([mail]);
    });

    it("searches the member's channels of the team, by author and time", async ({
      store,
      clock,
      channel,
      author,
    }) => {
      const team = await store.getTeam(channel.teamId);
      const other = await newChannel(store, team, "other");
      const reader = await newUser(store, "reader");
      await store.addChannelMember(channel.id, reader.id);
      const [inGeneral] = await postEach(store, clock, channel, author, ["news"]);
      const [inOther] = await postEach(store, clock, other, reader, ["news"]);
      const ids = async (query: Partial<PostSearchQuery>) =>
        (await store.searchPosts(search({ teamId: team.id, terms: "news", ...query }))).map(
          (post) => post.id,
        );
      expect(await ids({})).toEqual([inOther, inGeneral]);
      expect(await ids({ memberId: reader.id })).toEqual([inGeneral]);
      expect(await ids({ fromUserIds: [reader.id] })).toEqual([inOther]);
      expect(await ids({ excludedChannelIds: [other.id] })).toEqual([inGeneral]);
      expect(await ids({ inChannelIds: [other.id] })).toEqual([inOther]);
      const late = (await store.getPost(inOther as string)).createAt;
      expect(await ids({ createdFrom: late })).toEqual([inOther]);
      expect(await ids({ createdTo: late - 1n })).toEqual([inGeneral]);
      const elsewhere = await newTeam(store, "elsewhere");
      expect(await ids({ teamId: elsewhere.id })).toEqual([]);
    });
  });
}
