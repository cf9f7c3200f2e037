// ChannelStore on SQLite: the channels and channel_members tables. A direct channel is a
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
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";
import { isGuestUser } from "./sqlite-role-store.js";
import { teamById } from "./sqlite-team-store.js";
import { userById } from "./sqlite-user-store.js";

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

export function sqliteChannelStore(db: SqliteDatabase): ChannelStore {
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
      return db.write(() => {
        if (channel.teamId) {
          teamById(db, channel.teamId);
        }
        if (channel.id && db.one(`SELECT 1 FROM channels WHERE "id" = ?`, channel.id)) {
          throw idTaken("channel", channel.id);
        }
        assertChannelNameFree(db, channel.teamId, channel.name);
        const stored = newRecord(ChannelSchema, channel, db.now());
        db.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(stored));
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
      const row = db.one(
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
      return db.write(() => {
        const old = channelById(db, channel.id);
        assertChannelNameFree(db, old.teamId, channel.name, old.id);
        const updated = create(ChannelSchema, {
          ...old,
          name: channel.name,
          displayName: channel.displayName,
          header: channel.header,
          purpose: channel.purpose,
          updateAt: db.now(),
        });
        db.run(
          `UPDATE channels SET ${channels.assignments} WHERE "id" = @id`,
          channels.toRow(updated),
        );
        return updated;
      });
    },

    async deleteChannel(channelId: string): Promise<Channel> {
      return db.write(() => {
        const channel = channelById(db, channelId);
        if (channel.deleteAt !== 0n) {
          return channel;
        }
        const now = db.now();
        db.run(
          `UPDATE channels SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          channelId,
        );
        return create(ChannelSchema, { ...channel, deleteAt: now, updateAt: now });
      });
    },

    async getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]> {
      return db
        .all(
          `SELECT ${channelMembers.columnList} FROM channel_members WHERE "channel_id" = @channelId
           ORDER BY "user_id" LIMIT @limit OFFSET @offset`,
          { channelId, ...limitOffset(page) },
        )
        .map(channelMembers.fromRow);
    },

    async getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined> {
      return channelMemberRow(db, channelId, userId);
    },

    async addChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
      return db.write(() => {
        const channel = channelById(db, channelId);
        userById(db, userId);
        const existing = channelMemberRow(db, channelId, userId);
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
        return insertChannelMember(db, channelId, userId, db.now());
      });
    },

    async removeChannelMember(channelId: string, userId: string): Promise<ChannelMember> {
      return db.write(() => {
        const member = channelMemberRow(db, channelId, userId);
        if (member === undefined) {
          throw new NotFoundError({
            id: "store.channel_member.not_found",
            message: `User ${userId} is not a member of channel ${channelId}.`,
            params: { channel_id: channelId, user_id: userId },
          });
        }
        db.run(
          `DELETE FROM channel_members WHERE "channel_id" = ? AND "user_id" = ?`,
          channelId,
          userId,
        );
        return member;
      });
    },

    async getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel> {
      return db.write(() => {
        userById(db, userId1);
        userById(db, userId2);
        // Mattermost's name for a direct channel: both ids, sorted, joined by "__".
        const name = [userId1, userId2].sort().join("__");
        const existing = db.one(
          `SELECT ${channels.columnList} FROM channels WHERE "team_id" = '' AND "name" = ?`,
          name,
        );
        if (existing !== undefined) {
          return channels.fromRow(existing);
        }
        const now = db.now();
        const channel = create(ChannelSchema, {
          id: newId(),
          createAt: now,
          updateAt: now,
          type: "D",
          name,
        });
        db.run(`INSERT INTO channels ${channels.insertClause}`, channels.toRow(channel));
        for (const userId of new Set([userId1, userId2])) {
          insertChannelMember(db, channel.id, userId, now);
        }
        return channel;
      });
    },
  };
}

/** The channel with this id; NotFoundError when missing. Posts check their channel with it. */
export function channelById(db: SqliteDatabase, channelId: string): Channel {
  const row = db.one(`SELECT ${channels.columnList} FROM channels WHERE "id" = ?`, channelId);
  if (row === undefined) {
    throw notFound("channel", `No channel has id "${channelId}".`, { channel_id: channelId });
  }
  return channels.fromRow(row);
}

function channelMemberRow(
  db: SqliteDatabase,
  channelId: string,
  userId: string,
): ChannelMember | undefined {
  const row = db.one(
    `SELECT ${channelMembers.columnList} FROM channel_members
     WHERE "channel_id" = ? AND "user_id" = ?`,
    channelId,
    userId,
  );
  return row === undefined ? undefined : channelMembers.fromRow(row);
}

function insertChannelMember(
  db: SqliteDatabase,
  channelId: string,
  userId: string,
  now: bigint,
): ChannelMember {
  const member = create(ChannelMemberSchema, {
    channelId,
    userId,
    notifyProps: DEFAULT_CHANNEL_NOTIFY_PROPS,
    lastUpdateAt: now,
    // A guest account's membership is a guest one, as in Mattermost.
    ...(isGuestUser(userById(db, userId)) ? { schemeGuest: true } : { schemeUser: true }),
  });
  db.run(
    `INSERT INTO channel_members ${channelMembers.insertClause}`,
    channelMembers.toRow(member),
  );
  return member;
}

/** A unique check, made inside the write transaction so that its answer still holds. */
function assertChannelNameFree(
  db: SqliteDatabase,
  teamId: string,
  name: string,
  exceptChannelId = "",
): void {
  if (
    db.one(
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
