// The SQL of bots, personal access tokens and erased users, written once for every SQL store
// (SQLite and PostgreSQL take the same statements: "?" and "@name" placeholders, no dialect).
import { create } from "@bufbuild/protobuf";
import {
  type Bot,
  BotSchema,
  type UserAccessToken,
  UserAccessTokenSchema,
} from "@plugwire/protocol";
import type { BotQuery } from "./bot-store.js";
import type { Row } from "./row-codec.js";
import type { Session } from "./session-store.js";

/** A bot is its bots row (the owner) and its user (everything else). */
export const BOT_SELECT = `SELECT b."user_id", b."owner_id", u."username", u."first_name",
  u."bot_description", u."create_at", u."update_at", u."delete_at", u."last_picture_update"
  FROM bots b JOIN users u ON u."id" = b."user_id"`;

export function botFromRow(row: Row): Bot {
  return create(BotSchema, {
    userId: row.user_id as string,
    ownerId: row.owner_id as string,
    username: row.username as string,
    displayName: row.first_name as string,
    description: row.bot_description as string,
    createAt: BigInt(row.create_at as bigint),
    updateAt: BigInt(row.update_at as bigint),
    deleteAt: BigInt(row.delete_at as bigint),
    lastIconUpdate: BigInt(row.last_picture_update as bigint),
  });
}

/** The statement and named parameters of a page of bots; @limit and @offset are the caller's. */
export function botsQuery(query: BotQuery): { sql: string; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (query.ownerId) {
    where.push(`b."owner_id" = @ownerId`);
    params.ownerId = query.ownerId;
  }
  if (!query.includeDeleted) where.push(`u."delete_at" = 0`);
  // Mattermost's orphans: bots whose owning user is deactivated (a plugin owner never is).
  const orphans = query.onlyOrphaned ? ` JOIN users o ON o."id" = b."owner_id"` : "";
  if (query.onlyOrphaned) where.push(`o."delete_at" <> 0`);
  const filter = where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "";
  return {
    sql: `${BOT_SELECT}${orphans}${filter} ORDER BY u."username", b."user_id" LIMIT @limit OFFSET @offset`,
    params,
  };
}

export const TOKEN_COLUMNS = `"id", "user_id", "description", "is_active"`;

export function tokenFromRow(row: Row): UserAccessToken {
  return create(UserAccessTokenSchema, {
    id: row.id as string,
    userId: row.user_id as string,
    description: row.description as string,
    isActive: Number(row.is_active) !== 0,
  });
}

export const SESSION_COLUMNS = `"id", "token_hash", "user_id", "create_at", "expires_at",
  "last_activity_at", "device_id", "props"`;

export function sessionFromRow(row: Row): Session {
  return {
    id: row.id as string,
    tokenHash: row.token_hash as string,
    userId: row.user_id as string,
    createAt: Number(row.create_at),
    expiresAt: Number(row.expires_at),
    lastActivityAt: Number(row.last_activity_at),
    deviceId: row.device_id as string,
    props: JSON.parse(row.props as string) as Record<string, string>,
  };
}

/** Whether a session has ended by `now` (an expiry of 0 never does). */
export function sessionExpired(session: Session, now: number | bigint): boolean {
  return session.expiresAt !== 0 && session.expiresAt <= Number(now);
}

/** The files of a user about to be erased: those they uploaded, and those of their posts. */
export const ERASED_USER_FILES = `SELECT "id" FROM file_infos
  WHERE "creator_id" = @userId OR "post_id" IN (SELECT "id" FROM posts WHERE "user_id" = @userId)`;

/**
 * Erasing a user, in order; each statement takes @userId. A table keyed by user added by a
 * later migration belongs here too.
 */
export const ERASE_USER = [
  `DELETE FROM file_infos WHERE "creator_id" = @userId
     OR "post_id" IN (SELECT "id" FROM posts WHERE "user_id" = @userId)`,
  // Reactions to the user's posts go with the posts; the user's reactions to others' posts
  // go too, and a post left with none loses has_reactions.
  `DELETE FROM reactions WHERE "post_id" IN (SELECT "id" FROM posts WHERE "user_id" = @userId)`,
  `UPDATE posts SET "has_reactions" = 0
     WHERE "id" IN (SELECT "post_id" FROM reactions WHERE "user_id" = @userId)
       AND NOT EXISTS (SELECT 1 FROM reactions r WHERE r."post_id" = posts."id" AND r."user_id" <> @userId)`,
  `DELETE FROM reactions WHERE "user_id" = @userId`,
  `DELETE FROM posts WHERE "user_id" = @userId`,
  `DELETE FROM sessions WHERE "user_id" = @userId`,
  `DELETE FROM user_access_tokens WHERE "user_id" = @userId`,
  `DELETE FROM team_members WHERE "user_id" = @userId`,
  `DELETE FROM channel_members WHERE "user_id" = @userId`,
  `DELETE FROM group_members WHERE "user_id" = @userId`,
  `DELETE FROM upload_sessions WHERE "user_id" = @userId`,
  `DELETE FROM preferences WHERE "user_id" = @userId`,
  `DELETE FROM sidebar_channels WHERE "user_id" = @userId`,
  `DELETE FROM sidebar_categories WHERE "user_id" = @userId`,
  `DELETE FROM statuses WHERE "user_id" = @userId`,
  `DELETE FROM login_attempts WHERE "user_id" = @userId`,
  `DELETE FROM profile_images WHERE "user_id" = @userId`,
  `DELETE FROM bots WHERE "user_id" = @userId`,
  `DELETE FROM users WHERE "id" = @userId`,
];
