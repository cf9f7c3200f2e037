// ChannelStore on PostgreSQL: the channels and channel_members tables. A direct channel is a
// channel without a team, named after its two users.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError, ValidationError } from "@plugwire/errors";
import {
  type Channel,
  type ChannelMember,
  ChannelMemberSchema,
  ChannelSchema,
} from "@plugwire/protocol";
import type { ChannelStore } from "../channel-store.js";
import { newId } from "../ids.js";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import { rowCodec } from "../row-codec.js";
import { idTaken, notFound, requireField } from "../store-errors.js";
import { limitOffset, type PostgresDatabase, type PostgresQueries } from "./postgres-database.js";
import { teamById } from "./postgres-team-store.js";
import { userById } from "./postgres-user-store.js";

const channels = rowCodec(ChannelSchema);
const channelMembers = rowCodec(ChannelMemberSchema);

/** Mattermost's notification settings of a new channel membership. */
const DEFAULT_CHANNEL_NOTIFY_PROPS = {
  desktop: "default",
  email: "default",
  push: "default",
  mark_unread: "all",
  ignore_channel_mentions: "default",
};

export function postgresChannelStore(db: PostgresDatabase): ChannelStore {
  return {
    async createChannel(channel: Channel): Promise<Channel> {
      requireField(
        channel.name,
        "name",
        "channel.name is required; choose the channel's URL name.",
      );
      if (!["O", "P", "D", "G"].includes(channel.type)) {
        throw new ValidationError({
          id: "store.channel.invalid_type",
          message: `channel.type is "${channel.type}"; use "O" (public), "P" (private), "D" (direct) or "G" (group).`,
          params: { field: "type" },
        });
      }
      if ((channel.type === "O" || channel.type === "P") && !channel.teamId) {
        throw new ValidationError({
          id: "store.channel.team_required",
          message: "channel.team_id is required for public and private channels.",
          params: { field: "team_id" },
        });
      }
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
      return db.write(async (tx) => {
        const channel = await channelById(tx, channelId);
        await userById(tx, userId);
        const existing = await channelMemberRow(tx, channelId, userId);
        if (existing !== undefined) {
          return existing;
        }
        if (channel.deleteAt !== 0n) {
          throw new ValidationError({
            id: "store.channel_member.channel_archived",
            message: `Channel ${channelId} is archived; unarchive it before adding members.`,
            params: { field: "channel_id" },
          });
        }
        return insertChannelMember(tx, channelId, userId, tx.now());
      });
    },

    async removeChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
      return db.write(async (tx) => {
        const member = await channelMemberRow(tx, channelId, userId);
        if (member === undefined) {
          throw new NotFoundError({
            id: "store.channel_member.not_found",
            message: `User ${userId} is not a member of channel ${channelId}.`,
            params: { channel_id: channelId, user_id: userId },
          });
        }
        await tx.run(
          `DELETE FROM channel_members WHERE "channel_id" = ? AND "user_id" = ?`,
          channelId,
          userId,
        );
        return member;
      });
    },

    async getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel> {
      return db.write(async (tx) => {
        await userById(tx, userId1);
        await userById(tx, userId2);
        // Mattermost's name for a direct channel: both ids, sorted, joined by "__".
        const name = [userId1, userId2].sort().join("__");
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
  };
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
  const member = create(ChannelMemberSchema, {
    channelId,
    userId,
    notifyProps: DEFAULT_CHANNEL_NOTIFY_PROPS,
    lastUpdateAt: now,
    schemeUser: true,
  });
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
