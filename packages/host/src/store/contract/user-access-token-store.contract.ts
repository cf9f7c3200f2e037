// The contract of UserAccessTokenStore: personal access tokens and the sessions they open.
// It uses only the Store interface; ../README.md says how to run it.
import { NotFoundError } from "@plugwire/errors";
import { describe, expect } from "vitest";
import { newUser, type OpenStore, page, START, storeTest } from "./store-test.js";

export function userAccessTokenStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("personal access tokens", () => {
    it("are kept without their secret and found by id or hash", async ({ store }) => {
      const ann = await newUser(store, "ann");
      const token = await store.createUserAccessToken({
        id: "t1",
        tokenHash: "hash-t1",
        userId: ann.id,
        description: "CI",
      });
      expect(token).toMatchObject({ id: "t1", userId: ann.id, description: "CI", isActive: true });
      expect(token.token).toBe("");
      expect(await store.getUserAccessToken("t1")).toEqual(token);
      expect(await store.getUserAccessTokenByHash("hash-t1")).toEqual(token);
      expect(await store.getUserAccessTokenByHash("other")).toBeUndefined();
      await expect(store.getUserAccessToken("t404")).rejects.toMatchObject({
        id: "store.user_access_token.not_found",
      });
      await expect(
        store.createUserAccessToken({ id: "t2", tokenHash: "h2", userId: "u404", description: "" }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("page by user or all", async ({ store }) => {
      const ann = await newUser(store, "ann");
      const bob = await newUser(store, "bob");
      for (const [id, user] of [
        ["a", ann],
        ["b", bob],
        ["c", ann],
      ] as const) {
        await store.createUserAccessToken({
          id,
          tokenHash: `h-${id}`,
          userId: user.id,
          description: id,
        });
      }
      expect((await store.getUserAccessTokensForUser(ann.id, page())).map((t) => t.id)).toEqual([
        "a",
        "c",
      ]);
      expect((await store.getUserAccessTokens(page(2, 1))).map((t) => t.id)).toEqual(["c"]);
    });

    it("end their session when disabled or deleted", async ({ store }) => {
      const ann = await newUser(store, "ann");
      await store.createUserAccessToken({
        id: "t1",
        tokenHash: "hash-t1",
        userId: ann.id,
        description: "bot",
      });
      const session = {
        id: "s1",
        tokenHash: "hash-t1",
        userId: ann.id,
        createAt: START,
        expiresAt: 0,
        lastActivityAt: START,
        deviceId: "",
        props: { type: "UserAccessToken", user_access_token_id: "t1" },
      };
      await store.createSession(session);
      expect(await store.setUserAccessTokenActive("t1", false)).toEqual([session]);
      expect(await store.getSessionByTokenHash("hash-t1")).toBeUndefined();
      expect((await store.getUserAccessToken("t1")).isActive).toBe(false);
      expect(await store.setUserAccessTokenActive("t1", true)).toEqual([]);
      await store.createSession(session);
      expect(await store.deleteUserAccessToken("t1")).toEqual([session]);
      expect(await store.getSessionByTokenHash("hash-t1")).toBeUndefined();
      await expect(store.deleteUserAccessToken("t1")).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
