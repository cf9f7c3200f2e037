// What every SQL store does the same about sidebars (sidebar-store.ts): the statements (both
// dialects take them: "?" and "@name" placeholders, no dialect SQL), a category's row, the
// default categories and where a new one goes, and which fields an update may change.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { type SidebarCategory, SidebarCategorySchema } from "@plugwire/protocol";
import type { Row } from "./row-codec.js";
import type { SidebarOwner } from "./sidebar-store.js";

/** Mattermost's MinimalSidebarSortDistance: categories and channels are 10 apart. */
export const SORT_DISTANCE = 10n;

const COLUMNS = `"id", "user_id", "team_id", "sort_order", "sorting", "type", "display_name", "muted", "collapsed"`;

export const OWNER_CATEGORIES = `SELECT ${COLUMNS} FROM sidebar_categories
  WHERE "user_id" = @userId AND "team_id" = @teamId ORDER BY "sort_order", "id"`;
export const CATEGORY_BY_ID = `SELECT ${COLUMNS} FROM sidebar_categories WHERE "id" = ?`;
export const INSERT_CATEGORY = `INSERT INTO sidebar_categories (${COLUMNS})
  VALUES (@id, @userId, @teamId, @sortOrder, @sorting, @type, @displayName, @muted, @collapsed)`;
export const UPDATE_CATEGORY = `UPDATE sidebar_categories SET "display_name" = @displayName,
  "sorting" = @sorting, "muted" = @muted, "collapsed" = @collapsed WHERE "id" = @id`;
export const SET_SORT_ORDER = `UPDATE sidebar_categories SET "sort_order" = ? WHERE "id" = ?`;
export const DELETE_CATEGORY = `DELETE FROM sidebar_categories WHERE "id" = ?`;

/** The channels stored in a category that the user still belongs to and are not archived. */
export const STORED_CHANNELS = `SELECT sc."channel_id" FROM sidebar_channels sc
  JOIN channel_members m ON m."channel_id" = sc."channel_id" AND m."user_id" = sc."user_id"
  JOIN channels c ON c."id" = sc."channel_id"
  WHERE sc."category_id" = ? AND c."delete_at" = 0 ORDER BY sc."sort_order", sc."channel_id"`;
export const INSERT_CHANNEL = `INSERT INTO sidebar_channels ("channel_id", "user_id", "category_id", "sort_order")
  VALUES (?, ?, ?, ?) ON CONFLICT ("channel_id", "user_id", "category_id")
  DO UPDATE SET "sort_order" = excluded."sort_order"`;
export const DELETE_CATEGORY_CHANNELS = `DELETE FROM sidebar_channels WHERE "category_id" = ?`;
/** Takes a channel out of every category of the owner's. */
export const REMOVE_OWNER_CHANNEL = `DELETE FROM sidebar_channels WHERE "user_id" = @userId
  AND "channel_id" = @channelId AND "category_id" IN
    (SELECT "id" FROM sidebar_categories WHERE "user_id" = @userId AND "team_id" = @teamId)`;

/**
 * The user's channels no category of theirs in the team holds, by display name: the public and
 * private ones of the team for the channels category, the direct and group ones for
 * direct_messages (Mattermost's completePopulatingCategoryChannels).
 */
export function unsortedChannels(type: string): string | undefined {
  const filter =
    type === "channels"
      ? `c."type" IN ('O', 'P') AND c."team_id" = @teamId`
      : type === "direct_messages"
        ? `c."type" IN ('D', 'G')`
        : undefined;
  if (filter === undefined) return undefined;
  return `SELECT c."id" FROM channel_members m JOIN channels c ON c."id" = m."channel_id"
    WHERE m."user_id" = @userId AND c."delete_at" = 0 AND ${filter}
      AND NOT EXISTS (SELECT 1 FROM sidebar_channels sc
        JOIN sidebar_categories k ON k."id" = sc."category_id"
        WHERE sc."channel_id" = c."id" AND k."user_id" = @userId AND k."team_id" = @teamId)
    ORDER BY c."display_name", c."id"`;
}

/** The user's favorite channels (favorite_channel preferences) of the team, for a new favorites. */
export const FAVORITE_CHANNELS = `SELECT p."name" FROM preferences p
  JOIN channels c ON c."id" = p."name"
  JOIN channel_members m ON m."channel_id" = p."name" AND m."user_id" = p."user_id"
  WHERE p."user_id" = @userId AND p."category" = 'favorite_channel' AND p."value" = 'true'
    AND (c."team_id" = @teamId OR c."team_id" = '')
  ORDER BY c."display_name", c."name"`;
export const SET_FAVORITE = `INSERT INTO preferences ("user_id", "category", "name", "value")
  VALUES (?, 'favorite_channel', ?, 'true') ON CONFLICT ("user_id", "category", "name")
  DO UPDATE SET "value" = excluded."value"`;
export const UNSET_FAVORITE = `DELETE FROM preferences
  WHERE "user_id" = ? AND "category" = 'favorite_channel' AND "name" = ?`;

export function categoryFromRow(row: Row, channelIds: string[] = []): SidebarCategory {
  return create(SidebarCategorySchema, {
    id: row.id as string,
    userId: row.user_id as string,
    teamId: row.team_id as string,
    sortOrder: BigInt(row.sort_order as bigint),
    sorting: row.sorting as string,
    type: row.type as string,
    displayName: row.display_name as string,
    muted: Number(row.muted) !== 0,
    collapsed: Number(row.collapsed) !== 0,
    channelIds,
  });
}

/** The named parameters of INSERT_CATEGORY and UPDATE_CATEGORY. */
export function categoryParams(category: SidebarCategory): Record<string, unknown> {
  return {
    id: category.id,
    userId: category.userId,
    teamId: category.teamId,
    sortOrder: category.sortOrder,
    sorting: category.sorting,
    type: category.type,
    displayName: category.displayName,
    muted: category.muted ? 1 : 0,
    collapsed: category.collapsed ? 1 : 0,
  };
}

/** The three categories Mattermost makes for a user in a team, with their fixed ids. */
export function defaultCategories({ userId, teamId }: SidebarOwner): SidebarCategory[] {
  const category = (type: string, displayName: string, sortOrder: bigint, sorting: string) =>
    create(SidebarCategorySchema, {
      id: `${type}_${userId}_${teamId}`,
      userId,
      teamId,
      type,
      displayName,
      sortOrder,
      sorting,
    });
  return [
    category("favorites", "Favorites", 0n, ""),
    category("channels", "Channels", 10n, ""),
    category("direct_messages", "Direct Messages", 20n, "recent"),
  ];
}

/**
 * Where a new category goes, as Mattermost places it: after favorites when favorites is first,
 * otherwise first. Answers the new order of ids and the new category's sort order.
 */
export function placeNewCategory(
  existing: readonly SidebarCategory[],
  newId: string,
): { order: string[]; sortOrder: bigint } {
  const ids = existing.map((category) => category.id);
  if (existing[0]?.type === "favorites") {
    return { order: [ids[0] as string, newId, ...ids.slice(1)], sortOrder: SORT_DISTANCE };
  }
  return { order: [newId, ...ids], sortOrder: 0n };
}

/**
 * A category as an update saves it: the owner, sort order and type stay; a default
 * category keeps its name; direct_messages keeps its muting and stores no channels.
 */
export function updatedCategory(
  original: SidebarCategory,
  requested: SidebarCategory,
): SidebarCategory {
  const custom = original.type === "custom";
  const direct = original.type === "direct_messages";
  return create(SidebarCategorySchema, {
    id: original.id,
    userId: original.userId,
    teamId: original.teamId,
    sortOrder: original.sortOrder,
    type: original.type,
    displayName: custom ? requested.displayName : original.displayName,
    sorting: requested.sorting,
    muted: direct ? original.muted : requested.muted,
    collapsed: requested.collapsed,
    channelIds: direct ? [] : [...requested.channelIds],
  });
}

export function categoryNotFound(categoryId: string): NotFoundError {
  return new NotFoundError({
    id: "app.channel.sidebar_categories.app_error",
    message: `No sidebar category has id "${categoryId}" for this user and team.`,
    params: { category_id: categoryId },
  });
}

/** Refuses an order that does not name each of the owner's categories exactly once. */
export function checkCategoryOrder(existing: readonly string[], order: readonly string[]): void {
  const given = new Set(order);
  if (
    order.length !== existing.length ||
    given.size !== order.length ||
    existing.some((id) => !given.has(id))
  ) {
    throw new ValidationError({
      id: "app.channel.sidebar_categories.app_error",
      message: `The order must name each of the ${existing.length} categories once; it names ${order.length}.`,
      params: { field: "order" },
    });
  }
}

/** Refuses deleting a default category. */
export function checkDeletable(category: SidebarCategory): void {
  if (category.type !== "custom") {
    throw new ValidationError({
      id: "app.channel.sidebar_categories.app_error",
      message: `Category ${category.id} is the default ${category.type} category; only custom categories can be deleted.`,
      params: { field: "category_id" },
    });
  }
}
