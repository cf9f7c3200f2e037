// ChannelStore on PostgreSQL: the channels and channel_members tables. A direct channel is a
// channel without a team, named after its two users.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError, ValidationError } from "@plugwire/errors";
import {
  type Channel,
  type ChannelMember,
  ChannelMemberSchema,
  ChannelSchema,
  type ChannelStats,
  ChannelStatsSchema,
  type Post,
} from "@plugwire/protocol";
import { directChannelName, groupChannelName } from "../channel-names.js";
import type { ChannelMemberIdentifier, ChannelStore, MembershipChange } from "../channel-store.js";
import { isGuestUser } from "../guest-accounts.js";
import { newId } from "../ids.js";
import { checkNewChannel, newChannelMember } from "../membership-rules.js";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import { rowCodec } from "../row-codec.js";
import { idTaken, notArchived, notFound, requireField } from "../store-errors.js";
import { limitOffset, type PostgresDatabase, type PostgresQueries } from "./postgres-database.js";
import { insertPost } from "./postgres-post-store.js";
import { teamById } from "./postgres-team-store.js";
import { userById } from "./postgres-user-store.js";

const channels = rowCodec(ChannelSchema);
const channelMembers = rowCodec(ChannelMemberSchema);

export function postgresChannelStore(db: PostgresDatabase): ChannelStore {
  return {
    async createChannel(channel: Channel): Promise<Channel> {
      checkNewChannel(channel);
      return db.write(async (tx) => {
        if (channel.teamId) {
          await teamById(tx, channel.teamId);
        }
        if (channel.id && (await tx.one(`SELECT 1 FROM channels WHERE "id" = ?`, channel.id))) {
          throw idTaken("channel", channel.id);
        }
        await assertChannelNameFree(tx, channel.teamId, channel.name);
        const stored = newRecord(ChannelSchema, channel, tx.now());
        await tx.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(stored));
        return stored;
      });
    },

    async getChannel(channelId: string): Promise<Channel> {
      return channelById(db, channelId);
    },

    async getChannelByName(
      teamId: string,
      name: string,
      includeDeleted: boolean,
    ): Promise<Channel> {
      const row = await db.one(
        `SELECT ${channels.columnList} FROM channels
         WHERE "team_id" = ? AND "name" = ? ${includeDeleted ? "" : `AND "delete_at" = 0`}`,
        teamId,
        name,
      );
      if (row === undefined) {
        throw notFound(
          "channel",
          `Team ${teamId} has no ${includeDeleted ? "" : "active "}channel named "${name}".`,
          { team_id: teamId, name },
        );
      }
      return channels.fromRow(row);
    },

    async updateChannel(channel: Channel): Promise<Channel> {
      requireField(channel.name, "name", "channel.name can't be emptied.");
      return db.write(async (tx) => {
        const old = await channelById(tx, channel.id);
        await assertChannelNameFree(tx, old.teamId, channel.name, old.id);
        const updated = create(ChannelSchema, {
          ...old,
          name: channel.name,
          displayName: channel.displayName,
          header: channel.header,
          purpose: channel.purpose,
          updateAt: tx.now(),
        });
        await tx.run(
          `UPDATE channels SET ${channels.assignments} WHERE "id" = @id`,
          channels.toRow(updated),
        );
        return updated;
      });
    },

    async deleteChannel(channelId: string): Promise<Channel> {
      return db.write(async (tx) => {
        const channel = await channelById(tx, channelId);
        if (channel.deleteAt !== 0n) {
          return channel;
        }
        const now = tx.now();
        await tx.run(
          `UPDATE channels SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          channelId,
        );
        return create(ChannelSchema, { ...channel, deleteAt: now, updateAt: now });
      });
    },

    async restoreChannel(channelId: string): Promise<Channel> {
      return db.write(async (tx) => {
        const channel = await channelById(tx, channelId);
        if (channel.deleteAt === 0n) throw notArchived(channelId);
        const now = tx.now();
        await tx.run(
          `UPDATE channels SET "delete_at" = 0, "update_at" = ? WHERE "id" = ?`,
          now,
          channelId,
        );
        return create(ChannelSchema, { ...channel, deleteAt: 0n, updateAt: now });
      });
    },

    async getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]> {
      const rows = await db.all(
        `SELECT ${channelMembers.columnList} FROM channel_members WHERE "channel_id" = @channelId
         ORDER BY "user_id" LIMIT @limit OFFSET @offset`,
        { channelId, ...limitOffset(page) },
      );
      return rows.map(channelMembers.fromRow);
    },

    async getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined> {
      return channelMemberRow(db, channelId, userId);
    },

    async addChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
      return db.write(async (tx) => (await addMember(tx, channelId, userId)).member);
    },

    async removeChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
      return db.write((tx) => removeMember(tx, channelId, userId));
    },

    async joinChannel(
      channelId: string,
      userId: string,
      systemPost: Post,
    ): Promise<MembershipChange<ChannelMember>> {
      return db.write(async (tx) => {
        const { member, added } = await addMember(tx, channelId, userId);
        return added ? { member, post: await insertPost(tx, systemPost) } : { member };
      });
    },

    async leaveChannel(
      channelId: string,
      userId: string,
      systemPost: Post,
    ): Promise<MembershipChange<ChannelMember>> {
      return db.write(async (tx) => {
        const member = await removeMember(tx, channelId, userId);
        return { member, post: await insertPost(tx, systemPost) };
      });
    },

    async getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel> {
      return db.write(async (tx) => {
        await userById(tx, userId1);
        await userById(tx, userId2);
        const name = directChannelName(userId1, userId2);
        const existing = await tx.one(
          `SELECT ${channels.columnList} FROM channels WHERE "team_id" = '' AND "name" = ?`,
          name,
        );
        if (existing !== undefined) {
          return channels.fromRow(existing);
        }
        const now = tx.now();
        const channel = create(ChannelSchema, {
          id: newId(),
          createAt: now,
          updateAt: now,
          type: "D",
          name,
        });
        await tx.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(channel));
        for (const userId of new Set([userId1, userId2])) {
          await insertChannelMember(tx, channel.id, userId, now);
        }
        return channel;
      });
    },

    async getOrCreateGroupChannel(userIds: readonly string[]): Promise<Channel> {
      const ids = [...new Set(userIds)].sort();
      if (ids.length < GROUP_MIN_USERS || ids.length > GROUP_MAX_USERS) {
        throw new ValidationError({
          id: "store.channel.group_size",
          message: `A group channel has ${GROUP_MIN_USERS} to ${GROUP_MAX_USERS} users; ${ids.length} were given.`,
          params: { field: "user_ids" },
        });
      }
      return db.write(async (tx) => {
        const members = [];
        for (const id of ids) members.push(await userById(tx, id));
        const name = groupChannelName(ids);
        const existing = await tx.one(
          `SELECT ${channels.columnList} FROM channels WHERE "team_id" = '' AND "name" = ?`,
          name,
        );
        if (existing !== undefined) {
          return channels.fromRow(existing);
        }
        const now = tx.now();
        const channel = create(ChannelSchema, {
          id: newId(),
          createAt: now,
          updateAt: now,
          type: "G",
          name,
          displayName: members
            .map((user) => user.username)
            .sort()
            .join(", "),
        });
        await tx.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(channel));
        for (const id of ids) {
          await insertChannelMember(tx, channel.id, id, now);
        }
        return channel;
      });
    },

    async getChannelsForTeamForUser(
      teamId: string,
      userId: string,
      includeDeleted: boolean,
    ): Promise<Channel[]> {
      const rows = await db.all(
        `SELECT ${channels.columnListOf("c")} FROM channels c
         JOIN channel_members cm ON cm."channel_id" = c."id" AND cm."user_id" = @userId
         WHERE c."team_id" IN (@teamId, '') ${includeDeleted ? "" : `AND c."delete_at" = 0`}
         ORDER BY c."display_name" COLLATE "C", c."name"`,
        { teamId, userId },
      );
      return rows.map(channels.fromRow);
    },

    async getChannelMembersForUser(teamId: string, userId: string): Promise<ChannelMember[]> {
      const rows = await db.all(
        `SELECT ${channelMembers.columnListOf("cm")} FROM channel_members cm
         JOIN channels c ON c."id" = cm."channel_id" AND c."team_id" IN (@teamId, '')
           AND c."delete_at" = 0
         WHERE cm."user_id" = @userId ORDER BY cm."channel_id"`,
        { teamId, userId },
      );
      return rows.map(channelMembers.fromRow);
    },

    async getChannelMembersByIds(
      channelId: string,
      userIds: readonly string[],
    ): Promise<ChannelMember[]> {
      await channelById(db, channelId);
      const rows = await db.all(
        `SELECT ${channelMembers.columnList} FROM channel_members WHERE "channel_id" = ?
         AND "user_id" = ANY(?::text[]) ORDER BY "user_id"`,
        channelId,
        [...userIds],
      );
      return rows.map(channelMembers.fromRow);
    },

    async getPublicChannelsForTeam(teamId: string, page: PageQuery): Promise<Channel[]> {
      const rows = await db.all(
        `SELECT ${channels.columnList} FROM channels
         WHERE "team_id" = @teamId AND "type" = 'O' AND "delete_at" = 0
         ORDER BY "display_name" COLLATE "C", "name" LIMIT @limit OFFSET @offset`,
        { teamId, ...limitOffset(page) },
      );
      return rows.map(channels.fromRow);
    },

    async searchChannels(teamId: string, term: string): Promise<Channel[]> {
      // LIKE can't read the case-insensitive collation of "name": it reads a "C" copy.
      const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
      const rows = await db.all(
        `SELECT ${channels.columnList} FROM channels
         WHERE "team_id" = @teamId AND "type" = 'O' AND "delete_at" = 0
         AND (LOWER("name" COLLATE "C") LIKE @pattern ESCAPE '\\'
           OR LOWER("display_name" COLLATE "C") LIKE @pattern ESCAPE '\\')
         ORDER BY "display_name" COLLATE "C", "name" LIMIT 100`,
        { teamId, pattern },
      );
      return rows.map(channels.fromRow);
    },

    async getChannelStats(channelId: string): Promise<ChannelStats> {
      await channelById(db, channelId);
      const count = async (sql: string) =>
        BigInt(((await db.one(sql, channelId))?.n as bigint | undefined) ?? 0n);
      return create(ChannelStatsSchema, {
        channelId,
        // As Mattermost counts them: members whose account is active.
        memberCount: await count(
          `SELECT COUNT(*) AS n FROM channel_members cm JOIN users u ON u."id" = cm."user_id"
           WHERE cm."channel_id" = ? AND u."delete_at" = 0`,
        ),
        pinnedpostCount: await count(
          `SELECT COUNT(*) AS n FROM posts WHERE "channel_id" = ? AND "is_pinned" <> 0 AND "delete_at" = 0`,
        ),
        filesCount: await count(
          `SELECT COUNT(*) AS n FROM file_infos WHERE "channel_id" = ? AND "delete_at" = 0 AND "post_id" <> ''`,
        ),
      });
    },

    async viewChannels(
      userId: string,
      channelIds: readonly string[],
    ): Promise<Record<string, bigint>> {
      // READ COMMITTED: each membership is set from its channel's counters in one UPDATE.
      return db.write(async (tx) => {
        const now = tx.now();
        const times: Record<string, bigint> = {};
        for (const channelId of new Set(channelIds)) {
          const row = await tx.one(
            `UPDATE channel_members cm SET
               "last_viewed_at" = GREATEST(cm."last_viewed_at", c."last_post_at"),
               "msg_count" = c."total_msg_count", "mention_count" = 0, "last_update_at" = @now
             FROM channels c
             WHERE c."id" = @channelId AND cm."channel_id" = @channelId AND cm."user_id" = @userId
             RETURNING cm."last_viewed_at"`,
            { channelId, userId, now },
          );
          if (row !== undefined) {
            times[channelId] = BigInt(row.last_viewed_at as bigint);
          }
        }
        return times;
      }, "read committed");
    },

    async updateChannelMemberNotifyProps(
      channelId: string,
      userId: string,
      props: Record<string, string>,
    ): Promise<ChannelMember> {
      return db.write(async (tx) => {
        const member = await channelMemberRow(tx, channelId, userId);
        if (member === undefined) {
          throw memberNotFound(channelId, userId);
        }
        const updated = create(ChannelMemberSchema, {
          ...member,
          notifyProps: { ...member.notifyProps, ...props },
          lastUpdateAt: tx.now(),
        });
        await tx.run(
          `UPDATE channel_members SET ${channelMembers.assignments}
           WHERE "channel_id" = @channel_id AND "user_id" = @user_id`,
          channelMembers.toRow(updated),
        );
        return updated;
      });
    },

    async patchChannelMembersNotifyProps(
      members: readonly ChannelMemberIdentifier[],
      props: Record<string, string>,
    ): Promise<ChannelMember[]> {
      return db.write(async (tx) => {
        const now = tx.now();
        const updated: ChannelMember[] = [];
        for (const { channelId, userId } of members) {
          const member = await channelMemberRow(tx, channelId, userId);
          if (member === undefined) throw memberNotFound(channelId, userId);
          const changed = create(ChannelMemberSchema, {
            ...member,
            notifyProps: { ...member.notifyProps, ...props },
            lastUpdateAt: now,
          });
          await tx.run(
            `UPDATE channel_members SET ${channelMembers.assignments}
             WHERE "channel_id" = @channel_id AND "user_id" = @user_id`,
            channelMembers.toRow(changed),
          );
          updated.push(changed);
        }
        return updated;
      });
    },
  };
}

const GROUP_MIN_USERS = 3;
const GROUP_MAX_USERS = 8;

function memberNotFound(channelId: string, userId: string): NotFoundError {
  return new NotFoundError({
    id: "store.channel_member.not_found",
    message: `User ${userId} is not a member of channel ${channelId}.`,
    params: { channel_id: channelId, user_id: userId },
  });
}

/**
 * The unread counts a new post changes, in its transaction: the poster has read the channel up
 * to it; a member it mentions by @username, or the other member of a direct channel, has one
 * more unread mention. Each is one UPDATE bumping the counts in place, safe in READ COMMITTED.
 */
/** Adds the member inside the caller's transaction; `added` is false for an existing member. */
async function addMember(
  tx: PostgresQueries,
  channelId: string,
  userId: string,
): Promise<{ member: ChannelMember; added: boolean }> {
  const channel = await channelById(tx, channelId);
  await userById(tx, userId);
  const existing = await channelMemberRow(tx, channelId, userId);
  if (existing !== undefined) return { member: existing, added: false };
  if (channel.deleteAt !== 0n) {
    throw new ValidationError({
      id: "store.channel_member.channel_archived",
      message: `Channel ${channelId} is archived; unarchive it before adding members.`,
      params: { field: "channel_id" },
    });
  }
  return { member: await insertChannelMember(tx, channelId, userId, tx.now()), added: true };
}

/** Removes the member inside the caller's transaction; NotFoundError when not a member. */
async function removeMember(
  tx: PostgresQueries,
  channelId: string,
  userId: string,
): Promise<ChannelMember> {
  const member = await channelMemberRow(tx, channelId, userId);
  if (member === undefined) throw memberNotFound(channelId, userId);
  await tx.run(
    `DELETE FROM channel_members WHERE "channel_id" = ? AND "user_id" = ?`,
    channelId,
    userId,
  );
  return member;
}

export async function countPostForMembers(tx: PostgresQueries, post: Post): Promise<void> {
  await tx.run(
    `UPDATE channel_members cm SET "last_viewed_at" = GREATEST(cm."last_viewed_at", @at),
       "msg_count" = c."total_msg_count"
     FROM channels c
     WHERE c."id" = @channelId AND cm."channel_id" = @channelId AND cm."user_id" = @userId`,
    { at: post.createAt, channelId: post.channelId, userId: post.userId },
  );
  const usernames = [...post.message.matchAll(/@([a-z0-9][a-z0-9._-]*)/gi)].map((match) =>
    (match[1] ?? "").replace(/[.]+$/, "").toLowerCase(),
  );
  await tx.run(
    `UPDATE channel_members SET "mention_count" = "mention_count" + 1
     WHERE "channel_id" = @channelId AND "user_id" <> @userId AND ("user_id" IN
       (SELECT "id" FROM users WHERE "username" = ANY(@usernames::text[]))
       OR (SELECT "type" FROM channels WHERE "id" = @channelId) = 'D')`,
    { channelId: post.channelId, userId: post.userId, usernames },
  );
}

/** The channel with this id; NotFoundError when missing. Posts check their channel with it. */
export async function channelById(db: PostgresQueries, channelId: string): Promise<Channel> {
  const row = await db.one(`SELECT ${channels.columnList} FROM channels WHERE "id" = ?`, channelId);
  if (row === undefined) {
    throw notFound("channel", `No channel has id "${channelId}".`, { channel_id: channelId });
  }
  return channels.fromRow(row);
}

async function channelMemberRow(
  db: PostgresQueries,
  channelId: string,
  userId: string,
): Promise<ChannelMember | undefined> {
  const row = await db.one(
    `SELECT ${channelMembers.columnList} FROM channel_members
     WHERE "channel_id" = ? AND "user_id" = ?`,
    channelId,
    userId,
  );
  return row === undefined ? undefined : channelMembers.fromRow(row);
}

async function insertChannelMember(
  tx: PostgresQueries,
  channelId: string,
  userId: string,
  now: bigint,
): Promise<ChannelMember> {
  const guest = isGuestUser(await userById(tx, userId));
  const member = newChannelMember(channelId, userId, guest, now);

  await tx.run(
    `INSERT INTO channel_members ${channelMembers.insertClause}`,
    channelMembers.toRow(member),
  );
  return member;
}

/** A unique check, made inside the write transaction so that its answer still holds. */
async function assertChannelNameFree(
  tx: PostgresQueries,
  teamId: string,
  name: string,
  exceptChannelId = "",
): Promise<void> {
  if (
    await tx.one(
      `SELECT 1 FROM channels WHERE "team_id" = ? AND "name" = ? AND "id" <> ?`,
      teamId,
      name,
      exceptChannelId,
    )
  ) {
    throw new AlreadyExistsError({
      id: "store.channel.name_exists",
      message: `Team ${teamId || "(none)"} has a channel named "${name}" already; choose another name.`,
      params: { field: "name", team_id: teamId, name },
    });
  }
}
