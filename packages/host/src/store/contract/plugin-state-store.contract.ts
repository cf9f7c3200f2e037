// The contract of PluginStateStore: plugin settings, enabled states, installers.
// It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import { type OpenStore, storeTest } from "./store-test.js";

export function pluginStateStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("plugin settings", () => {
    it("answers an empty object before anything is saved, then the saved settings", async ({
      store,
    }) => {
      expect(await store.getPluginConfig("p")).toEqual({});
      const config = { Enabled: true, Limit: 3, Nested: { list: ["a", null] } };
      await store.savePluginConfig("p", config);
      await store.savePluginConfig("other", { x: 1 });
      expect(await store.getPluginConfig("p")).toEqual(config);
    });
  });

  describe("plugin states", () => {
    it("remember whether each plugin is enabled, and forget a removed plugin's", async ({
      store,
    }) => {
      await store.setPluginEnabled("com.example.a", true);
      await store.setPluginEnabled("com.example.b", true);
      await store.setPluginEnabled("com.example.b", false);
      expect(await store.getPluginStates()).toEqual(
        new Map([
          ["com.example.a", true],
          ["com.example.b", false],
        ]),
      );
      await store.deletePluginState("com.example.a");
      expect([...(await store.getPluginStates()).keys()]).toEqual(["com.example.b"]);
    });

    it("keep a plugin's installer until it is taken, once, leaving the enabled state alone", async ({
      store,
    }) => {
      await store.setPluginInstaller("com.example.new", "u1");
      await store.setPluginEnabled("com.example.old", true);
      await store.setPluginInstaller("com.example.old", "");

      expect(await store.getPluginStates()).toEqual(
        new Map([
          ["com.example.new", false],
          ["com.example.old", true],
        ]),
      );
      expect(await store.takePluginInstaller("com.example.new")).toBe("u1");
      expect(await store.takePluginInstaller("com.example.new")).toBeUndefined();
      expect(await store.takePluginInstaller("com.example.old")).toBe("");
      expect(await store.takePluginInstaller("com.example.none")).toBeUndefined();
    });
  });
}
