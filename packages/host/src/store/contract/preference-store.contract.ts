// The contract of PreferenceStore: users' preferences by category and name.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { PreferenceSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { type OpenStore, storeTest } from "./store-test.js";

export function preferenceStoreContract(open: OpenStore): void {
  const it = storeTest(open);
  const preference = (userId: string, category: string, name: string, value = "") =>
    create(PreferenceSchema, { userId, category, name, value });

  describe("preferences", () => {
    it("saves, replaces, reads and deletes a user's preferences", async ({ store }) => {
      await store.savePreferences([
        preference("u1", "display_settings", "use_military_time", "false"),
        preference("u1", "display_settings", "colorize_usernames", "true"),
        preference("u1", "direct_channel_show", "u2", "true"),
        preference("u2", "display_settings", "use_military_time", "true"),
      ]);
      await store.savePreferences([
        preference("u1", "display_settings", "use_military_time", "true"),
      ]);
      expect((await store.getPreferences("u1")).map((p) => [p.category, p.name, p.value])).toEqual([
        ["direct_channel_show", "u2", "true"],
        ["display_settings", "colorize_usernames", "true"],
        ["display_settings", "use_military_time", "true"],
      ]);
      expect((await store.getPreferences("u1", "display_settings")).map((p) => p.name)).toEqual([
        "colorize_usernames",
        "use_military_time",
      ]);
      expect(await store.getPreference("u2", "display_settings", "use_military_time")).toEqual(
        preference("u2", "display_settings", "use_military_time", "true"),
      );

      await store.deletePreferences([
        preference("u1", "display_settings", "use_military_time"),
        preference("u1", "nothing", "here"),
      ]);
      expect((await store.getPreferences("u1")).map((p) => p.name)).toEqual([
        "u2",
        "colorize_usernames",
      ]);
      await expect(
        store.getPreference("u1", "display_settings", "use_military_time"),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.getPreferences("u3")).toEqual([]);
    });
  });
}
