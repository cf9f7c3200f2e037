// GroupStore on PostgreSQL: the user_groups, group_members and group_syncables tables.
import { create } from "@bufbuild/protobuf";
import { type Group, GroupSchema, type GroupSyncable, type User } from "@plugwire/protocol";
import {
  GROUP_SYNCABLE_TYPES,
  groupColumns,
  groupFilters,
  groupFromRow,
  groupMemberNotFound,
  groupMembers,
  groupNameIsUsername,
  groupNameNotFound,
  groupNameTaken,
  groupNotFound,
  groupParams,
  groupRemoteIdNotFound,
  groupRemoteIdTaken,
  groupSyncableNotFound,
  groupSyncables,
  INSERT_GROUP,
  MEMBER_COUNT,
  membersToAddSql,
  memberToAddFromRow,
  memberUsers,
} from "../group-rows.js";
import type { GroupQuery, GroupStore, MembersToAddQuery, MemberToAdd } from "../group-store.js";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import { idTaken } from "../store-errors.js";
import { channelById } from "./postgres-channel-store.js";
import { limitOffset, type PostgresDatabase, type PostgresQueries } from "./postgres-database.js";
import { teamById } from "./postgres-team-store.js";
import { userById } from "./postgres-user-store.js";

const ORDER = `ORDER BY g."display_name", g."id"`;

export function postgresGroupStore(db: PostgresDatabase): GroupStore {
  // LOWER on a "C" copy folds ASCII only, as SQLite's LOWER does.
  const likeLower = (column: string, parameter: string) =>
    `LOWER(${column} COLLATE "C") LIKE @${parameter} ESCAPE '\\'`;

  return {
    async createGroup(group: Group): Promise<Group> {
      return db.write(async (tx) => {
        if (group.id && (await tx.one(`SELECT 1 FROM user_groups WHERE "id" = ?`, group.id))) {
          throw idTaken("group", group.id);
        }
        await assertUnique(tx, group);
        const stored = newRecord(GroupSchema, group, tx.now());
        stored.hasSyncables = false;
        stored.memberCount = undefined;
        stored.memberIds = [];
        await tx.run(INSERT_GROUP, groupParams(stored));
        return stored;
      });
    },

    async getGroup(groupId: string): Promise<Group> {
      return groupById(db, groupId);
    },

    async getGroupByName(name: string): Promise<Group> {
      const row = await db.one(
        `SELECT ${groupColumns(false)} FROM user_groups g WHERE g."name" = ?`,
        name,
      );
      if (row === undefined || !name) throw groupNameNotFound(name);
      return groupFromRow(row);
    },

    async getGroupByRemoteId(remoteId: string, source: string): Promise<Group> {
      const row = await db.one(
        `SELECT ${groupColumns(false)} FROM user_groups g WHERE g."remote_id" = ? AND g."source" = ?`,
        remoteId,
        source,
      );
      if (row === undefined || !remoteId) throw groupRemoteIdNotFound(remoteId, source);
      return groupFromRow(row);
    },

    async getGroups(query: GroupQuery): Promise<Group[]> {
      const { conditions, params } = groupFilters(query, likeLower);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
      const rows = await db.all(
        `SELECT ${groupColumns(query.includeMemberCount ?? false)} FROM user_groups g ${where}
         ${ORDER} LIMIT @limit OFFSET @offset`,
        { ...params, ...limitOffset(query) },
      );
      return rows.map(groupFromRow);
    },

    async getGroupsForUser(userId: string): Promise<Group[]> {
      const rows = await db.all(
        `SELECT ${groupColumns(false)} FROM user_groups g
         JOIN group_members m ON m."group_id" = g."id" AND m."user_id" = ? AND m."delete_at" = 0
         WHERE g."delete_at" = 0 ${ORDER}`,
        userId,
      );
      return rows.map(groupFromRow);
    },

    async updateGroup(group: Group): Promise<Group> {
      return db.write(async (tx) => {
        const old = await groupById(tx, group.id);
        await assertUnique(tx, { ...group, source: old.source, remoteId: old.remoteId });
        const updated = create(GroupSchema, {
          ...old,
          name: group.name,
          displayName: group.displayName,
          description: group.description,
          allowReference: group.allowReference,
          updateAt: tx.now(),
        });
        await tx.run(
          `UPDATE user_groups SET "name" = @name, "display_name" = @display_name,
           "description" = @description, "allow_reference" = @allow_reference,
           "update_at" = @update_at WHERE "id" = @id`,
          groupParams(updated),
        );
        return updated;
      });
    },

    async setGroupDeleted(groupId: string, deleted: boolean): Promise<Group> {
      return db.write(async (tx) => {
        const now = tx.now();
        const changes = await tx.run(
          `UPDATE user_groups SET "delete_at" = ?, "update_at" = ?
           WHERE "id" = ? AND ${deleted ? `"delete_at" = 0` : `"delete_at" <> 0`}`,
          deleted ? now : 0n,
          now,
          groupId,
        );
        if (changes === 0) throw groupNotFound(groupId);
        return groupById(tx, groupId);
      });
    },

    async getGroupMemberUsers(groupId: string, page: PageQuery): Promise<User[]> {
      const rows = await db.all(
        `SELECT ${memberUsers.columnListOf("u")} FROM group_members m JOIN users u ON u."id" = m."user_id"
         WHERE m."group_id" = @groupId AND m."delete_at" = 0 AND u."delete_at" = 0
         ORDER BY u."username" LIMIT @limit OFFSET @offset`,
        { groupId, ...limitOffset(page) },
      );
      return rows.map(memberUsers.fromRow);
    },

    async countGroupMembers(groupId: string): Promise<bigint> {
      const row = await db.one(
        `SELECT ${MEMBER_COUNT} AS "count" FROM user_groups g WHERE g."id" = ?`,
        groupId,
      );
      return BigInt((row?.count as bigint | undefined) ?? 0n);
    },

    async upsertGroupMembers(groupId: string, userIds: readonly string[]) {
      return db.write(async (tx) => {
        await groupById(tx, groupId);
        const now = tx.now();
        const members = [];
        for (const userId of userIds) {
          await userById(tx, userId);
          await tx.run(
            `INSERT INTO group_members ("group_id", "user_id", "create_at", "delete_at")
             VALUES (?, ?, ?, 0)
             ON CONFLICT ("group_id", "user_id") DO UPDATE SET "delete_at" = 0`,
            groupId,
            userId,
            now,
          );
          members.push(await memberOf(tx, groupId, userId));
        }
        return members;
      });
    },

    async deleteGroupMember(groupId: string, userId: string) {
      return db.write(async (tx) => {
        const changes = await tx.run(
          `UPDATE group_members SET "delete_at" = ?
           WHERE "group_id" = ? AND "user_id" = ? AND "delete_at" = 0`,
          tx.now(),
          groupId,
          userId,
        );
        if (changes === 0) throw groupMemberNotFound(groupId, userId);
        return memberOf(tx, groupId, userId);
      });
    },

    async getGroupSyncable(groupId: string, syncableId: string, type: string) {
      return syncableOf(db, groupId, syncableId, type);
    },

    async getGroupSyncables(groupId: string, type: string) {
      const rows = await db.all(
        `SELECT ${groupSyncables.columnList} FROM group_syncables
         WHERE "group_id" = ? AND "type" = ? AND "delete_at" = 0
         ORDER BY "create_at", "syncable_id"`,
        groupId,
        type,
      );
      return rows.map(groupSyncables.fromRow);
    },

    async membersToAdd(type: string, query: MembersToAddQuery): Promise<MemberToAdd[]> {
      const { sql, params } = membersToAddSql(type, query);
      return (await db.all(sql, params)).map(memberToAddFromRow);
    },

    async saveGroupSyncable(syncable: GroupSyncable): Promise<GroupSyncable> {
      return db.write(async (tx) => {
        await groupById(tx, syncable.groupId);
        if (syncable.type === GROUP_SYNCABLE_TYPES.team) await teamById(tx, syncable.syncableId);
        else await channelById(tx, syncable.syncableId);
        const now = tx.now();
        await tx.run(
          `INSERT INTO group_syncables ${groupSyncables.insertClause}
           ON CONFLICT ("group_id", "syncable_id", "type") DO UPDATE SET
           "auto_add" = excluded."auto_add", "scheme_admin" = excluded."scheme_admin",
           "delete_at" = excluded."delete_at", "update_at" = excluded."update_at"`,
          groupSyncables.toRow({ ...syncable, createAt: now, updateAt: now }),
        );
        return syncableOf(tx, syncable.groupId, syncable.syncableId, syncable.type);
      });
    },
  };
}

async function groupById(db: PostgresQueries, groupId: string): Promise<Group> {
  const row = await db.one(
    `SELECT ${groupColumns(false)} FROM user_groups g WHERE g."id" = ?`,
    groupId,
  );
  if (row === undefined) throw groupNotFound(groupId);
  return groupFromRow(row);
}

async function memberOf(db: PostgresQueries, groupId: string, userId: string) {
  const row = await db.one(
    `SELECT ${groupMembers.columnList} FROM group_members WHERE "group_id" = ? AND "user_id" = ?`,
    groupId,
    userId,
  );
  if (row === undefined) throw groupMemberNotFound(groupId, userId);
  return groupMembers.fromRow(row);
}

async function syncableOf(db: PostgresQueries, groupId: string, syncableId: string, type: string) {
  const row = await db.one(
    `SELECT ${groupSyncables.columnList} FROM group_syncables
     WHERE "group_id" = ? AND "syncable_id" = ? AND "type" = ?`,
    groupId,
    syncableId,
    type,
  );
  if (row === undefined) throw groupSyncableNotFound(groupId, syncableId, type);
  return groupSyncables.fromRow(row);
}

/** The group's name and remote id are free (among other groups, and names among usernames). */
async function assertUnique(db: PostgresQueries, group: Group): Promise<void> {
  if (group.name) {
    if (
      await db.one(`SELECT 1 FROM user_groups WHERE "name" = ? AND "id" <> ?`, group.name, group.id)
    ) {
      throw groupNameTaken(group.name);
    }
    if (await db.one(`SELECT 1 FROM users WHERE "username" = ?`, group.name)) {
      throw groupNameIsUsername(group.name);
    }
  }
  if (
    group.remoteId &&
    (await db.one(
      `SELECT 1 FROM user_groups WHERE "source" = ? AND "remote_id" = ? AND "id" <> ?`,
      group.source,
      group.remoteId,
      group.id,
    ))
  ) {
    throw groupRemoteIdTaken(group.remoteId, group.source);
  }
}
