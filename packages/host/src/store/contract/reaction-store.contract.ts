// The contract of ReactionStore: reactions to posts, and what they change on the post.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { ReactionSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import {
  newChannel,
  newPost,
  newTeam,
  newUser,
  type OpenStore,
  START,
  storeTest,
} from "./store-test.js";

export function reactionStoreContract(open: OpenStore): void {
  const it = storeTest(open);
  const reaction = (userId: string, postId: string, emojiName: string) =>
    create(ReactionSchema, { userId, postId, emojiName });

  describe("reactions", () => {
    it("keeps one reaction per user, post and emoji, and marks the post", async ({
      store,
      clock,
    }) => {
      const ann = await newUser(store, "ann");
      const bob = await newUser(store, "bob");
      const channel = await newChannel(store, await newTeam(store, "t"), "c");
      const post = await newPost(store, channel, ann);
      expect(post.hasReactions).toBe(false);

      clock.time += 1000;
      const saved = await store.saveReaction(reaction(bob.id, post.id, "smile"));
      expect(saved).toMatchObject({
        userId: bob.id,
        postId: post.id,
        emojiName: "smile",
        channelId: channel.id,
        createAt: BigInt(START + 1000),
        deleteAt: 0n,
      });
      expect(await store.getPost(post.id)).toMatchObject({
        hasReactions: true,
        updateAt: BigInt(START + 1000),
      });

      clock.time += 1000;
      const again = await store.saveReaction(reaction(bob.id, post.id, "smile"));
      expect(again.createAt).toBe(BigInt(START + 1000));
      await store.saveReaction(reaction(ann.id, post.id, "smile"));
      clock.time += 1000;
      await store.saveReaction(reaction(ann.id, post.id, "+1"));
      expect((await store.getReactionsForPost(post.id)).map((r) => r.emojiName)).toEqual([
        "smile",
        "smile",
        "+1",
      ]);
      expect(await store.countUniqueEmojisOnPost(post.id)).toBe(2);
    });

    it("unmarks the post when its last reaction goes", async ({ store, clock }) => {
      const ann = await newUser(store, "ann");
      const channel = await newChannel(store, await newTeam(store, "t"), "c");
      const post = await newPost(store, channel, ann);
      await store.saveReaction(reaction(ann.id, post.id, "smile"));
      await store.saveReaction(reaction(ann.id, post.id, "tada"));

      clock.time += 5000;
      expect(await store.deleteReaction(reaction(ann.id, post.id, "smile"))).toBe(true);
      expect(await store.getPost(post.id)).toMatchObject({
        hasReactions: true,
        updateAt: BigInt(START + 5000),
      });
      expect(await store.deleteReaction(reaction(ann.id, post.id, "smile"))).toBe(false);
      await store.deleteReaction(reaction(ann.id, post.id, "tada"));
      expect((await store.getPost(post.id)).hasReactions).toBe(false);
      expect(await store.getReactionsForPost(post.id)).toEqual([]);
    });

    it("reads the reactions of several posts at once", async ({ store }) => {
      const ann = await newUser(store, "ann");
      const channel = await newChannel(store, await newTeam(store, "t"), "c");
      const first = await newPost(store, channel, ann);
      const second = await newPost(store, channel, ann);
      const third = await newPost(store, channel, ann);
      await store.saveReaction(reaction(ann.id, first.id, "smile"));
      await store.saveReaction(reaction(ann.id, third.id, "tada"));
      const found = await store.getReactionsForPosts([first.id, second.id, third.id]);
      expect(found.map((r) => [r.postId, r.emojiName]).sort()).toEqual(
        [
          [first.id, "smile"],
          [third.id, "tada"],
        ].sort(),
      );
      expect(await store.getReactionsForPosts([])).toEqual([]);
    });

    it("refuses a reaction to an unknown post", async ({ store }) => {
      const ann = await newUser(store, "ann");
      await expect(store.saveReaction(reaction(ann.id, "p404", "smile"))).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
}
