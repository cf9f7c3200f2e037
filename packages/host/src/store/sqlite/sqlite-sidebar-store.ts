// SidebarStore on SQLite: the sidebar_categories and sidebar_channels tables, with the
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
import type { SqliteDatabase } from "./sqlite-database.js";

export function sqliteSidebarStore(db: SqliteDatabase): SidebarStore {
  return {
    async getSidebarCategories(owner: SidebarOwner): Promise<SidebarCategory[]> {
      return db.write(() => {
        if (ownerCategories(db, owner).length === 0) createDefaults(db, owner);
        return ownerCategories(db, owner).map((category) => withChannels(db, category));
      });
    },

    async getSidebarCategory(categoryId: string): Promise<SidebarCategory> {
      return withChannels(db, categoryById(db, categoryId));
    },

    async createSidebarCategory(
      owner: SidebarOwner,
      category: SidebarCategory,
    ): Promise<SidebarCategory> {
      return db.write(() => {
        const existing = ownerCategories(db, owner);
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
        db.run(INSERT_CATEGORY, categoryParams(created));
        moveChannels(db, owner, id, created.channelIds);
        setOrder(db, order);
        return create(SidebarCategorySchema, { ...created, sortOrder });
      });
    },

    async updateSidebarCategories(
      owner: SidebarOwner,
      categories: readonly SidebarCategory[],
    ): Promise<SidebarUpdate> {
      return db.write(() => {
        const original = categories.map((category) => {
          const found = withChannels(db, categoryById(db, category.id));
          if (found.userId !== owner.userId || found.teamId !== owner.teamId) {
            throw categoryNotFound(category.id);
          }
          return found;
        });
        const updated = categories.map((category, i) =>
          updatedCategory(original[i] as SidebarCategory, category),
        );
        for (const category of updated) {
          db.run(UPDATE_CATEGORY, categoryParams(category));
          db.run(DELETE_CATEGORY_CHANNELS, category.id);
        }
        for (const category of updated) {
          category.channelIds.forEach((channelId, i) => {
            db.run(INSERT_CHANNEL, channelId, owner.userId, category.id, SORT_DISTANCE * BigInt(i));
          });
        }
        updated.forEach((category, i) => {
          if (category.type === "favorites") {
            for (const channelId of original[i]?.channelIds ?? []) {
              db.run(UNSET_FAVORITE, owner.userId, channelId);
            }
            for (const channelId of category.channelIds) {
              db.run(SET_FAVORITE, owner.userId, channelId);
            }
          } else {
            for (const channelId of category.channelIds) {
              db.run(UNSET_FAVORITE, owner.userId, channelId);
            }
          }
        });
        return { updated: updated.map((category) => withChannels(db, category)), original };
      });
    },

    async getSidebarCategoryOrder(owner: SidebarOwner): Promise<string[]> {
      return ownerCategories(db, owner).map((category) => category.id);
    },

    async updateSidebarCategoryOrder(owner: SidebarOwner, order: readonly string[]): Promise<void> {
      db.write(() => {
        const existing = ownerCategories(db, owner).map((category) => category.id);
        checkCategoryOrder(existing, order);
        setOrder(db, order);
      });
    },

    async deleteSidebarCategory(categoryId: string): Promise<void> {
      db.write(() => {
        checkDeletable(categoryById(db, categoryId));
        db.run(DELETE_CATEGORY, categoryId);
        db.run(DELETE_CATEGORY_CHANNELS, categoryId);
      });
    },
  };
}

function ownerCategories(db: SqliteDatabase, owner: SidebarOwner): SidebarCategory[] {
  return db.all(OWNER_CATEGORIES, { ...owner }).map((row) => categoryFromRow(row));
}

function categoryById(db: SqliteDatabase, categoryId: string): SidebarCategory {
  const row = db.one(CATEGORY_BY_ID, categoryId);
  if (row === undefined) throw categoryNotFound(categoryId);
  return categoryFromRow(row);
}

/** The category with its channels: the unsorted ones it shows first, then those stored in it. */
function withChannels(db: SqliteDatabase, category: SidebarCategory): SidebarCategory {
  const owner = { userId: category.userId, teamId: category.teamId };
  const unsorted = unsortedChannels(category.type);
  const first = unsorted ? db.all(unsorted, owner).map((row) => row.id as string) : [];
  const stored = db.all(STORED_CHANNELS, category.id).map((row) => row.channel_id as string);
  return create(SidebarCategorySchema, { ...category, channelIds: [...first, ...stored] });
}

/** Favorites (with the favorite_channel preferences' channels), channels and direct messages. */
function createDefaults(db: SqliteDatabase, owner: SidebarOwner): void {
  const [favorites] = defaultCategories(owner);
  const favorite = db.all(FAVORITE_CHANNELS, { ...owner }).map((row) => row.name as string);
  favorite.forEach((channelId, i) => {
    db.run(INSERT_CHANNEL, channelId, owner.userId, favorites?.id, SORT_DISTANCE * BigInt(i));
  });
  for (const category of defaultCategories(owner)) {
    db.run(INSERT_CATEGORY, categoryParams(category));
  }
}

/** Puts the channels in the category, in order, taking them out of the owner's others. */
function moveChannels(
  db: SqliteDatabase,
  owner: SidebarOwner,
  categoryId: string,
  channelIds: readonly string[],
): void {
  for (const channelId of channelIds) db.run(REMOVE_OWNER_CHANNEL, { ...owner, channelId });
  channelIds.forEach((channelId, i) => {
    db.run(INSERT_CHANNEL, channelId, owner.userId, categoryId, SORT_DISTANCE * BigInt(i));
  });
}

function setOrder(db: SqliteDatabase, order: readonly string[]): void {
  order.forEach((id, i) => {
    db.run(SET_SORT_ORDER, SORT_DISTANCE * BigInt(i), id);
  });
}
