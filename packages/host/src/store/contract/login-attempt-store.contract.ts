// The contract of LoginAttemptStore: failed password attempts counted per user.
// It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import { type OpenStore, storeTest } from "./store-test.js";

export function loginAttemptStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("failed login attempts", () => {
    it("count per user from 0, each failure once even when they race, and reset to 0", async ({
      store,
    }) => {
      expect(await store.getFailedLoginAttempts("u1")).toBe(0);
      const counts = await Promise.all(
        Array.from({ length: 5 }, () => store.recordFailedLogin("u1")),
      );
      await store.recordFailedLogin("u2");
      expect(counts.sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await store.getFailedLoginAttempts("u1")).toBe(5);
      await store.resetFailedLogins("u1");
      expect(await store.getFailedLoginAttempts("u1")).toBe(0);
      expect(await store.getFailedLoginAttempts("u2")).toBe(1);
    });
  });
}
