// The contract of KVStore: the plugins' KV store.
// It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import { bytes, type OpenStore, page, START, storeTest } from "./store-test.js";

export function kvStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("KV store", () => {
    it("reads back what was written, per plugin", async ({ store }) => {
      await store.kvSet("a", "k", bytes(1, 2, 3));
      await store.kvSet("b", "k", bytes(9));
      expect(await store.kvGet("a", "k")).toEqual(bytes(1, 2, 3));
      expect(await store.kvGet("b", "k")).toEqual(bytes(9));
      expect(await store.kvGet("c", "k")).toBeUndefined();
    });

    it("writes a view of a larger buffer as exactly the viewed bytes", async ({ store }) => {
      const large = bytes(0, 1, 2, 3, 4, 5);
      await store.kvSet("a", "k", large.subarray(2, 4));
      expect(await store.kvGet("a", "k")).toEqual(bytes(2, 3));
    });

    it("keeps an empty value apart from a missing key", async ({ store }) => {
      await store.kvSet("a", "empty", bytes());
      expect(await store.kvGet("a", "empty")).toEqual(bytes());
    });

    it("deletes a key by writing no value, by kvDelete, and every key by kvDeleteAll", async ({
      store,
    }) => {
      for (const key of ["k1", "k2", "k3"]) {
        await store.kvSet("a", key, bytes(1));
      }
      await store.kvSet("b", "k1", bytes(1));
      await store.kvSet("a", "k1", undefined);
      await store.kvDelete("a", "k2");
      expect(await store.kvList("a", page())).toEqual(["k3"]);
      await store.kvDeleteAll("a");
      expect(await store.kvList("a", page())).toEqual([]);
      expect(await store.kvList("b", page())).toEqual(["k1"]);
    });

    it("lists keys in key order, a page at a time", async ({ store }) => {
      for (const key of ["c", "a", "b", "d"]) {
        await store.kvSet("p", key, bytes(1));
      }
      expect(await store.kvList("p", page())).toEqual(["a", "b", "c", "d"]);
      expect(await store.kvList("p", page(3, 1))).toEqual(["d"]);
    });

    it("reads an expired key as absent, leaves it out of lists, and deletes it", async ({
      store,
      clock,
    }) => {
      await store.kvSet("p", "short", bytes(1), { expireAt: START + 1000 });
      await store.kvSet("p", "forever", bytes(2), { expireAt: 0 });
      clock.time = START + 999;
      expect(await store.kvGet("p", "short")).toEqual(bytes(1));
      clock.time = START + 1000;
      expect(await store.kvList("p", page())).toEqual(["forever"]);
      expect(await store.kvGet("p", "short")).toBeUndefined();
      // Back before the expiry, the key is still gone: reading it deleted it.
      clock.time = START;
      expect(await store.kvGet("p", "short")).toBeUndefined();
      expect(await store.kvGet("p", "forever")).toEqual(bytes(2));
    });

    it("compare-and-set writes only when the current value is exactly the old value", async ({
      store,
    }) => {
      await store.kvSet("p", "k", bytes(1, 2));
      const cas = (oldValue: Uint8Array | undefined, value: Uint8Array | undefined) =>
        store.kvSet("p", "k", value, { atomic: true, oldValue });
      expect(await cas(bytes(1, 2, 0), bytes(7))).toBe(false);
      expect(await cas(bytes(1), bytes(7))).toBe(false);
      expect(await cas(bytes(), bytes(7))).toBe(false);
      expect(await cas(undefined, bytes(7))).toBe(false);
      expect(await store.kvGet("p", "k")).toEqual(bytes(1, 2));
      expect(await cas(bytes(1, 2), bytes(3))).toBe(true);
      expect(await store.kvGet("p", "k")).toEqual(bytes(3));
      expect(await cas(bytes(9), undefined)).toBe(false);
      expect(await cas(bytes(3), undefined)).toBe(true);
      expect(await store.kvGet("p", "k")).toBeUndefined();
      expect(await cas(bytes(3), bytes(4))).toBe(false);
    });

    it("compare-and-set with no old value writes only a key that is absent or expired", async ({
      store,
      clock,
    }) => {
      const create = (value: Uint8Array | undefined, expireAt?: number) =>
        store.kvSet("p", "k", value, { atomic: true, expireAt });
      expect(await create(bytes(1), START + 10)).toBe(true);
      expect(await create(bytes(2))).toBe(false);
      expect(await create(undefined)).toBe(false);
      clock.time = START + 10;
      expect(await create(undefined)).toBe(true);
      expect(await create(bytes(3))).toBe(true);
      expect(await store.kvGet("p", "k")).toEqual(bytes(3));
    });

    it("compare-and-set does not match an expired value", async ({ store, clock }) => {
      await store.kvSet("p", "k", bytes(1), { expireAt: START + 10 });
      clock.time = START + 10;
      expect(await store.kvSet("p", "k", bytes(2), { atomic: true, oldValue: bytes(1) })).toBe(
        false,
      );
    });

    it("lets exactly one of two concurrent compare-and-sets from the same old value win", async ({
      store,
    }) => {
      await store.kvSet("p", "counter", bytes(0));
      const results = await Promise.all(
        [1, 2].map((n) =>
          store.kvSet("p", "counter", bytes(n), { atomic: true, oldValue: bytes(0) }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect([bytes(1), bytes(2)]).toContainEqual(await store.kvGet("p", "counter"));
    });
  });
}
