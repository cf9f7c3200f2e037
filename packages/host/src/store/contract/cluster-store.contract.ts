// The contract of ClusterStore: the hosts of a cluster recording themselves, and the plugin
// bundles they share. It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import { bytes, type OpenStore, START, storeTest } from "./store-test.js";

export function clusterStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("cluster nodes", () => {
    it("are recorded with their start and last seen times, and listed by id when seen since a time", async ({
      store,
      clock,
    }) => {
      const b = await store.recordClusterNode({ id: "b", hostname: "hb", version: "1.0.0" });
      expect(b).toEqual({
        id: "b",
        hostname: "hb",
        version: "1.0.0",
        startedAt: BigInt(START),
        lastSeenAt: BigInt(START),
      });
      clock.time += 10_000;
      await store.recordClusterNode({ id: "a", hostname: "ha", version: "1.0.0" });
      clock.time += 5_000;
      const again = await store.recordClusterNode({ id: "b", hostname: "hb", version: "1.1.0" });
      expect(again).toMatchObject({
        version: "1.1.0",
        startedAt: BigInt(START),
        lastSeenAt: BigInt(START + 15_000),
      });
      expect((await store.getClusterNodes(BigInt(START))).map((node) => node.id)).toEqual([
        "a",
        "b",
      ]);
      expect((await store.getClusterNodes(BigInt(START + 12_000))).map((node) => node.id)).toEqual([
        "b",
      ]);
      await store.removeClusterNode("b");
      await store.removeClusterNode("missing");
      expect((await store.getClusterNodes(0n)).map((node) => node.id)).toEqual(["a"]);
    });
  });

  describe("users' connections to nodes", () => {
    it("are recorded per node, read for the nodes seen since a time, and forgotten with their node", async ({
      store,
      clock,
    }) => {
      await store.recordClusterNode({ id: "a", hostname: "ha", version: "1" });
      await store.recordClusterNode({ id: "b", hostname: "hb", version: "1" });
      await store.setUserConnected("a", "u1", true);
      await store.setUserConnected("a", "u1", true);
      await store.setUserConnected("b", "u1", true);
      await store.setUserConnected("b", "u2", true);
      expect(await store.getUserConnectedNodes("u1", BigInt(START))).toEqual(["a", "b"]);
      await store.setUserConnected("a", "u1", false);
      await store.setUserConnected("a", "u1", false);
      expect(await store.getUserConnectedNodes("u1", BigInt(START))).toEqual(["b"]);
      // A node not seen since is taken for gone.
      clock.time += 20_000;
      await store.recordClusterNode({ id: "a", hostname: "ha", version: "1" });
      await store.setUserConnected("a", "u2", true);
      expect(await store.getUserConnectedNodes("u2", BigInt(START + 10_000))).toEqual(["a"]);
      await store.removeClusterNode("b");
      expect(await store.getUserConnectedNodes("u1", 0n)).toEqual([]);
      expect(await store.getUserConnectedNodes("nobody", 0n)).toEqual([]);
    });
  });

  describe("plugin bundles", () => {
    it("are saved, replaced, read back whole and deleted", async ({ store, clock }) => {
      expect(await store.getPluginBundle("p")).toBeUndefined();
      await store.savePluginBundle("p", bytes(1, 2, 3));
      clock.time += 1_000;
      const saved = await store.savePluginBundle("p", bytes(4, 5));
      expect(saved.updatedAt).toBe(BigInt(START + 1_000));
      await store.savePluginBundle("q", bytes(6));
      expect(await store.getPluginBundleTimes()).toEqual(
        new Map([
          ["p", BigInt(START + 1_000)],
          ["q", BigInt(START + 1_000)],
        ]),
      );
      const read = await store.getPluginBundle("p");
      expect(read?.updatedAt).toBe(BigInt(START + 1_000));
      expect([...(read?.bundle ?? [])]).toEqual([4, 5]);
      await store.deletePluginBundle("p");
      await store.deletePluginBundle("p");
      expect(await store.getPluginBundle("p")).toBeUndefined();
      expect([...(await store.getPluginBundleTimes()).keys()]).toEqual(["q"]);
    });

    it("give a bundle replaced within the same millisecond a later time, so hosts tell the versions apart", async ({
      store,
    }) => {
      const first = await store.savePluginBundle("p", bytes(1));
      const second = await store.savePluginBundle("p", bytes(2));
      const third = await store.savePluginBundle("p", bytes(3));
      expect(second.updatedAt).toBe(first.updatedAt + 1n);
      expect(third.updatedAt).toBe(first.updatedAt + 2n);
      expect((await store.getPluginBundle("p"))?.updatedAt).toBe(third.updatedAt);
    });
  });
}
