// The contract of BotStore: bots owned by plugins.
// It uses only the Store interface; ../README.md says how to run it.
import { NotFoundError } from "@plugwire/errors";
import { describe, expect } from "vitest";
import { newUser, type OpenStore, storeTest } from "./store-test.js";

export function botStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("bots", () => {
    it("finds a plugin's bot by username, and only for its owner", async ({ store }) => {
      const bot = await newUser(store, "helper", { isBot: true, email: "" });
      expect(await store.getBotUserId("p", "helper")).toBeUndefined();
      await store.setBotOwner(bot.id, "p");
      expect(await store.getBotUserId("p", "helper")).toBe(bot.id);
      expect(await store.getBotUserId("p", "HELPER")).toBe(bot.id);
      expect(await store.getBotUserId("q", "helper")).toBeUndefined();
      await expect(store.setBotOwner("u404", "p")).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
