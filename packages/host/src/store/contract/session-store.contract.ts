// The contract of SessionStore: login sessions.
// It uses only the Store interface; ../README.md says how to run it.
import { NotFoundError } from "@plugwire/errors";
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
      deviceId: "",
      props: {},
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

    it("keep a device and props, and are read by id", async ({ store }) => {
      const withProps = { ...session, deviceId: "ios:abc", props: { type: "UserAccessToken" } };
      await store.createSession(withProps);
      expect(await store.getSession("s1")).toEqual(withProps);
      await expect(store.getSession("nope")).rejects.toMatchObject({
        id: "store.session.not_found",
      });
    });

    it("list a user's live sessions, most recently used first", async ({ store, clock }) => {
      await store.createSession(session);
      await store.createSession({
        ...session,
        id: "s2",
        tokenHash: "h2",
        lastActivityAt: START + 5,
      });
      await store.createSession({ ...session, id: "s3", tokenHash: "h3", expiresAt: START + 10 });
      await store.createSession({ ...session, id: "s4", tokenHash: "h4", userId: "u2" });
      expect((await store.getUserSessions("u1")).map((s) => s.id)).toEqual(["s2", "s1", "s3"]);
      clock.time = START + 10;
      expect((await store.getUserSessions("u1")).map((s) => s.id)).toEqual(["s2", "s1"]);
    });

    it("move their expiry; an expiry of 0 never comes", async ({ store, clock }) => {
      await store.createSession(session);
      await store.setSessionExpiry("s1", 0);
      clock.time = START + 10 * 365 * 24 * 3_600_000;
      expect((await store.getSession("s1")).expiresAt).toBe(0);
      await store.setSessionExpiry("s1", clock.time);
      await expect(store.getSession("s1")).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.setSessionExpiry("s1", 0)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
