// The contract of UserStore: users and their password hashes.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { UserSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { Store } from "../store.js";
import { filledMessage } from "../test-fixtures/filled-message.js";
import {
  expectEqualMessages,
  newChannel,
  newTeam,
  newUser,
  type OpenStore,
  page,
  START,
  storeTest,
} from "./store-test.js";

export function userStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("users", () => {
    it("stores every field of a user and gives the same user back by id, username and e-mail", async ({
      store,
    }) => {
      const user = filledMessage(UserSchema);
      const created = await store.createUser(user, "hash");
      expectEqualMessages(UserSchema, created, user);
      expectEqualMessages(UserSchema, await store.getUser(user.id), user);
      expectEqualMessages(UserSchema, await store.getUserByUsername(user.username), user);
      expectEqualMessages(UserSchema, await store.getUserByEmail(user.email), user);
    });

    it("assigns a 26-character id and the creation time when they are empty", async ({ store }) => {
      const user = await newUser(store, "alice");
      expect(user.id).toMatch(/^[a-z0-9]{26}$/);
      expect(user.createAt).toBe(BigInt(START));
      expect(user.updateAt).toBe(BigInt(START));
    });

    it("keeps the password hash apart from the user", async ({ store }) => {
      const user = await store.createUser(create(UserSchema, { username: "alice" }), "scrypt$1");
      expect(await store.getPasswordHash(user.id)).toBe("scrypt$1");
      await store.setPasswordHash(user.id, "scrypt$2");
      expect(await store.getPasswordHash(user.id)).toBe("scrypt$2");
      const bot = await store.createUser(create(UserSchema, { username: "bot", isBot: true }));
      expect(await store.getPasswordHash(bot.id)).toBeUndefined();
      const returned = [
        await store.getUser(user.id),
        ...(await store.getUsers(page())),
        ...(await store.getUsersByIds([user.id])),
      ];
      for (const found of returned) {
        expect(
          JSON.stringify(found, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
        ).not.toContain("scrypt");
      }
      await expect(store.setPasswordHash("nobody", "x")).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getPasswordHash("nobody")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("moves a user to a sign-in service: the password and failed attempts go, auth_data is unique, a new password moves them back", async ({
      store,
    }) => {
      const user = await store.createUser(create(UserSchema, { username: "alice" }), "scrypt$1");
      const other = await store.createUser(create(UserSchema, { username: "bob" }), "scrypt$2");
      await store.recordFailedLogin(user.id);
      const moved = await store.updateAuthData(user.id, "gitlab", "alice-at-gitlab");
      expect(moved.authService).toBe("gitlab");
      expect((await store.getUser(user.id)).authService).toBe("gitlab");
      expect(await store.getAuthData(user.id)).toBe("alice-at-gitlab");
      expect(await store.getPasswordHash(user.id)).toBeUndefined();
      expect(await store.getFailedLoginAttempts(user.id)).toBe(0);
      await expect(store.updateAuthData(other.id, "saml", "alice-at-gitlab")).rejects.toMatchObject(
        {
          name: "AlreadyExistsError",
          id: "store.user.auth_data_exists",
        },
      );
      expect(await store.getPasswordHash(other.id)).toBe("scrypt$2");
      // The same id again for the same user, and no auth data for several users, are fine.
      await store.updateAuthData(user.id, "gitlab", "alice-at-gitlab");
      await store.updateAuthData(other.id, "", undefined);
      expect(await store.getAuthData(other.id)).toBeUndefined();
      await store.setPasswordHash(user.id, "scrypt$3");
      expect((await store.getUser(user.id)).authService).toBe("");
      expect(await store.getAuthData(user.id)).toBeUndefined();
      await expect(store.updateAuthData("nobody", "gitlab", "x")).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(store.getAuthData("nobody")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses a taken username or e-mail address, whatever its case, naming the field", async ({
      store,
    }) => {
      await newUser(store, "alice");
      await expect(newUser(store, "Alice", { email: "other@example.com" })).rejects.toMatchObject({
        name: "AlreadyExistsError",
        id: "store.user.username_exists",
        params: { field: "username" },
      });
      await expect(newUser(store, "bob", { email: "ALICE@example.com" })).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "email" },
      });
    });

    it("lets any number of accounts go without an e-mail address", async ({ store }) => {
      await newUser(store, "bot1", { email: "" });
      await expect(newUser(store, "bot2", { email: "" })).resolves.toBeDefined();
      await expect(store.getUserByEmail("")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses a user without a username, or with an id that exists", async ({ store }) => {
      await expect(store.createUser(create(UserSchema, {}))).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "username" },
      });
      const alice = await newUser(store, "alice");
      await expect(newUser(store, "bob", { id: alice.id })).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "id" },
      });
    });

    it("answers NotFoundError naming what was looked for", async ({ store }) => {
      await expect(store.getUser("u404")).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.user.not_found",
        message: expect.stringContaining("u404"),
      });
      await expect(store.getUserByUsername("ghost")).rejects.toMatchObject({
        id: "store.user.not_found",
        message: expect.stringContaining('"ghost"'),
      });
      await expect(store.getUserByEmail("ghost@example.com")).rejects.toMatchObject({
        id: "store.user.not_found",
        message: expect.stringContaining("ghost@example.com"),
      });
    });

    it("lists users by username, filtered by team, channel and state, a page at a time", async ({
      store,
    }) => {
      const [carol, alice, bob, dave] = [
        await newUser(store, "carol"),
        await newUser(store, "alice"),
        await newUser(store, "bob"),
        await newUser(store, "dave"),
      ];
      await store.deactivateUser(dave.id);
      const team = await newTeam(store, "team");
      const channel = await newChannel(store, team, "town-square");
      for (const user of [alice, bob, dave]) {
        await store.addTeamMember(team.id, user.id);
      }
      await store.removeTeamMember(team.id, bob.id);
      await store.addChannelMember(channel.id, carol.id);
      await store.addChannelMember(channel.id, dave.id);

      const names = async (query: Parameters<Store["getUsers"]>[0]) =>
        (await store.getUsers(query)).map((user) => user.username);
      expect(await names(page())).toEqual(["alice", "bob", "carol", "dave"]);
      expect(await names(page(2, 1))).toEqual(["carol", "dave"]);
      expect(await names({ ...page(), active: true })).toEqual(["alice", "bob", "carol"]);
      expect(await names({ ...page(), active: false })).toEqual(["dave"]);
      expect(await names({ ...page(), inTeamId: team.id })).toEqual(["alice", "dave"]);
      expect(await names({ ...page(), inChannelId: channel.id })).toEqual(["carol", "dave"]);
      expect(await names({ ...page(), inChannelId: channel.id, active: true })).toEqual(["carol"]);
      await expect(store.getUsers(page(-1))).rejects.toBeInstanceOf(ValidationError);
    });

    it("gives users by ids in the order asked for, skipping unknown ids", async ({ store }) => {
      const alice = await newUser(store, "alice");
      const bob = await newUser(store, "bob");
      const found = await store.getUsersByIds([bob.id, "unknown", alice.id, bob.id]);
      expect(found.map((user) => user.username)).toEqual(["bob", "alice"]);
      expect(await store.getUsersByIds([])).toEqual([]);
    });

    it("updates profile fields and keeps what identifies, secures or ranks the account", async ({
      store,
      clock,
    }) => {
      const original = await store.createUser(filledMessage(UserSchema, 1));
      clock.time += 1000;
      const changes = filledMessage(UserSchema, 2);
      const updated = await store.updateUser(create(UserSchema, { ...changes, id: original.id }));
      const expected = create(UserSchema, {
        ...changes,
        id: original.id,
        createAt: original.createAt,
        updateAt: BigInt(clock.time),
        deleteAt: original.deleteAt,
        roles: original.roles,
        isBot: original.isBot,
        authService: original.authService,
        mfaActive: original.mfaActive,
        lastPictureUpdate: original.lastPictureUpdate,
        emailVerified: false,
      });
      expectEqualMessages(UserSchema, updated, expected);
      expectEqualMessages(UserSchema, await store.getUser(original.id), expected);
    });

    it("keeps the e-mail verification when the address does not change", async ({ store }) => {
      const user = await newUser(store, "alice", { emailVerified: true });
      const updated = await store.updateUser(create(UserSchema, { ...user, nickname: "Al" }));
      expect(updated.emailVerified).toBe(true);
      expect(updated.nickname).toBe("Al");
    });

    it("refuses an update to another user's username or e-mail, or of a missing user", async ({
      store,
    }) => {
      const alice = await newUser(store, "alice");
      await newUser(store, "bob");
      await expect(
        store.updateUser(create(UserSchema, { ...alice, username: "BOB" })),
      ).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "username" },
      });
      await expect(
        store.updateUser(create(UserSchema, { ...alice, email: "bob@example.com" })),
      ).rejects.toMatchObject({ params: { field: "email" } });
      await expect(
        store.updateUser(create(UserSchema, { ...alice, username: "alice" })),
      ).resolves.toBeDefined();
      await expect(
        store.updateUser(create(UserSchema, { id: "missing", username: "x" })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("deactivates a user at the current time, once", async ({ store, clock }) => {
      const alice = await newUser(store, "alice");
      clock.time += 5000;
      const deactivated = await store.deactivateUser(alice.id);
      expect(deactivated.deleteAt).toBe(BigInt(clock.time));
      expectEqualMessages(UserSchema, await store.getUser(alice.id), deactivated);
      clock.time += 5000;
      expect((await store.deactivateUser(alice.id)).deleteAt).toBe(deactivated.deleteAt);
      await expect(store.deactivateUser("missing")).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
