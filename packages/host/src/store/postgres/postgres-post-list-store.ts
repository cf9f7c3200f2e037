// PostListStore on PostgreSQL: the lists of posts clients page through, read from the posts
// table, and search through posts."message_search", a tsvector PostgreSQL keeps in step with
// the message (GIN-indexed; see migration 6). Lists of ids travel as one text[] parameter, so
// each query is one prepared statement whatever the number of ids.
import { type Post, PostSchema } from "@plugwire/protocol";
import type { PageQuery } from "../page-query.js";
import type { PostListStore, PostSearchQuery, ThreadQuery } from "../post-list-store.js";
import { postList, searchTerms, sortNewestFirst } from "../post-lists.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import { limitOffset, type PostgresDatabase } from "./postgres-database.js";

const posts = rowCodec(PostSchema);
const COLUMNS = posts.columnListOf("p");
const NEWEST_FIRST = `p."create_at" DESC, p."id" DESC`;
/** Most posts one "since" read returns, as in Mattermost. */
const MAX_POSTS_SINCE = 1000;

export function postgresPostListStore(db: PostgresDatabase): PostListStore {
  const select = async (where: string, ...params: unknown[]): Promise<Post[]> =>
    (await db.all(`SELECT ${COLUMNS} FROM posts p WHERE ${where}`, ...params)).map(posts.fromRow);

  /** The undeleted posts of these threads (roots and replies), or only the roots. */
  const threadsOf = async (
    channelId: string,
    rootIds: string[],
    rootsOnly: boolean,
  ): Promise<Post[]> => {
    if (rootIds.length === 0) return [];
    return select(
      `p."channel_id" = @channelId AND p."delete_at" = 0 AND (p."id" = ANY(@ids::text[])
       ${rootsOnly ? "" : `OR p."root_id" = ANY(@ids::text[])`})`,
      { channelId, ids: [...new Set(rootIds)] },
    );
  };

  return {
    async getPostsPage(channelId: string, page: PageQuery, skipFetchThreads = false) {
      const ordered = await select(
        `p."channel_id" = @channelId AND p."delete_at" = 0 ORDER BY ${NEWEST_FIRST}
         LIMIT @limit OFFSET @offset`,
        { channelId, ...limitOffset(page) },
      );
      const roots = ordered.map((post) => post.rootId).filter(Boolean);
      return postList(ordered, await threadsOf(channelId, roots, skipFetchThreads));
    },

    async getPostsSince(channelId: string, time: bigint) {
      const changed = await select(
        `p."channel_id" = @channelId AND p."update_at" > @time
         ORDER BY p."update_at", p."id" LIMIT ${MAX_POSTS_SINCE}`,
        { channelId, time },
      );
      const changedIds = new Set(changed.map((post) => post.id));
      const rootIds = [...new Set(changed.map((post) => post.rootId).filter(Boolean))].filter(
        (rootId) => !changedIds.has(rootId),
      );
      const roots = rootIds.length === 0 ? [] : await select(`p."id" = ANY(?::text[])`, rootIds);
      return postList(sortNewestFirst(changed), roots);
    },

    async getPostsAround(
      channelId: string,
      postId: string,
      side: "before" | "after",
      page: PageQuery,
      skipFetchThreads = false,
    ) {
      const [compare, order] = side === "before" ? ["<", "DESC"] : [">", "ASC"];
      const found = await select(
        `p."channel_id" = @channelId AND p."delete_at" = 0
         AND p."create_at" ${compare} (SELECT "create_at" FROM posts WHERE "id" = @postId)
         ORDER BY p."create_at" ${order}, p."id" ${order} LIMIT @limit OFFSET @offset`,
        { channelId, postId, ...limitOffset(page) },
      );
      const ordered = side === "before" ? found : found.reverse();
      const threadIds = ordered.flatMap((post) =>
        post.rootId ? [post.id, post.rootId] : [post.id],
      );
      return postList(ordered, await threadsOf(channelId, threadIds, skipFetchThreads));
    },

    async getPostIdAroundTime(channelId: string, time: bigint, side: "before" | "after") {
      const [compare, order] = side === "before" ? ["<", "DESC"] : [">", "ASC"];
      const row = await db.one(
        `SELECT "id" FROM posts WHERE "channel_id" = ? AND "delete_at" = 0 AND "create_at" ${compare} ?
         ORDER BY "create_at" ${order}, "id" ${order} LIMIT 1`,
        channelId,
        time,
      );
      return row === undefined ? "" : String(row.id);
    },

    async getPostThread(postId: string, query: ThreadQuery = {}) {
      const [post] = await select(`p."id" = ? AND p."delete_at" = 0`, postId);
      if (post === undefined) {
        throw notFound("post", `No post has id "${postId}".`, { post_id: postId });
      }
      if (query.skipFetchThreads) return postList([post], []);
      const rootId = post.rootId || post.id;
      const down = query.direction === "down";
      const order = down ? "ASC" : "DESC";
      const compare = down ? ">" : "<";
      const from =
        query.fromCreateAt === undefined || query.fromCreateAt === 0n
          ? ""
          : query.fromPost
            ? `AND (p."create_at" ${compare} @fromCreateAt
                    OR (p."create_at" = @fromCreateAt AND p."id" ${compare} @fromPost))`
            : `AND p."create_at" ${compare} @fromCreateAt`;
      const perPage = query.perPage ?? 0;
      const thread = await select(
        `(p."id" = @rootId OR p."root_id" = @rootId) AND p."delete_at" = 0 ${from}
         ORDER BY p."create_at" ${order}, p."id" ${order} ${perPage > 0 ? "LIMIT @limit" : ""}`,
        {
          rootId,
          ...(from ? { fromCreateAt: query.fromCreateAt, fromPost: query.fromPost ?? "" } : {}),
          ...(perPage > 0 ? { limit: perPage + 1 } : {}),
        },
      );
      const hasNext = perPage > 0 && thread.length > perPage;
      const list = postList([post, ...thread.slice(0, hasNext ? perPage : undefined)], []);
      list.order = [...new Set(list.order)];
      list.hasNext = hasNext;
      return list;
    },

    async getPostsByIds(postIds: readonly string[]) {
      return select(`p."id" = ANY(?::text[]) ORDER BY ${NEWEST_FIRST}`, [...postIds]);
    },

    async getPinnedPosts(channelId: string) {
      return postList(
        await select(
          `p."channel_id" = ? AND p."is_pinned" = 1 AND p."delete_at" = 0 ORDER BY ${NEWEST_FIRST}`,
          channelId,
        ),
        [],
      );
    },

    async searchPosts(query: PostSearchQuery) {
      const match = tsQuery(query.terms, query.orTerms ? "|" : "&");
      const excluded = tsQuery(query.excludedTerms, "|");
      if (query.terms.trim() !== "" && match === "") return [];
      const conditions = [
        `p."delete_at" = 0`,
        `p."type" NOT LIKE 'system\\_%' ESCAPE '\\'`,
        `(c."team_id" = @teamId OR c."team_id" = '')`,
        query.includeDeletedChannels ? "" : `c."delete_at" = 0`,
        query.memberId === undefined
          ? ""
          : `p."channel_id" IN (SELECT "channel_id" FROM channel_members WHERE "user_id" = @memberId)`,
        match ? `p."message_search" @@ to_tsquery('plugwire_search', @match)` : "",
        excluded ? `NOT (p."message_search" @@ to_tsquery('plugwire_search', @excluded))` : "",
        query.inChannelIds.length ? `p."channel_id" = ANY(@in::text[])` : "",
        query.excludedChannelIds.length ? `p."channel_id" <> ALL(@notIn::text[])` : "",
        query.fromUserIds.length ? `p."user_id" = ANY(@from::text[])` : "",
        query.excludedUserIds.length ? `p."user_id" <> ALL(@notFrom::text[])` : "",
        query.createdFrom === undefined ? "" : `p."create_at" >= @createdFrom`,
        query.createdTo === undefined ? "" : `p."create_at" <= @createdTo`,
      ].filter(Boolean);
      const params: Record<string, unknown> = {
        teamId: query.teamId,
        ...limitOffset(query.page),
        ...(query.memberId === undefined ? {} : { memberId: query.memberId }),
        ...(match ? { match } : {}),
        ...(excluded ? { excluded } : {}),
        ...(query.inChannelIds.length ? { in: [...query.inChannelIds] } : {}),
        ...(query.excludedChannelIds.length ? { notIn: [...query.excludedChannelIds] } : {}),
        ...(query.fromUserIds.length ? { from: [...query.fromUserIds] } : {}),
        ...(query.excludedUserIds.length ? { notFrom: [...query.excludedUserIds] } : {}),
        ...(query.createdFrom === undefined ? {} : { createdFrom: query.createdFrom }),
        ...(query.createdTo === undefined ? {} : { createdTo: query.createdTo }),
      };
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM posts p JOIN channels c ON c."id" = p."channel_id"
         WHERE ${conditions.join(" AND ")} ORDER BY ${NEWEST_FIRST} LIMIT @limit OFFSET @offset`,
        params,
      );
      return rows.map(posts.fromRow);
    },
  };
}

/** ASCII punctuation, which becomes a space before indexing or searching (see migration 6). */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * A to_tsquery query for search terms: each word, "quoted phrase" or prefix* word (searchTerms)
 * becomes a quoted operand, `:*` after a prefix, joined by & or |; the words of an operand must
 * follow each other. Its punctuation becomes spaces as the message's did, which leaves no
 * character (quote, backslash, operator) that to_tsquery would read as syntax. "" when nothing
 * is left.
 */
function tsQuery(terms: string, join: "&" | "|"): string {
  return searchTerms(terms)
    .map(({ text, prefix }) => {
      const quoted = `'${text.replace(ASCII_PUNCTUATION, " ")}'`;
      return prefix ? `${quoted}:*` : quoted;
    })
    .join(` ${join} `);
}
