// What both stores share about groups: how a row of user_groups (with its computed columns)
// becomes a Group, the codecs of members and links, the filters of getGroups as SQL, and the
// errors. The SQL here is the same on SQLite and PostgreSQL; the stores add what differs (LIKE
// on a case-folded copy, placeholders).

import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, type NotFoundError } from "@plugwire/errors";
import {
  type Group,
  GroupMemberSchema,
  GroupSchema,
  GroupSyncableSchema,
  UserSchema,
} from "@plugwire/protocol";
import type { GroupQuery, MembersToAddQuery, MemberToAdd } from "./group-store.js";
import { type Row, rowCodec } from "./row-codec.js";
import { notFound } from "./store-errors.js";

/** The kinds of thing a group links to, as GroupSyncable.type. */
export const GROUP_SYNCABLE_TYPES = { team: "team", channel: "channel" } as const;

export const groupMembers = rowCodec(GroupMemberSchema);
export const groupSyncables = rowCodec(GroupSyncableSchema);
/** Users, as the members of a group are read. */
export const memberUsers = rowCodec(UserSchema);

/** The stored columns of user_groups, as the Group fields they hold. */
const STORED = [
  "id",
  "name",
  "display_name",
  "description",
  "source",
  "remote_id",
  "create_at",
  "update_at",
  "delete_at",
  "allow_reference",
] as const;

/** The SELECT list of a group `g`: its columns, has_syncables, and member_count when asked. */
export function groupColumns(withMemberCount: boolean): string {
  const columns = STORED.map((column) => `g."${column}"`);
  columns.push(`CASE WHEN EXISTS (SELECT 1 FROM group_syncables s
    WHERE s."group_id" = g."id" AND s."delete_at" = 0) THEN 1 ELSE 0 END AS "has_syncables"`);
  if (withMemberCount) columns.push(`${MEMBER_COUNT} AS "member_count"`);
  return columns.join(", ");
}

/** The active members of group `g` whose account is active. */
export const MEMBER_COUNT = `(SELECT COUNT(*) FROM group_members m JOIN users u ON u."id" = m."user_id"
  WHERE m."group_id" = g."id" AND m."delete_at" = 0 AND u."delete_at" = 0)`;

export function groupFromRow(row: Row): Group {
  return create(GroupSchema, {
    id: row.id as string,
    name: row.name as string,
    displayName: row.display_name as string,
    description: row.description as string,
    source: row.source as string,
    remoteId: row.remote_id as string,
    createAt: BigInt(row.create_at as bigint),
    updateAt: BigInt(row.update_at as bigint),
    deleteAt: BigInt(row.delete_at as bigint),
    allowReference: Number(row.allow_reference) !== 0,
    hasSyncables: Number(row.has_syncables) !== 0,
    memberCount: row.member_count === undefined ? undefined : BigInt(row.member_count as bigint),
  });
}

/** The named parameters of a group's stored columns, for INSERT and UPDATE. */
export function groupParams(group: Group): Record<string, string | bigint | number> {
  return {
    id: group.id,
    name: group.name,
    display_name: group.displayName,
    description: group.description,
    source: group.source,
    remote_id: group.remoteId,
    create_at: group.createAt,
    update_at: group.updateAt,
    delete_at: group.deleteAt,
    allow_reference: group.allowReference ? 1 : 0,
  };
}

export const INSERT_GROUP = `INSERT INTO user_groups (${STORED.map((c) => `"${c}"`).join(", ")})
  VALUES (${STORED.map((c) => `@${c}`).join(", ")})`;

/**
 * The WHERE conditions of a GroupQuery over group `g`, with their named parameters. `match`
 * turns a column into a case-insensitive LIKE against @prefix and @wordPrefix, as each
 * database does it.
 */
export function groupFilters(
  query: GroupQuery,
  match: (column: string, parameter: string) => string,
): { conditions: string[]; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  const deleted = query.deleted ?? "active";
  if (deleted === "active") conditions.push(`g."delete_at" = 0`);
  if (deleted === "deleted") conditions.push(`g."delete_at" <> 0`);
  if (query.term) {
    const escaped = query.term.toLowerCase().replace(/[\\%_]/g, "\\$&");
    params.prefix = `${escaped}%`;
    params.wordPrefix = `% ${escaped}%`;
    conditions.push(
      `(${match(`g."name"`, "prefix")} OR ${match(`g."display_name"`, "prefix")} OR ${match(`g."display_name"`, "wordPrefix")})`,
    );
  }
  if (query.source) {
    conditions.push(`g."source" = @source`);
    params.source = query.source;
  }
  if (query.hasMember) {
    conditions.push(`EXISTS (SELECT 1 FROM group_members m
      WHERE m."group_id" = g."id" AND m."user_id" = @hasMember AND m."delete_at" = 0)`);
    params.hasMember = query.hasMember;
  }
  if (query.notInTeamId) {
    conditions.push(`NOT EXISTS (SELECT 1 FROM group_syncables s WHERE s."group_id" = g."id"
      AND s."syncable_id" = @notInTeamId AND s."type" = 'team' AND s."delete_at" = 0)`);
    params.notInTeamId = query.notInTeamId;
  }
  if (query.notInChannelId) {
    conditions.push(`NOT EXISTS (SELECT 1 FROM group_syncables s WHERE s."group_id" = g."id"
      AND s."syncable_id" = @notInChannelId AND s."type" = 'channel' AND s."delete_at" = 0)`);
    params.notInChannelId = query.notInChannelId;
  }
  if (query.allowReferenceOnly) conditions.push(`g."allow_reference" = 1`);
  if (query.since !== undefined && query.since > 0n) {
    conditions.push(`g."update_at" >= @since`);
    params.since = query.since;
  }
  return { conditions, params };
}

export function groupNotFound(groupId: string): NotFoundError {
  return notFound("group", `No group has id "${groupId}".`, { group_id: groupId });
}

export function groupNameNotFound(name: string): NotFoundError {
  return notFound("group", `No group is named "${name}".`, { name });
}

export function groupRemoteIdNotFound(remoteId: string, source: string): NotFoundError {
  return notFound("group", `No ${source} group has remote id "${remoteId}".`, {
    remote_id: remoteId,
    source,
  });
}

export function groupMemberNotFound(groupId: string, userId: string): NotFoundError {
  return notFound("group_member", `User ${userId} is not a member of group ${groupId}.`, {
    group_id: groupId,
    user_id: userId,
  });
}

export function groupSyncableNotFound(
  groupId: string,
  syncableId: string,
  type: string,
): NotFoundError {
  return notFound("group_syncable", `Group ${groupId} is not linked to ${type} ${syncableId}.`, {
    group_id: groupId,
    syncable_id: syncableId,
    type,
  });
}

/** Mattermost's app.custom_group.unique_name: another group has the name. */
export function groupNameTaken(name: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: "app.custom_group.unique_name",
    message: `A group named "${name}" exists already; choose another name.`,
    params: { field: "name", name },
  });
}

/** Mattermost's app.group.username_conflict: a user has the name, and mentions would clash. */
export function groupNameIsUsername(name: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: "app.group.username_conflict",
    message: `"${name}" is a username; a group can't have it as its name, or @${name} would mention both.`,
    params: { field: "name", name },
  });
}

export function groupRemoteIdTaken(remoteId: string, source: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: "store.group.remote_id_exists",
    message: `A ${source} group with remote id "${remoteId}" exists already.`,
    params: { field: "remote_id", remote_id: remoteId, source },
  });
}

/**
 * The SQL of GroupStore.membersToAdd (the same on SQLite and PostgreSQL): `@since`, and
 * `@userId` / `@syncableId` when the query has them.
 */
export function membersToAddSql(
  type: string,
  query: MembersToAddQuery,
): { sql: string; params: Record<string, unknown> } {
  const team = type === GROUP_SYNCABLE_TYPES.team;
  const target = team
    ? `JOIN teams t ON t."id" = gs."syncable_id"
       LEFT JOIN team_members tm ON tm."team_id" = t."id" AND tm."user_id" = gm."user_id"`
    : `JOIN channels c ON c."id" = gs."syncable_id"
       LEFT JOIN channel_members cm ON cm."channel_id" = c."id" AND cm."user_id" = gm."user_id"
       LEFT JOIN team_members tm ON tm."team_id" = c."team_id" AND tm."user_id" = gm."user_id"`;
  const conditions = [
    `gs."type" = @type`,
    `gs."delete_at" = 0`,
    `gs."auto_add" = 1`,
    `g."delete_at" = 0`,
    `gm."delete_at" = 0`,
    `u."delete_at" = 0`,
    `u."is_bot" = 0`,
    team ? `t."delete_at" = 0` : `c."delete_at" = 0`,
  ];
  if (team) {
    conditions.push(
      query.reAddRemovedMembers
        ? `(tm."user_id" IS NULL OR tm."delete_at" <> 0)`
        : `tm."user_id" IS NULL`,
    );
  } else {
    conditions.push(`cm."user_id" IS NULL`, `(tm."user_id" IS NULL OR tm."delete_at" = 0)`);
  }
  if (!query.reAddRemovedMembers) {
    conditions.push(`(gm."create_at" >= @since OR gs."update_at" >= @since)`);
  }
  const params: Record<string, unknown> = { type, since: query.since };
  if (query.userId !== undefined) {
    conditions.push(`gm."user_id" = @userId`);
    params.userId = query.userId;
  }
  if (query.syncableId !== undefined) {
    conditions.push(`gs."syncable_id" = @syncableId`);
    params.syncableId = query.syncableId;
  }
  const sql = `SELECT DISTINCT gm."user_id" AS "user_id", gs."syncable_id" AS "syncable_id",
      ${team ? `t."id"` : `c."team_id"`} AS "team_id"
    FROM group_members gm
    JOIN group_syncables gs ON gs."group_id" = gm."group_id"
    JOIN user_groups g ON g."id" = gm."group_id"
    JOIN users u ON u."id" = gm."user_id"
    ${target}
    WHERE ${conditions.join(" AND ")}
    ORDER BY gs."syncable_id", gm."user_id"`;
  return { sql, params };
}

export function memberToAddFromRow(row: Row): MemberToAdd {
  return {
    userId: row.user_id as string,
    syncableId: row.syncable_id as string,
    teamId: row.team_id as string,
  };
}
