// The contract of SessionStore: login sessions.
// It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import type { Session } from "../session-store.js";
import { type OpenStore, START, storeTest } from "./store-test.js";

export function sessionStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("sessions", () => {
    const session: Session = {
      id: "s1",
      tokenHash: "hash-1",
      userId: "u1",
      createAt: START,
      expiresAt: START + 60_000,
      lastActivityAt: START,
    };

    it("are found by token hash until they expire", async ({ store, clock }) => {
      await store.createSession(session);
      expect(await store.getSessionByTokenHash("hash-1")).toEqual(session);
      expect(await store.getSessionByTokenHash("other")).toBeUndefined();
      await store.touchSession("s1", START + 10);
      expect((await store.getSessionByTokenHash("hash-1"))?.lastActivityAt).toBe(START + 10);
      clock.time = START + 60_000;
      expect(await store.getSessionByTokenHash("hash-1")).toBeUndefined();
    });

    it("end one at a time or all of a user's at once", async ({ store }) => {
      await store.createSession(session);
      await store.createSession({ ...session, id: "s2", tokenHash: "hash-2" });
      await store.createSession({ ...session, id: "s3", tokenHash: "hash-3", userId: "u2" });
      await store.deleteSession("s1");
      expect(await store.getSessionByTokenHash("hash-1")).toBeUndefined();
      await store.deleteUserSessions("u1");
      expect(await store.getSessionByTokenHash("hash-2")).toBeUndefined();
      expect(await store.getSessionByTokenHash("hash-3")).toBeDefined();
    });
  });
}
