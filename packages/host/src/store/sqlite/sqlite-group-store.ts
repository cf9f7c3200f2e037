// GroupStore on SQLite: the user_groups, group_members and group_syncables tables.
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
import { channelById } from "./sqlite-channel-store.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";
import { teamById } from "./sqlite-team-store.js";
import { userById } from "./sqlite-user-store.js";

const ORDER = `ORDER BY g."display_name", g."id"`;

export function sqliteGroupStore(db: SqliteDatabase): GroupStore {
  const likeLower = (column: string, parameter: string) =>
    `LOWER(${column}) LIKE @${parameter} ESCAPE '\\'`;

  return {
    async createGroup(group: Group): Promise<Group> {
      return db.write(() => {
        if (group.id && db.one(`SELECT 1 FROM user_groups WHERE "id" = ?`, group.id)) {
          throw idTaken("group", group.id);
        }
        assertUnique(db, group);
        const stored = newRecord(GroupSchema, group, db.now());
        stored.hasSyncables = false;
        stored.memberCount = undefined;
        stored.memberIds = [];
        db.run(INSERT_GROUP, groupParams(stored));
        return stored;
      });
    },

    async getGroup(groupId: string): Promise<Group> {
      return groupById(db, groupId);
    },

    async getGroupByName(name: string): Promise<Group> {
      const row = db.one(
        `SELECT ${groupColumns(false)} FROM user_groups g WHERE g."name" = ?`,
        name,
      );
      if (row === undefined || !name) throw groupNameNotFound(name);
      return groupFromRow(row);
    },

    async getGroupByRemoteId(remoteId: string, source: string): Promise<Group> {
      const row = db.one(
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
      return db
        .all(
          `SELECT ${groupColumns(query.includeMemberCount ?? false)} FROM user_groups g ${where}
           ${ORDER} LIMIT @limit OFFSET @offset`,
          { ...params, ...limitOffset(query) },
        )
        .map(groupFromRow);
    },

    async getGroupsForUser(userId: string): Promise<Group[]> {
      return db
        .all(
          `SELECT ${groupColumns(false)} FROM user_groups g
           JOIN group_members m ON m."group_id" = g."id" AND m."user_id" = ? AND m."delete_at" = 0
           WHERE g."delete_at" = 0 ${ORDER}`,
          userId,
        )
        .map(groupFromRow);
    },

    async updateGroup(group: Group): Promise<Group> {
      return db.write(() => {
        const old = groupById(db, group.id);
        assertUnique(db, { ...group, source: old.source, remoteId: old.remoteId });
        const updated = create(GroupSchema, {
          ...old,
          name: group.name,
          displayName: group.displayName,
          description: group.description,
          allowReference: group.allowReference,
          updateAt: db.now(),
        });
        db.run(
          `UPDATE user_groups SET "name" = @name, "display_name" = @display_name,
           "description" = @description, "allow_reference" = @allow_reference,
           "update_at" = @update_at WHERE "id" = @id`,
          groupParams(updated),
        );
        return updated;
      });
    },

    async setGroupDeleted(groupId: string, deleted: boolean): Promise<Group> {
      return db.write(() => {
        const now = db.now();
        const { changes } = db.run(
          `UPDATE user_groups SET "delete_at" = ?, "update_at" = ?
           WHERE "id" = ? AND ${deleted ? `"delete_at" = 0` : `"delete_at" <> 0`}`,
          deleted ? now : 0n,
          now,
          groupId,
        );
        if (changes === 0) throw groupNotFound(groupId);
        return groupById(db, groupId);
      });
    },

    async getGroupMemberUsers(groupId: string, page: PageQuery): Promise<User[]> {
      return db
        .all(
          `SELECT ${memberUsers.columnListOf("u")} FROM group_members m JOIN users u ON u."id" = m."user_id"
           WHERE m."group_id" = @groupId AND m."delete_at" = 0 AND u."delete_at" = 0
           ORDER BY u."username" LIMIT @limit OFFSET @offset`,
          { groupId, ...limitOffset(page) },
        )
        .map(memberUsers.fromRow);
    },

    async countGroupMembers(groupId: string): Promise<bigint> {
      const row = db.one(
        `SELECT ${MEMBER_COUNT} AS "count" FROM user_groups g WHERE g."id" = ?`,
        groupId,
      );
      return BigInt((row?.count as bigint | undefined) ?? 0n);
    },

    async upsertGroupMembers(groupId: string, userIds: readonly string[]) {
      return db.write(() => {
        groupById(db, groupId);
        const now = db.now();
        return userIds.map((userId) => {
          userById(db, userId);
          db.run(
            `INSERT INTO group_members ("group_id", "user_id", "create_at", "delete_at")
             VALUES (?, ?, ?, 0)
             ON CONFLICT ("group_id", "user_id") DO UPDATE SET "delete_at" = 0`,
            groupId,
            userId,
            now,
          );
          return groupMembers.fromRow(
            db.one(
              `SELECT ${groupMembers.columnList} FROM group_members WHERE "group_id" = ? AND "user_id" = ?`,
              groupId,
              userId,
            ) ?? {},
          );
        });
      });
    },

    async deleteGroupMember(groupId: string, userId: string) {
      return db.write(() => {
        const { changes } = db.run(
          `UPDATE group_members SET "delete_at" = ?
           WHERE "group_id" = ? AND "user_id" = ? AND "delete_at" = 0`,
          db.now(),
          groupId,
          userId,
        );
        if (changes === 0) throw groupMemberNotFound(groupId, userId);
        return groupMembers.fromRow(
          db.one(
            `SELECT ${groupMembers.columnList} FROM group_members WHERE "group_id" = ? AND "user_id" = ?`,
            groupId,
            userId,
          ) ?? {},
        );
      });
    },

    async getGroupSyncable(groupId: string, syncableId: string, type: string) {
      const row = db.one(
        `SELECT ${groupSyncables.columnList} FROM group_syncables
         WHERE "group_id" = ? AND "syncable_id" = ? AND "type" = ?`,
        groupId,
        syncableId,
        type,
      );
      if (row === undefined) throw groupSyncableNotFound(groupId, syncableId, type);
      return groupSyncables.fromRow(row);
    },

    async getGroupSyncables(groupId: string, type: string) {
      return db
        .all(
          `SELECT ${groupSyncables.columnList} FROM group_syncables
           WHERE "group_id" = ? AND "type" = ? AND "delete_at" = 0
           ORDER BY "create_at", "syncable_id"`,
          groupId,
          type,
        )
        .map(groupSyncables.fromRow);
    },

    async membersToAdd(type: string, query: MembersToAddQuery): Promise<MemberToAdd[]> {
      const { sql, params } = membersToAddSql(type, query);
      return db.all(sql, params).map(memberToAddFromRow);
    },

    async saveGroupSyncable(syncable: GroupSyncable): Promise<GroupSyncable> {
      return db.write(() => {
        groupById(db, syncable.groupId);
        if (syncable.type === GROUP_SYNCABLE_TYPES.team) teamById(db, syncable.syncableId);
        else channelById(db, syncable.syncableId);
        const now = db.now();
        const row = groupSyncables.toRow({ ...syncable, createAt: now, updateAt: now });
        db.run(
          `INSERT INTO group_syncables ${groupSyncables.insertClause}
           ON CONFLICT ("group_id", "syncable_id", "type") DO UPDATE SET
           "auto_add" = excluded."auto_add", "scheme_admin" = excluded."scheme_admin",
           "delete_at" = excluded."delete_at", "update_at" = excluded."update_at"`,
          row,
        );
        return groupSyncables.fromRow(
          db.one(
            `SELECT ${groupSyncables.columnList} FROM group_syncables
             WHERE "group_id" = ? AND "syncable_id" = ? AND "type" = ?`,
            syncable.groupId,
            syncable.syncableId,
            syncable.type,
          ) ?? {},
        );
      });
    },
  };
}

function groupById(db: SqliteDatabase, groupId: string): Group {
  const row = db.one(`SELECT ${groupColumns(false)} FROM user_groups g WHERE g."id" = ?`, groupId);
  if (row === undefined) throw groupNotFound(groupId);
  return groupFromRow(row);
}

/** The group's name and remote id are free (among other groups, and names among usernames). */
function assertUnique(db: SqliteDatabase, group: Group): void {
  if (group.name) {
    if (db.one(`SELECT 1 FROM user_groups WHERE "name" = ? AND "id" <> ?`, group.name, group.id)) {
      throw groupNameTaken(group.name);
    }
    if (db.one(`SELECT 1 FROM users WHERE "username" = ?`, group.name)) {
      throw groupNameIsUsername(group.name);
    }
  }
  if (
    group.remoteId &&
    db.one(
      `SELECT 1 FROM user_groups WHERE "source" = ? AND "remote_id" = ? AND "id" <> ?`,
      group.source,
      group.remoteId,
      group.id,
    )
  ) {
    throw groupRemoteIdTaken(group.remoteId, group.source);
  }
}
