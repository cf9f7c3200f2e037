// PostStore on PostgreSQL: the posts and file_infos tables. Creating a post also writes to its
// channel (counters) and its files (their post id), all in the post's one transaction.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type FileInfo, FileInfoSchema, type Post, PostSchema } from "@plugwire/protocol";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import type { PostStore } from "../post-store.js";
import { rowCodec } from "../row-codec.js";
import { idTaken, notFound } from "../store-errors.js";
import { channelById, countPostForMembers } from "./postgres-channel-store.js";
import {
  limitOffset,
  type PostgresDatabase,
  type PostgresQueries,
  replaceOnConflict,
} from "./postgres-database.js";

const posts = rowCodec(PostSchema);
const fileInfos = rowCodec(FileInfoSchema);

export function postgresPostStore(db: PostgresDatabase): PostStore {
  return {
    async createPost(post: Post): Promise<Post> {
      // READ COMMITTED: the counters (the channel's, its members' unread counts, the thread's
      // reply counts) are bumped in place and each file is claimed by an UPDATE
      // that re-checks it is unattached, so concurrent posts to one channel queue on its row
      // rather than fail and retry; a clash on the post id is caught by the primary key.
      return db.write((tx) => insertPost(tx, post), "read committed");
    },

    async getPost(postId: string): Promise<Post> {
      return postById(db, postId);
    },

    async updatePost(post: Post): Promise<Post> {
      return db.write(async (tx) => {
        const old = await postById(tx, post.id);
        const now = tx.now();
        const updated = create(PostSchema, {
          ...old,
          message: post.message,
          props: post.props,
          fileIds: post.fileIds,
          isPinned: post.isPinned,
          metadata: post.metadata,
          updateAt: now,
          // As in Mattermost, only a changed message counts as an edit (pinning does not).
          editAt: post.message === old.message ? old.editAt : now,
        });
        await tx.run(
          `UPDATE posts SET ${posts.assignments} WHERE "id" = @id`,
          posts.toRow(updated),
        );
        return updated;
      });
    },

    async deletePost(postId: string): Promise<Post> {
      return db.write(async (tx) => {
        const post = await postById(tx, postId);
        if (post.deleteAt !== 0n) {
          return post;
        }
        const now = tx.now();
        await tx.run(
          `UPDATE posts SET "delete_at" = @now, "update_at" = @now
           WHERE "id" = @postId OR ("root_id" = @postId AND "delete_at" = 0)`,
          { now, postId },
        );
        if (post.rootId) {
          await tx.run(
            `UPDATE posts SET "reply_count" = GREATEST("reply_count" - 1, 0)
             WHERE "id" = @rootId OR ("root_id" = @rootId AND "delete_at" = 0)`,
            { rootId: post.rootId },
          );
        }
        return create(PostSchema, { ...post, deleteAt: now, updateAt: now });
      });
    },

    async getPostsForChannel(channelId: string, page: PageQuery): Promise<Post[]> {
      const rows = await db.all(
        `SELECT ${posts.columnList} FROM posts WHERE "channel_id" = @channelId AND "delete_at" = 0
         ORDER BY "create_at" DESC, "id" DESC LIMIT @limit OFFSET @offset`,
        { channelId, ...limitOffset(page) },
      );
      return rows.map(posts.fromRow);
    },

    async saveFileInfo(info: FileInfo): Promise<FileInfo> {
      const stored = newRecord(FileInfoSchema, info, db.now());
      await db.run(
        `INSERT INTO file_infos ${fileInfos.insertClause}
         ${replaceOnConflict(["id"], fileInfos.columns)}`,
        fileInfos.toRow(stored),
      );
      return stored;
    },

    async getFileInfo(fileId: string): Promise<FileInfo> {
      const row = await db.one(
        `SELECT ${fileInfos.columnList} FROM file_infos WHERE "id" = ?`,
        fileId,
      );
      if (row === undefined) {
        throw notFound("file_info", `No file has id "${fileId}".`, { file_id: fileId });
      }
      return fileInfos.fromRow(row);
    },
  };
}

async function postById(db: PostgresQueries, postId: string): Promise<Post> {
  const row = await db.one(`SELECT ${posts.columnList} FROM posts WHERE "id" = ?`, postId);
  if (row === undefined) {
    throw notFound("post", `No post has id "${postId}".`, { post_id: postId });
  }
  return posts.fromRow(row);
}

/** Links the post's files to it, in the post's transaction: each must exist unattached. */
/**
 * Creates a post inside the caller's transaction: checks its channel and root, bumps the
 * channel's and its members' counters and the thread's reply counts, links its files.
 */
export async function insertPost(tx: PostgresQueries, post: Post): Promise<Post> {
  await channelById(tx, post.channelId);
  if (post.rootId) {
    const root = await tx.one(
      `SELECT 1 FROM posts WHERE "id" = ? AND "channel_id" = ? AND "root_id" = ''`,
      post.rootId,
      post.channelId,
    );
    if (root === undefined) {
      throw new ValidationError({
        id: "store.post.invalid_root",
        message: `post.root_id ${post.rootId} is not a root post of channel ${post.channelId}; reply to a root post of the same channel.`,
        params: { field: "root_id" },
      });
    }
  }
  if (post.id && (await tx.one(`SELECT 1 FROM posts WHERE "id" = ?`, post.id))) {
    throw idTaken("post", post.id);
  }
  const stored = newRecord(PostSchema, post, tx.now());
  await tx.run(`INSERT INTO posts ${posts.insertClause}`, posts.toRow(stored));
  await attachFiles(tx, stored);
  await tx.run(
    `UPDATE channels SET "last_post_at" = GREATEST("last_post_at", @at),
         "total_msg_count" = "total_msg_count" + 1 WHERE "id" = @channelId`,
    { at: stored.createAt, channelId: stored.channelId },
  );
  await countPostForMembers(tx, stored);
  if (stored.rootId) {
    // As Mattermost counts them: every post of the thread carries its reply count; the
    // root also its last reply time, and a changed update_at so "since" reads bring it.
    await tx.run(
      `UPDATE posts SET "reply_count" = "reply_count" + 1, "last_reply_at" = CASE
           WHEN "id" = @rootId THEN GREATEST("last_reply_at", @at) ELSE "last_reply_at" END,
           "update_at" = CASE WHEN "id" = @rootId THEN GREATEST("update_at", @at) ELSE "update_at" END
         WHERE ("id" = @rootId OR "root_id" = @rootId) AND "id" <> @id`,
      { at: stored.createAt, rootId: stored.rootId, id: stored.id },
    );
    const root = await tx.one(`SELECT "reply_count" FROM posts WHERE "id" = ?`, stored.rootId);
    stored.replyCount = BigInt(root?.reply_count as bigint);
    await tx.run(`UPDATE posts SET "reply_count" = ? WHERE "id" = ?`, stored.replyCount, stored.id);
  }
  return stored;
}

async function attachFiles(tx: PostgresQueries, post: Post): Promise<void> {
  for (const fileId of new Set(post.fileIds)) {
    const changes = await tx.run(
      `UPDATE file_infos SET "post_id" = @postId, "update_at" = @at
       WHERE "id" = @fileId AND "post_id" = ''`,
      { postId: post.id, at: post.createAt, fileId },
    );
    if (changes !== 1) {
      throw new ValidationError({
        id: "store.post.file_not_attachable",
        message: `post.file_ids: file ${fileId} does not exist or is attached to another post.`,
        params: { field: "file_ids", file_id: fileId },
      });
    }
  }
}
