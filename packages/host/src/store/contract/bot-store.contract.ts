// The contract of BotStore: bots owned by plugins or users, and erasing a bot's user.
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
  page,
  START,
  storeTest,
} from "./store-test.js";

export function botStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("bots", () => {
    it("finds an owner's bot by username, and only for its owner", async ({ store }) => {
      const bot = await newUser(store, "helper", { isBot: true, email: "" });
      expect(await store.getBotUserId("p", "helper")).toBeUndefined();
      await store.setBotOwner(bot.id, "p");
      expect(await store.getBotUserId("p", "helper")).toBe(bot.id);
      expect(await store.getBotUserId("p", "HELPER")).toBe(bot.id);
      expect(await store.getBotUserId("q", "helper")).toBeUndefined();
      await expect(store.setBotOwner("u404", "p")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("reads a bot from its user: name, description, times, picture", async ({ store }) => {
      const user = await newUser(store, "helper", {
        isBot: true,
        email: "",
        firstName: "Helper",
        botDescription: "helps",
      });
      await store.setBotOwner(user.id, "com.example.p");
      expect(await store.getBot(user.id, false)).toMatchObject({
        userId: user.id,
        username: "helper",
        displayName: "Helper",
        description: "helps",
        ownerId: "com.example.p",
        createAt: BigInt(START),
        updateAt: BigInt(START),
        deleteAt: 0n,
        lastIconUpdate: 0n,
      });
      const person = await newUser(store, "ann");
      await expect(store.getBot(person.id, true)).rejects.toMatchObject({
        id: "store.sql_bot.get.missing.app_error",
      });
      await store.deactivateUser(user.id);
      await expect(store.getBot(user.id, false)).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.getBot(user.id, true)).deleteAt).toBe(BigInt(START));
    });

    it("pages bots by username, by owner, disabled ones and orphans", async ({ store }) => {
      const ann = await newUser(store, "ann");
      const ids = new Map<string, string>();
      for (const [name, owner] of [
        ["carl", "p"],
        ["alfa", ann.id],
        ["bert", "p"],
      ] as const) {
        const bot = await newUser(store, name, { isBot: true, email: "" });
        await store.setBotOwner(bot.id, owner);
        ids.set(name, bot.id);
      }
      const names = async (query: Parameters<typeof store.getBots>[0]) =>
        (await store.getBots(query)).map((bot) => bot.username);
      expect(await names(page())).toEqual(["alfa", "bert", "carl"]);
      expect(await names(page(2, 1))).toEqual(["carl"]);
      expect(await names({ ...page(), ownerId: "p" })).toEqual(["bert", "carl"]);
      await store.deactivateUser(ids.get("bert") ?? "");
      expect(await names({ ...page(), ownerId: "p" })).toEqual(["carl"]);
      expect(await names({ ...page(), ownerId: "p", includeDeleted: true })).toEqual([
        "bert",
        "carl",
      ]);
      expect(await names({ ...page(), onlyOrphaned: true })).toEqual([]);
      await store.deactivateUser(ann.id);
      expect(await names({ ...page(), onlyOrphaned: true })).toEqual(["alfa"]);
    });

    it("erases a user with all that is theirs, and leaves others' alone", async ({ store }) => {
      const bot = await newUser(store, "helper", { isBot: true, email: "" });
      await store.setBotOwner(bot.id, "p");
      const ann = await newUser(store, "ann");
      const team = await newTeam(store, "t");
      const channel = await newChannel(store, team, "c");
      for (const user of [bot, ann]) {
        await store.addTeamMember(team.id, user.id);
        await store.addChannelMember(channel.id, user.id);
      }
      const botPost = await newPost(store, channel, bot);
      const annPost = await newPost(store, channel, ann);
      const react = (userId: string, postId: string) =>
        store.saveReaction(create(ReactionSchema, { userId, postId, emojiName: "smile" }));
      await react(bot.id, annPost.id);
      await react(ann.id, botPost.id);
      await store.createSession({
        id: "s1",
        tokenHash: "h1",
        userId: bot.id,
        createAt: START,
        expiresAt: 0,
        lastActivityAt: START,
        deviceId: "",
        props: {},
      });

      expect(await store.permanentDeleteUser(bot.id)).toEqual([]);
      await expect(store.getUser(bot.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getBot(bot.id, true)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getPost(botPost.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.getSessionByTokenHash("h1")).toBeUndefined();
      expect(await store.getChannelMember(channel.id, bot.id)).toBeUndefined();
      expect(await store.getTeamMember(team.id, bot.id)).toBeUndefined();
      expect(await store.getReactionsForPost(annPost.id)).toEqual([]);
      expect((await store.getPost(annPost.id)).hasReactions).toBe(false);
      expect(await store.getChannelMember(channel.id, ann.id)).toBeDefined();
      await expect(store.permanentDeleteUser(bot.id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
