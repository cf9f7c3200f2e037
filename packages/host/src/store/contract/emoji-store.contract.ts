// The contract of EmojiStore: custom emoji. It uses only the Store interface; ../README.md says
// how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { EmojiSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { Store } from "../store.js";
import { type OpenStore, page, START, storeTest } from "./store-test.js";

const newEmoji = (store: Store, name: string) =>
  store.createEmoji(create(EmojiSchema, { name, creatorId: "u1" }));

export function emojiStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("custom emoji", () => {
    it("lets system_user make and delete its own emoji, as Mattermost's migration grants", async ({
      store,
    }) => {
      const user = await store.getRoleByName("system_user");
      expect(user.permissions).toEqual(expect.arrayContaining(["create_emojis", "delete_emojis"]));
      expect(user.permissions).toContain("create_team");
      expect(new Set(user.permissions).size).toBe(user.permissions.length);
      expect(user.permissions).not.toContain("delete_others_emojis");
      expect((await store.getRoleByName("system_admin")).permissions).toContain(
        "delete_others_emojis",
      );
    });

    it("stores an emoji and reads it by id and name; names are unique", async ({ store }) => {
      const emoji = await newEmoji(store, "party_parrot");
      expect(emoji).toMatchObject({
        name: "party_parrot",
        creatorId: "u1",
        createAt: BigInt(START),
        updateAt: BigInt(START),
        deleteAt: 0n,
      });
      expect(emoji.id).toHaveLength(26);
      expect(await store.getEmoji(emoji.id)).toEqual(emoji);
      expect(await store.getEmojiByName("party_parrot")).toEqual(emoji);
      await expect(newEmoji(store, "party_parrot")).rejects.toMatchObject({
        id: "api.emoji.create.duplicate.app_error",
      });
      await expect(store.getEmoji("e404")).rejects.toMatchObject({ id: "store.emoji.not_found" });
      await expect(store.getEmojiByName("nope")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("lists, searches and finds by names, without the deleted", async ({ store, clock }) => {
      const b = await newEmoji(store, "beta");
      clock.time += 1;
      const a = await newEmoji(store, "alpha_beta");
      clock.time += 1;
      const c = await newEmoji(store, "gamma");
      const names = (list: { name: string }[]) => list.map((e) => e.name);
      expect(names(await store.getEmojiList(page(), false))).toEqual([
        "beta",
        "alpha_beta",
        "gamma",
      ]);
      expect(names(await store.getEmojiList(page(), true))).toEqual([
        "alpha_beta",
        "beta",
        "gamma",
      ]);
      expect(names(await store.getEmojiList(page(2, 1), true))).toEqual(["gamma"]);
      expect(names(await store.searchEmoji("BETA", false, 10))).toEqual(["alpha_beta", "beta"]);
      expect(names(await store.searchEmoji("beta", true, 10))).toEqual(["beta"]);
      expect(names(await store.searchEmoji("_", true, 10))).toEqual([]);
      expect(names(await store.getEmojisByNames(["gamma", "beta", "zzz"]))).toEqual([
        "beta",
        "gamma",
      ]);

      clock.time += 1;
      const deleted = await store.deleteEmoji(b.id);
      expect(deleted).toMatchObject({ id: b.id, deleteAt: BigInt(START + 3) });
      await expect(store.deleteEmoji(b.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getEmoji(b.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(names(await store.getEmojiList(page(), false))).toEqual(["alpha_beta", "gamma"]);
      // The name is free again.
      expect((await newEmoji(store, "beta")).id).not.toBe(b.id);
      expect([a.id, c.id]).toHaveLength(2);
    });
  });
}
