// The contract of SidebarStore: the default categories made on first read, where channels
// show, custom categories made, changed, reordered and deleted as Mattermost's store does.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { PreferenceSchema, SidebarCategorySchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { Store } from "../store.js";
import { newChannel, newTeam, newUser, type OpenStore, storeTest } from "./store-test.js";

export function sidebarStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  /** Ann, a member of team crew's channels town, dev and zoo (archived), and her direct channel. */
  async function sidebarWorld(store: Store) {
    const ann = await newUser(store, "ann");
    const ben = await newUser(store, "ben");
    const team = await newTeam(store, "crew");
    await store.addTeamMember(team.id, ann.id);
    const town = await newChannel(store, team, "town", { displayName: "Town" });
    const dev = await newChannel(store, team, "dev", { displayName: "Dev" });
    const zoo = await newChannel(store, team, "zoo", { displayName: "Zoo" });
    for (const channel of [town, dev, zoo]) await store.addChannelMember(channel.id, ann.id);
    await store.deleteChannel(zoo.id);
    const direct = await store.getOrCreateDirectChannel(ann.id, ben.id);
    const owner = { userId: ann.id, teamId: team.id };
    return { ann, ben, team, town, dev, zoo, direct, owner };
  }

  describe("SidebarStore", () => {
    it("makes the three default categories on first read, with the user's channels in them", async ({
      store,
    }) => {
      const { ann, team, town, dev, direct, owner } = await sidebarWorld(store);
      await store.savePreferences([
        create(PreferenceSchema, {
          userId: ann.id,
          category: "favorite_channel",
          name: town.id,
          value: "true",
        }),
      ]);
      const categories = await store.getSidebarCategories(owner);
      expect(categories.map((c) => [c.id, c.type, c.displayName, c.sortOrder, c.sorting])).toEqual([
        [`favorites_${ann.id}_${team.id}`, "favorites", "Favorites", 0n, ""],
        [`channels_${ann.id}_${team.id}`, "channels", "Channels", 10n, ""],
        [
          `direct_messages_${ann.id}_${team.id}`,
          "direct_messages",
          "Direct Messages",
          20n,
          "recent",
        ],
      ]);
      expect(categories.map((c) => c.channelIds)).toEqual([[town.id], [dev.id], [direct.id]]);
      expect(await store.getSidebarCategories(owner)).toEqual(categories);
      expect(await store.getSidebarCategoryOrder(owner)).toEqual(categories.map((c) => c.id));
      expect(await store.getSidebarCategory(categories[1]?.id ?? "")).toEqual(categories[1]);
      await expect(store.getSidebarCategory("nope")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("puts a new custom category after favorites, moving its channels out of the others", async ({
      store,
    }) => {
      const { town, dev, owner } = await sidebarWorld(store);
      const [favorites, channels, direct] = await store.getSidebarCategories(owner);
      const created = await store.createSidebarCategory(
        owner,
        create(SidebarCategorySchema, {
          id: "ignored",
          displayName: "Work",
          type: "favorites",
          muted: true,
          channelIds: [town.id],
        }),
      );
      expect(created).toMatchObject({
        ...owner,
        type: "custom",
        displayName: "Work",
        muted: true,
        sortOrder: 10n,
        channelIds: [town.id],
      });
      expect(created.id).toMatch(/^[a-z0-9]{26}$/);
      const after = await store.getSidebarCategories(owner);
      expect(after.map((c) => [c.id, c.sortOrder])).toEqual([
        [favorites?.id, 0n],
        [created.id, 10n],
        [channels?.id, 20n],
        [direct?.id, 30n],
      ]);
      expect(after[2]?.channelIds).toEqual([dev.id]);

      await store.updateSidebarCategoryOrder(owner, [
        channels?.id ?? "",
        favorites?.id ?? "",
        created.id,
        direct?.id ?? "",
      ]);
      const first = await store.createSidebarCategory(
        owner,
        create(SidebarCategorySchema, { displayName: "Top" }),
      );
      expect(first.sortOrder).toBe(0n);
      expect((await store.getSidebarCategoryOrder(owner))[0]).toBe(first.id);
    });

    it("updates what a category may change, and keeps favorites in step with the preferences", async ({
      store,
    }) => {
      const { ann, town, dev, owner } = await sidebarWorld(store);
      const [favorites, channels, direct] = await store.getSidebarCategories(owner);
      const { updated, original } = await store.updateSidebarCategories(owner, [
        create(SidebarCategorySchema, {
          ...favorites,
          displayName: "Best",
          type: "custom",
          sortOrder: 99n,
          collapsed: true,
          channelIds: [dev.id],
        }),
        create(SidebarCategorySchema, { ...channels, muted: true, channelIds: [town.id] }),
        create(SidebarCategorySchema, { ...direct, muted: true, sorting: "alpha", channelIds: [] }),
      ]);
      expect(original.map((c) => c.channelIds)).toEqual([[], [dev.id, town.id], expect.any(Array)]);
      expect(updated[0]).toMatchObject({
        displayName: "Favorites",
        type: "favorites",
        sortOrder: 0n,
        collapsed: true,
        channelIds: [dev.id],
      });
      expect(updated[1]).toMatchObject({ muted: true, channelIds: [town.id] });
      expect(updated[2]).toMatchObject({ muted: false, sorting: "alpha" });
      const favorite = await store.getPreferences(ann.id, "favorite_channel");
      expect(favorite.map((p) => [p.name, p.value])).toEqual([[dev.id, "true"]]);

      const custom = await store.createSidebarCategory(
        owner,
        create(SidebarCategorySchema, { displayName: "Work" }),
      );
      const renamed = await store.updateSidebarCategories(owner, [
        create(SidebarCategorySchema, { ...custom, displayName: "Play", channelIds: [dev.id] }),
      ]);
      expect(renamed.updated[0]).toMatchObject({ displayName: "Play", channelIds: [dev.id] });
      expect(await store.getPreferences(ann.id, "favorite_channel")).toEqual([]);

      const stranger = { ...owner, userId: "someone-else" };
      await expect(store.updateSidebarCategories(stranger, [custom])).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(
        store.updateSidebarCategories(owner, [create(SidebarCategorySchema, { id: "nope" })]),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("reorders only with every category named once, and deletes only custom ones", async ({
      store,
    }) => {
      const { town, dev, owner } = await sidebarWorld(store);
      const order = (await store.getSidebarCategories(owner)).map((c) => c.id);
      await expect(store.updateSidebarCategoryOrder(owner, order.slice(1))).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(
        store.updateSidebarCategoryOrder(owner, [order[0] ?? "", order[0] ?? "", order[1] ?? ""]),
      ).rejects.toBeInstanceOf(ValidationError);
      await store.updateSidebarCategoryOrder(owner, [...order].reverse());
      expect(await store.getSidebarCategoryOrder(owner)).toEqual([...order].reverse());

      await expect(store.deleteSidebarCategory(order[1] ?? "")).rejects.toBeInstanceOf(
        ValidationError,
      );
      const custom = await store.createSidebarCategory(
        owner,
        create(SidebarCategorySchema, { displayName: "Work", channelIds: [town.id] }),
      );
      await store.deleteSidebarCategory(custom.id);
      await expect(store.getSidebarCategory(custom.id)).rejects.toBeInstanceOf(NotFoundError);
      const channels = await store.getSidebarCategory(order[1] ?? "");
      expect(channels.channelIds).toEqual([dev.id, town.id]);
      await expect(store.deleteSidebarCategory(custom.id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
