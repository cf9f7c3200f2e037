import type { FileInfo, Post } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Posts, and the metadata of the files they carry (the bytes live in a FileStore). */
export interface PostStore {
  /**
   * Stores a new post (id and times assigned when empty) and bumps the channel's counters;
   * in the same transaction links the post's files, each of which must exist unattached.
   */
  createPost(post: Post): Promise<Post>;
  getPost(postId: string): Promise<Post>;
  /** Replaces message, props, file_ids, is_pinned, metadata of post.id; sets edit_at/update_at. */
  updatePost(post: Post): Promise<Post>;
  /** Sets delete_at; returns the post as it was before deletion (with delete_at set). */
  deletePost(postId: string): Promise<Post>;
  /** Non-deleted posts of a channel, newest first. */
  getPostsForChannel(channelId: string, page: PageQuery): Promise<Post[]>;

  saveFileInfo(info: FileInfo): Promise<FileInfo>;
  getFileInfo(fileId: string): Promise<FileInfo>;
}
