// SidebarStore on PostgreSQL: the sidebar_categories and sidebar_channels tables, with the
// statements and rules of ../sidebar-rows.ts.
import { create } from "@bufbuild/protobuf";
import { type SidebarCategory, SidebarCategorySchema } from "@plugwire/protocol";
import { newId } from "../ids.js";
import {
  CATEGORY_BY_ID,
  categoryFromRow,
  categoryNotFound,
  categoryParams,
  checkCategoryOrder,
  checkDeletable,
  DELETE_CATEGORY,
  DELETE_CATEGORY_CHANNELS,
  defaultCategories,
  FAVORITE_CHANNELS,
  INSERT_CATEGORY,
  INSERT_CHANNEL,
  OWNER_CATEGORIES,
  placeNewCategory,
  REMOVE_OWNER_CHANNEL,
  SET_FAVORITE,
  SET_SORT_ORDER,
  SORT_DISTANCE,
  STORED_CHANNELS,
  UNSET_FAVORITE,
  UPDATE_CATEGORY,
  unsortedChannels,
  updatedCategory,
} from "../sidebar-rows.js";
import type { SidebarOwner, SidebarStore, SidebarUpdate } from "../sidebar-store.js";
import type { PostgresDatabase, PostgresQueries } from "./postgres-database.js";

export function postgresSidebarStore(db: PostgresDatabase): SidebarStore {
  return {
    async getSidebarCategories(owner: SidebarOwner): Promise<SidebarCategory[]> {
      return db.write(async (tx) => {
        if ((await ownerCategories(tx, owner)).length === 0) await createDefaults(tx, owner);
        const categories = await ownerCategories(tx, owner);
        const filled: SidebarCategory[] = [];
        for (const category of categories) filled.push(await withChannels(tx, category));
        return filled;
      });
    },

    async getSidebarCategory(categoryId: string): Promise<SidebarCategory> {
      return withChannels(db, await categoryById(db, categoryId));
    },

    async createSidebarCategory(
      owner: SidebarOwner,
      category: SidebarCategory,
    ): Promise<SidebarCategory> {
      return db.write(async (tx) => {
        const existing = await ownerCategories(tx, owner);
        if (existing.length === 0) throw categoryNotFound(`(none for ${owner.userId})`);
        const id = newId();
        const { order, sortOrder } = placeNewCategory(existing, id);
        const created = create(SidebarCategorySchema, {
          id,
          userId: owner.userId,
          teamId: owner.teamId,
          type: "custom",
          displayName: category.displayName,
          sorting: category.sorting,
          muted: category.muted,
          sortOrder: SORT_DISTANCE * BigInt(order.length),
          channelIds: [...category.channelIds],
        });
        await tx.run(INSERT_CATEGORY, categoryParams(created));
        await moveChannels(tx, owner, id, created.channelIds);
        await setOrder(tx, order);
        return create(SidebarCategorySchema, { ...created, sortOrder });
      });
    },

    async updateSidebarCategories(
      owner: SidebarOwner,
      categories: readonly SidebarCategory[],
    ): Promise<SidebarUpdate> {
      return db.write(async (tx) => {
        const original: SidebarCategory[] = [];
        for (const category of categories) {
          const found = await withChannels(tx, await categoryById(tx, category.id));
          if (found.userId !== owner.userId || found.teamId !== owner.teamId) {
            throw categoryNotFound(category.id);
          }
          original.push(found);
        }
        const updated = categories.map((category, i) =>
          updatedCategory(original[i] as SidebarCategory, category),
        );
        // Categories in id order first, then their channels, as Mattermost orders the writes
        // so that concurrent updates can't deadlock.
        const byId = [...updated].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        for (const category of byId) await tx.run(UPDATE_CATEGORY, categoryParams(category));
        for (const category of byId) await tx.run(DELETE_CATEGORY_CHANNELS, category.id);
        for (const category of updated) {
          for (const [i, channelId] of category.channelIds.entries()) {
            await tx.run(
              INSERT_CHANNEL,
              channelId,
              owner.userId,
              category.id,
              SORT_DISTANCE * BigInt(i),
            );
          }
        }
        for (const [i, category] of updated.entries()) {
          if (category.type === "favorites") {
            for (const channelId of original[i]?.channelIds ?? []) {
              await tx.run(UNSET_FAVORITE, owner.userId, channelId);
            }
            for (const channelId of category.channelIds) {
              await tx.run(SET_FAVORITE, owner.userId, channelId);
            }
          } else {
            for (const channelId of category.channelIds) {
              await tx.run(UNSET_FAVORITE, owner.userId, channelId);
            }
          }
        }
        const saved: SidebarCategory[] = [];
        for (const category of updated) saved.push(await withChannels(tx, category));
        return { updated: saved, original };
      });
    },

    async getSidebarCategoryOrder(owner: SidebarOwner): Promise<string[]> {
      return (await ownerCategories(db, owner)).map((category) => category.id);
    },

    async updateSidebarCategoryOrder(owner: SidebarOwner, order: readonly string[]): Promise<void> {
      await db.write(async (tx) => {
        const existing = (await ownerCategories(tx, owner)).map((category) => category.id);
        checkCategoryOrder(existing, order);
        await setOrder(tx, order);
      });
    },

    async deleteSidebarCategory(categoryId: string): Promise<void> {
      await db.write(async (tx) => {
        checkDeletable(await categoryById(tx, categoryId));
        await tx.run(DELETE_CATEGORY, categoryId);
        await tx.run(DELETE_CATEGORY_CHANNELS, categoryId);
      });
    },
  };
}

async function ownerCategories(
  db: PostgresQueries,
  owner: SidebarOwner,
): Promise<SidebarCategory[]> {
  return (await db.all(OWNER_CATEGORIES, { ...owner })).map((row) => categoryFromRow(row));
}

async function categoryById(db: PostgresQueries, categoryId: string): Promise<SidebarCategory> {
  const row = await db.one(CATEGORY_BY_ID, categoryId);
  if (row === undefined) throw categoryNotFound(categoryId);
  return categoryFromRow(row);
}

/** The category with its channels: the unsorted ones it shows first, then those stored in it. */
async function withChannels(
  db: PostgresQueries,
  category: SidebarCategory,
): Promise<SidebarCategory> {
  const owner = { userId: category.userId, teamId: category.teamId };
  const unsorted = unsortedChannels(category.type);
  const first = unsorted ? (await db.all(unsorted, owner)).map((row) => row.id as string) : [];
  const stored = (await db.all(STORED_CHANNELS, category.id)).map(
    (row) => row.channel_id as string,
  );
  return create(SidebarCategorySchema, { ...category, channelIds: [...first, ...stored] });
}

/** Favorites (with the favorite_channel preferences' channels), channels and direct messages. */
async function createDefaults(db: PostgresQueries, owner: SidebarOwner): Promise<void> {
  const [favorites] = defaultCategories(owner);
  const favorite = (await db.all(FAVORITE_CHANNELS, { ...owner })).map((row) => row.name as string);
  for (const [i, channelId] of favorite.entries()) {
    await db.run(INSERT_CHANNEL, channelId, owner.userId, favorites?.id, SORT_DISTANCE * BigInt(i));
  }
  for (const category of defaultCategories(owner)) {
    await db.run(INSERT_CATEGORY, categoryParams(category));
  }
}

/** Puts the channels in the category, in order, taking them out of the owner's others. */
async function moveChannels(
  db: PostgresQueries,
  owner: SidebarOwner,
  categoryId: string,
  channelIds: readonly string[],
): Promise<void> {
  for (const channelId of channelIds) await db.run(REMOVE_OWNER_CHANNEL, { ...owner, channelId });
  for (const [i, channelId] of channelIds.entries()) {
    await db.run(INSERT_CHANNEL, channelId, owner.userId, categoryId, SORT_DISTANCE * BigInt(i));
  }
}

async function setOrder(db: PostgresQueries, order: readonly string[]): Promise<void> {
  for (const [i, id] of order.entries())
    await db.run(SET_SORT_ORDER, SORT_DISTANCE * BigInt(i), id);
}
