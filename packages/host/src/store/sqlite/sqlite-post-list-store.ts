// PostListStore on SQLite: the lists of posts clients page through, read from the posts table,
// and search through the posts_fts index (FTS5, kept in step with posts by triggers; see
// migration 6). Lists of ids travel as one JSON parameter read with json_each, so each query
// is one prepared statement whatever the number of ids.
import { type Post, PostSchema } from "@plugwire/protocol";
import type { PageQuery } from "../page-query.js";
import type { PostListStore, PostSearchQuery, ThreadQuery } from "../post-list-store.js";
import { postList, searchTerms, sortNewestFirst } from "../post-lists.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

const posts = rowCodec(PostSchema);
const COLUMNS = posts.columnListOf("p");
const NEWEST_FIRST = `p."create_at" DESC, p."id" DESC`;
/** Most posts one "since" read returns, as in Mattermost. */
const MAX_POSTS_SINCE = 1000;

export function sqlitePostListStore(db: SqliteDatabase): PostListStore {
  const select = (where: string, ...params: unknown[]): Post[] =>
    db.all(`SELECT ${COLUMNS} FROM posts p WHERE ${where}`, ...params).map(posts.fromRow);

  /** The undeleted posts of these threads (roots and replies), or only the roots. */
  const threadsOf = (channelId: string, rootIds: string[], rootsOnly: boolean): Post[] => {
    if (rootIds.length === 0) return [];
    const ids = JSON.stringify([...new Set(rootIds)]);
    return select(
      `p."channel_id" = @channelId AND p."delete_at" = 0 AND (p."id" IN (SELECT value FROM json_each(@ids))
       ${rootsOnly ? "" : `OR p."root_id" IN (SELECT value FROM json_each(@ids))`})`,
      { channelId, ids },
    );
  };

  return {
    async getPostsPage(channelId: string, page: PageQuery, skipFetchThreads = false) {
      const ordered = select(
        `p."channel_id" = @channelId AND p."delete_at" = 0 ORDER BY ${NEWEST_FIRST}
         LIMIT @limit OFFSET @offset`,
        { channelId, ...limitOffset(page) },
      );
      const roots = ordered.map((post) => post.rootId).filter(Boolean);
      return postList(ordered, threadsOf(channelId, roots, skipFetchThreads));
    },

    async getPostsSince(channelId: string, time: bigint) {
      const changed = select(
        `p."channel_id" = @channelId AND p."update_at" > @time
         ORDER BY p."update_at", p."id" LIMIT ${MAX_POSTS_SINCE}`,
        { channelId, time },
      );
      const changedIds = new Set(changed.map((post) => post.id));
      const roots = [...new Set(changed.map((post) => post.rootId).filter(Boolean))]
        .filter((rootId) => !changedIds.has(rootId))
        .flatMap((rootId) => select(`p."id" = ?`, rootId));
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
      const found = select(
        `p."channel_id" = @channelId AND p."delete_at" = 0
         AND p."create_at" ${compare} (SELECT "create_at" FROM posts WHERE "id" = @postId)
         ORDER BY p."create_at" ${order}, p."id" ${order} LIMIT @limit OFFSET @offset`,
        { channelId, postId, ...limitOffset(page) },
      );
      const ordered = side === "before" ? found : found.reverse();
      const threadIds = ordered.flatMap((post) =>
        post.rootId ? [post.id, post.rootId] : [post.id],
      );
      return postList(ordered, threadsOf(channelId, threadIds, skipFetchThreads));
    },

    async getPostIdAroundTime(channelId: string, time: bigint, side: "before" | "after") {
      const [compare, order] = side === "before" ? ["<", "DESC"] : [">", "ASC"];
      const row = db.one(
        `SELECT "id" FROM posts WHERE "channel_id" = ? AND "delete_at" = 0 AND "create_at" ${compare} ?
         ORDER BY "create_at" ${order}, "id" ${order} LIMIT 1`,
        channelId,
        time,
      );
      return row === undefined ? "" : String(row.id);
    },

    async getPostThread(postId: string, query: ThreadQuery = {}) {
      const [post] = select(`p."id" = ? AND p."delete_at" = 0`, postId);
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
      const thread = select(
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
      return select(
        `p."id" IN (SELECT value FROM json_each(?)) ORDER BY ${NEWEST_FIRST}`,
        JSON.stringify(postIds),
      );
    },

    async getPinnedPosts(channelId: string) {
      return postList(
        select(
          `p."channel_id" = ? AND p."is_pinned" = 1 AND p."delete_at" = 0 ORDER BY ${NEWEST_FIRST}`,
          channelId,
        ),
        [],
      );
    },

    async searchPosts(query: PostSearchQuery) {
      const match = ftsExpression(query.terms, query.orTerms ? "OR" : "AND");
      const excluded = ftsExpression(query.excludedTerms, "OR");
      if (query.terms.trim() !== "" && match === "") return [];
      const ids = (list: readonly string[]) => JSON.stringify(list);
      const conditions = [
        `p."delete_at" = 0`,
        `p."type" NOT LIKE 'system\\_%' ESCAPE '\\'`,
        `(c."team_id" = @teamId OR c."team_id" = '')`,
        query.includeDeletedChannels ? "" : `c."delete_at" = 0`,
        query.memberId === undefined
          ? ""
          : `p."channel_id" IN (SELECT "channel_id" FROM channel_members WHERE "user_id" = @memberId)`,
        match ? `p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH @match)` : "",
        excluded
          ? `p.rowid NOT IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH @excluded)`
          : "",
        query.inChannelIds.length ? `p."channel_id" IN (SELECT value FROM json_each(@in))` : "",
        query.excludedChannelIds.length
          ? `p."channel_id" NOT IN (SELECT value FROM json_each(@notIn))`
          : "",
        query.fromUserIds.length ? `p."user_id" IN (SELECT value FROM json_each(@from))` : "",
        query.excludedUserIds.length
          ? `p."user_id" NOT IN (SELECT value FROM json_each(@notFrom))`
          : "",
        query.createdFrom === undefined ? "" : `p."create_at" >= @createdFrom`,
        query.createdTo === undefined ? "" : `p."create_at" <= @createdTo`,
      ].filter(Boolean);
      const params: Record<string, unknown> = {
        teamId: query.teamId,
        ...limitOffset(query.page),
        ...(query.memberId === undefined ? {} : { memberId: query.memberId }),
        ...(match ? { match } : {}),
        ...(excluded ? { excluded } : {}),
        ...(query.inChannelIds.length ? { in: ids(query.inChannelIds) } : {}),
        ...(query.excludedChannelIds.length ? { notIn: ids(query.excludedChannelIds) } : {}),
        ...(query.fromUserIds.length ? { from: ids(query.fromUserIds) } : {}),
        ...(query.excludedUserIds.length ? { notFrom: ids(query.excludedUserIds) } : {}),
        ...(query.createdFrom === undefined ? {} : { createdFrom: query.createdFrom }),
        ...(query.createdTo === undefined ? {} : { createdTo: query.createdTo }),
      };
      return db
        .all(
          `SELECT ${COLUMNS} FROM posts p JOIN channels c ON c."id" = p."channel_id"
           WHERE ${conditions.join(" AND ")} ORDER BY ${NEWEST_FIRST} LIMIT @limit OFFSET @offset`,
          params,
        )
        .map(posts.fromRow);
    },
  };
}

/**
 * An FTS5 query for search terms: each word, "quoted phrase" or prefix* word (searchTerms)
 * becomes a quoted FTS5 string (so no character of it is FTS5 syntax), joined by AND or OR.
 * "" when nothing is left.
 */
function ftsExpression(terms: string, join: "AND" | "OR"): string {
  return searchTerms(terms)
    .map(({ text, prefix }) => {
      const quoted = `"${text.replaceAll('"', '""')}"`;
      return prefix ? `${quoted} *` : quoted;
    })
    .join(` ${join} `);
}
