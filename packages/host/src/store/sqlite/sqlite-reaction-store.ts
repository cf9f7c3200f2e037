// ReactionStore on SQLite: the reactions table, one row per post, user and emoji. Saving or
// removing a reaction also updates its post (has_reactions, update_at) in the same transaction,
// as Mattermost's store does, so clients that sync posts by update_at see the change.
import { create } from "@bufbuild/protobuf";
import { type Reaction, ReactionSchema } from "@plugwire/protocol";
import type { ReactionStore } from "../reaction-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const reactions = rowCodec(ReactionSchema);
const KEY = `"post_id" = @postId AND "user_id" = @userId AND "emoji_name" = @emojiName`;

export function sqliteReactionStore(db: SqliteDatabase): ReactionStore {
  return {
    async saveReaction(reaction: Reaction): Promise<Reaction> {
      return db.write(() => {
        const post = db.one(`SELECT "channel_id" FROM posts WHERE "id" = ?`, reaction.postId);
        if (post === undefined) {
          throw notFound("post", `No post has id "${reaction.postId}".`, {
            post_id: reaction.postId,
          });
        }
        const now = db.now();
        const existing = db.one(
          `SELECT ${reactions.columnList} FROM reactions WHERE ${KEY}`,
          keyOf(reaction),
        );
        const stored = create(ReactionSchema, {
          ...reaction,
          channelId: post.channel_id as string,
          createAt: existing ? reactions.fromRow(existing).createAt : reaction.createAt || now,
          updateAt: now,
          deleteAt: 0n,
        });
        db.run(
          `INSERT OR REPLACE INTO reactions ${reactions.insertClause}`,
          reactions.toRow(stored),
        );
        db.run(
          `UPDATE posts SET "has_reactions" = 1, "update_at" = ? WHERE "id" = ?`,
          now,
          stored.postId,
        );
        return stored;
      });
    },

    async deleteReaction(reaction: Reaction): Promise<boolean> {
      return db.write(() => {
        const { changes } = db.run(`DELETE FROM reactions WHERE ${KEY}`, keyOf(reaction));
        if (changes === 0) return false;
        db.run(
          `UPDATE posts SET "update_at" = @now,
             "has_reactions" = EXISTS (SELECT 1 FROM reactions WHERE "post_id" = @postId)
           WHERE "id" = @postId`,
          { now: db.now(), postId: reaction.postId },
        );
        return true;
      });
    },

    async getReactionsForPost(postId: string): Promise<Reaction[]> {
      return db
        .all(
          `SELECT ${reactions.columnList} FROM reactions WHERE "post_id" = ?
           ORDER BY "create_at", "user_id", "emoji_name"`,
          postId,
        )
        .map(reactions.fromRow);
    },

    async getReactionsForPosts(postIds: readonly string[]): Promise<Reaction[]> {
      if (postIds.length === 0) return [];
      return db
        .all(
          `SELECT ${reactions.columnList} FROM reactions
           WHERE "post_id" IN (SELECT value FROM json_each(?))
           ORDER BY "post_id", "create_at", "user_id", "emoji_name"`,
          JSON.stringify(postIds),
        )
        .map(reactions.fromRow);
    },

    async countUniqueEmojisOnPost(postId: string): Promise<number> {
      const row = db.one(
        `SELECT COUNT(DISTINCT "emoji_name") AS "count" FROM reactions WHERE "post_id" = ?`,
        postId,
      );
      return Number(row?.count ?? 0);
    },
  };
}

function keyOf(reaction: Reaction) {
  return { postId: reaction.postId, userId: reaction.userId, emojiName: reaction.emojiName };
}
