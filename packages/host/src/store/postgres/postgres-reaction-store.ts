// ReactionStore on PostgreSQL: the reactions table, one row per post, user and emoji. Saving or
// removing a reaction also updates its post (has_reactions, update_at) in the same transaction,
// as Mattermost's store does, so clients that sync posts by update_at see the change.
import { create } from "@bufbuild/protobuf";
import { type Reaction, ReactionSchema } from "@plugwire/protocol";
import type { ReactionStore } from "../reaction-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import { type PostgresDatabase, replaceOnConflict } from "./postgres-database.js";

const reactions = rowCodec(ReactionSchema);
const KEY = `"post_id" = @postId AND "user_id" = @userId AND "emoji_name" = @emojiName`;

export function postgresReactionStore(db: PostgresDatabase): ReactionStore {
  return {
    async saveReaction(reaction: Reaction): Promise<Reaction> {
      return db.write(async (tx) => {
        const post = await tx.one(`SELECT "channel_id" FROM posts WHERE "id" = ?`, reaction.postId);
        if (post === undefined) {
          throw notFound("post", `No post has id "${reaction.postId}".`, {
            post_id: reaction.postId,
          });
        }
        const now = tx.now();
        const existing = await tx.one(
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
        await tx.run(
          `INSERT INTO reactions ${reactions.insertClause}
           ${replaceOnConflict(["post_id", "user_id", "emoji_name"], reactions.columns)}`,
          reactions.toRow(stored),
        );
        await tx.run(
          `UPDATE posts SET "has_reactions" = 1, "update_at" = ? WHERE "id" = ?`,
          now,
          stored.postId,
        );
        return stored;
      });
    },

    async deleteReaction(reaction: Reaction): Promise<boolean> {
      return db.write(async (tx) => {
        const changes = await tx.run(`DELETE FROM reactions WHERE ${KEY}`, keyOf(reaction));
        if (changes === 0) return false;
        await tx.run(
          `UPDATE posts SET "update_at" = @now,
             "has_reactions" = CASE WHEN EXISTS (SELECT 1 FROM reactions WHERE "post_id" = @postId)
               THEN 1 ELSE 0 END
           WHERE "id" = @postId`,
          { now: tx.now(), postId: reaction.postId },
        );
        return true;
      });
    },

    async getReactionsForPost(postId: string): Promise<Reaction[]> {
      const rows = await db.all(
        `SELECT ${reactions.columnList} FROM reactions WHERE "post_id" = ?
         ORDER BY "create_at", "user_id", "emoji_name"`,
        postId,
      );
      return rows.map(reactions.fromRow);
    },

    async getReactionsForPosts(postIds: readonly string[]): Promise<Reaction[]> {
      if (postIds.length === 0) return [];
      const rows = await db.all(
        `SELECT ${reactions.columnList} FROM reactions WHERE "post_id" = ANY(?::text[])
         ORDER BY "post_id", "create_at", "user_id", "emoji_name"`,
        [...postIds],
      );
      return rows.map(reactions.fromRow);
    },

    async countUniqueEmojisOnPost(postId: string): Promise<number> {
      const row = await db.one(
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
