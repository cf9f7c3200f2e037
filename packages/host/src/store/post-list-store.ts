import type { Post, PostList } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** How a thread is read: all of it, or a page from a point in one direction. */
export interface ThreadQuery {
  /** "down" pages oldest first, "up" newest first; unset reads the thread newest first. */
  direction?: "up" | "down";
  /** Most thread posts to return (has_next says whether more follow); unset or 0 for all. */
  perPage?: number;
  /** Page from this creation time (exclusive)… */
  fromCreateAt?: bigint;
  /** …and, at that same time, from this post id (exclusive). */
  fromPost?: string;
  /** Only the post itself, without its thread. */
  skipFetchThreads?: boolean;
}

/** One search, with channels and authors already resolved to ids. */
export interface PostSearchQuery {
  teamId: string;
  /** Only channels this user is a member of; every channel of the team when unset. */
  memberId?: string;
  /** Words, "quoted phrases", prefix* words; all must match unless orTerms. */
  terms: string;
  /** Words or phrases none of which may match. */
  excludedTerms: string;
  orTerms: boolean;
  inChannelIds: readonly string[];
  excludedChannelIds: readonly string[];
  fromUserIds: readonly string[];
  excludedUserIds: readonly string[];
  /** Created at or after (ms). */
  createdFrom?: bigint;
  /** Created at or before (ms). */
  createdTo?: bigint;
  includeDeletedChannels: boolean;
  page: PageQuery;
}

/**
 * The lists of posts Mattermost's clients page through. Each PostList's order is newest first
 * and its posts map also carries the threads of the ordered posts (roots and replies), as
 * Mattermost's do, unless the query skips threads.
 */
export interface PostListStore {
  /** A page of a channel's undeleted posts (replies included), newest first. */
  getPostsPage(channelId: string, page: PageQuery, skipFetchThreads?: boolean): Promise<PostList>;
  /**
   * A channel's posts created, edited or deleted after `time` (ms), at most 1000; the roots
   * of their threads come in posts, and in order only when changed themselves.
   */
  getPostsSince(channelId: string, time: bigint): Promise<PostList>;
  /** A page of a channel's undeleted posts older ("before") or newer ("after") than a post. */
  getPostsAround(
    channelId: string,
    postId: string,
    side: "before" | "after",
    page: PageQuery,
    skipFetchThreads?: boolean,
  ): Promise<PostList>;
  /** The id of the undeleted post created just before or after `time`; "" when none. */
  getPostIdAroundTime(channelId: string, time: bigint, side: "before" | "after"): Promise<string>;
  /** A post (first in order) and its thread; NotFoundError when missing or deleted. */
  getPostThread(postId: string, query?: ThreadQuery): Promise<PostList>;
  /** The posts of these ids that exist (deleted ones included), newest first. */
  getPostsByIds(postIds: readonly string[]): Promise<Post[]>;
  /** A channel's undeleted pinned posts, newest first. */
  getPinnedPosts(channelId: string): Promise<PostList>;
  /** Undeleted, non-system posts matching a search, newest first. */
  searchPosts(query: PostSearchQuery): Promise<Post[]>;
}
