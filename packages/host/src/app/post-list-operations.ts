// Lists of posts (pages, threads, changes since a time, pinned posts, search), pinning, and
// the ephemeral posts a plugin changes or takes back. Reads answer as the store does; search
// resolves channel and user names to ids and dates to times before the store matches terms.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import {
  type Post,
  type PostList,
  PostListSchema,
  PostSchema,
  type SearchParameter,
  type SearchParams,
  SearchParamsSchema,
} from "@plugwire/protocol";
import type { PostSearchQuery, Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "./paging.js";
import type { Posts } from "./post-operations.js";
import { parseSearchTerms, searchTimeRange } from "./search-terms.js";

/** Most posts one search of SearchPostsInTeam returns, as Mattermost's database search. */
export const MAX_SEARCH_RESULTS = 100;
/** Most ids one GetPostsByIds asks for, as Mattermost's POST /posts/ids. */
export const MAX_POSTS_BY_IDS = 1000;

export interface PostListOperations
  extends Pick<
    Store,
    | "getPostsPage"
    | "getPostsSince"
    | "getPostsAround"
    | "getPostIdAroundTime"
    | "getPostThread"
    | "getPinnedPosts"
  > {
  /** The posts of these ids that exist, deleted ones included, newest first; 1 to 1000 ids. */
  getPostsByIds(postIds: readonly string[]): Promise<Post[]>;
  /** Pins or unpins a post: an edit through MessageWillBeUpdated, told as post_edited. */
  setPostPinned(actor: Actor, postId: string, pinned: boolean): Promise<Post>;
  /**
   * Posts of a team (every channel of it unless a search says otherwise) matching any of the
   * searches, newest first; channels by name and users by username, as Mattermost's.
   */
  searchPostsInTeam(teamId: string, paramsList: readonly SearchParams[]): Promise<Post[]>;
  /** A page of the posts a user's search string finds in the team's channels they are in. */
  searchPostsForUser(teamId: string, userId: string, search: SearchParameter): Promise<PostList>;
  /** Shows a user a changed ephemeral post (post_edited, to that user only). */
  updateEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post>;
  /** Takes an ephemeral post back from a user (post_deleted, to that user only). */
  deleteEphemeralPost(actor: Actor, userId: string, postId: string): Promise<void>;
}

export class PostLists
  implements
    Pick<
      PostListOperations,
      | "getPostsByIds"
      | "setPostPinned"
      | "searchPostsInTeam"
      | "searchPostsForUser"
      | "updateEphemeralPost"
      | "deleteEphemeralPost"
    >
{
  constructor(
    private readonly core: AppCore,
    private readonly posts: Posts,
  ) {}

  async getPostsByIds(postIds: readonly string[]): Promise<Post[]> {
    if (postIds.length === 0 || postIds.length > MAX_POSTS_BY_IDS) {
      throw new ValidationError({
        id: "api.post.posts_by_ids.invalid_body.request_error",
        message: `post_ids has ${postIds.length} ids; ask for 1 to ${MAX_POSTS_BY_IDS}.`,
        params: { field: "post_ids" },
      });
    }
    const found = await this.core.store.getPostsByIds(postIds);
    if (found.length === 0) {
      throw new NotFoundError({
        id: "app.post.get.app_error",
        message: `None of the ${postIds.length} post ids names a post.`,
        params: { post_ids: postIds.join(",") },
      });
    }
    return found;
  }

  async setPostPinned(actor: Actor, postId: string, pinned: boolean): Promise<Post> {
    const post = await this.core.store.getPost(postId);
    const channel = await this.core.store.getChannel(post.channelId);
    if (channel.deleteAt !== 0n) {
      throw new ValidationError({
        id: "api.post.patch_post.can_not_update_post_in_deleted.error",
        message: `Channel ${channel.id} is archived; its posts can't be pinned or unpinned.`,
        params: { field: "post_id" },
      });
    }
    return this.posts.updatePost(actor, create(PostSchema, { ...post, isPinned: pinned }));
  }

  async searchPostsInTeam(teamId: string, paramsList: readonly SearchParams[]): Promise<Post[]> {
    await this.core.store.getTeam(teamId);
    const found = new Map<string, Post>();
    for (const params of paramsList) {
      // As in Mattermost, searching for everything is not a search.
      if (params.terms === "*") continue;
      const resolved = create(SearchParamsSchema, {
        ...params,
        inChannels: await this.channelIds(teamId, params.inChannels),
        excludedChannels: await this.channelIds(teamId, params.excludedChannels),
        fromUsers: await this.userIds(params.fromUsers),
        excludedUsers: await this.userIds(params.excludedUsers),
      });
      const query = this.searchQuery(teamId, resolved, { page: 0, perPage: MAX_SEARCH_RESULTS });
      for (const post of await this.core.store.searchPosts(query)) found.set(post.id, post);
    }
    return [...found.values()].sort(newestFirst);
  }

  async searchPostsForUser(
    teamId: string,
    userId: string,
    search: SearchParameter,
  ): Promise<PostList> {
    if (search.terms.trim() === "") {
      throw new ValidationError({
        id: "api.context.invalid_body_param.app_error",
        message: "terms is required: what should the search find?",
        params: { field: "terms" },
      });
    }
    await this.core.store.getTeam(teamId);
    await this.core.store.getUser(userId);
    const params = parseSearchTerms(search.terms.trim(), search.timeZoneOffset);
    params.orTerms = search.isOrSearch;
    params.includeDeletedChannels = search.includeDeletedChannels;
    params.inChannels = await this.channelIds(teamId, params.inChannels);
    params.excludedChannels = await this.channelIds(teamId, params.excludedChannels);
    params.fromUsers = await this.userIds(params.fromUsers);
    params.excludedUsers = await this.userIds(params.excludedUsers);
    const perPage = Math.min(search.perPage || DEFAULT_PER_PAGE, MAX_PER_PAGE);
    const skip = search.page * perPage;
    // One more than the page, to tell whether another page follows.
    const limit = { page: 0, perPage: skip + perPage + 1 };
    const found = (
      await this.core.store.searchPosts(this.searchQuery(teamId, params, limit, userId))
    ).slice(skip);
    const page = found.slice(0, perPage);
    return create(PostListSchema, {
      order: page.map((post) => post.id),
      posts: Object.fromEntries(page.map((post) => [post.id, post])),
      hasNext: found.length > perPage,
    });
  }

  async updateEphemeralPost(_actor: Actor, userId: string, post: Post): Promise<Post> {
    await this.core.store.getUser(userId);
    const updated = create(PostSchema, {
      ...post,
      type: "system_ephemeral",
      updateAt: BigInt(Date.now()),
      props: post.props ?? {},
    });
    this.core.emit("ephemeralPostUpdated", userId, updated);
    return updated;
  }

  async deleteEphemeralPost(_actor: Actor, userId: string, postId: string): Promise<void> {
    await this.core.store.getUser(userId);
    const now = BigInt(Date.now());
    const deleted = create(PostSchema, {
      id: postId,
      userId,
      type: "system_ephemeral",
      deleteAt: now,
      updateAt: now,
    });
    this.core.emit("ephemeralPostDeleted", userId, deleted);
  }

  private searchQuery(
    teamId: string,
    params: SearchParams,
    page: { page: number; perPage: number },
    memberId?: string,
  ): PostSearchQuery {
    const { from, to } = searchTimeRange(params);
    return {
      teamId,
      memberId: params.searchWithoutUserId ? undefined : memberId,
      terms: params.terms,
      excludedTerms: params.excludedTerms,
      orTerms: params.orTerms,
      inChannelIds: params.inChannels,
      excludedChannelIds: params.excludedChannels,
      fromUserIds: params.fromUsers,
      excludedUserIds: params.excludedUsers,
      createdFrom: from,
      createdTo: to,
      includeDeletedChannels: params.includeDeletedChannels,
      page,
    };
  }

  /** Channel names of the team as ids; a name naming no channel stays, and so matches nothing. */
  private channelIds(teamId: string, names: readonly string[]): Promise<string[]> {
    return Promise.all(
      names.map((name) =>
        this.core.store.getChannelByName(teamId, name, true).then(
          (channel) => channel.id,
          () => name,
        ),
      ),
    );
  }

  /** Usernames as ids; a name naming no user stays, and so matches nothing. */
  private userIds(usernames: readonly string[]): Promise<string[]> {
    return Promise.all(
      usernames.map((username) =>
        this.core.store.getUserByUsername(username).then(
          (user) => user.id,
          () => username,
        ),
      ),
    );
  }
}

function newestFirst(a: Post, b: Post): number {
  if (a.createAt === b.createAt) return b.id.localeCompare(a.id);
  return a.createAt > b.createAt ? -1 : 1;
}
