// The contract of SystemStore: the server's own values, recorded when the store was created.
// It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import { CONFIGURATION, DIAGNOSTIC_ID, INSTALLATION_DATE } from "../system-store.js";
import { type OpenStore, storeTest } from "./store-test.js";

export function systemStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("system values", () => {
    it("hold the install date and a 26-character diagnostic id from the start, the same on every read", async ({
      store,
    }) => {
      const installed = Number(await store.getSystemValue(INSTALLATION_DATE));
      expect(Number.isSafeInteger(installed)).toBe(true);
      expect(installed).toBeGreaterThan(Date.UTC(2020, 0, 1));
      expect(installed).toBeLessThanOrEqual(Date.now());
      const id = await store.getSystemValue(DIAGNOSTIC_ID);
      expect(id).toMatch(/^[0-9a-z]{26}$/);
      expect(await store.getSystemValue(DIAGNOSTIC_ID)).toBe(id);
      expect(await store.getSystemValue("NoSuchValue")).toBeUndefined();
    });

    it("records a value under a name and replaces it on the next write", async ({ store }) => {
      await store.setSystemValue(CONFIGURATION, '{"EmailSettings":{"SMTPServer":"a"}}');
      expect(await store.getSystemValue(CONFIGURATION)).toBe(
        '{"EmailSettings":{"SMTPServer":"a"}}',
      );
      await store.setSystemValue(CONFIGURATION, "{}");
      expect(await store.getSystemValue(CONFIGURATION)).toBe("{}");
      expect(await store.getSystemValue(DIAGNOSTIC_ID)).toMatch(/^[0-9a-z]{26}$/);
    });
  });
}
