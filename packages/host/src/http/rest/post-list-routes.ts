// The lists of posts v4 clients page through, as api4/post.go serves them: a channel's posts
// by page, before or after a post, or changed since a time (with the next_post_id and
// prev_post_id cursors Mattermost adds), a thread, posts by ids, pinned posts, pinning, and
// a team's search. Lists answer in v4's PostList shape. Reading needs read_channel (members).
import type { JsonObject } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Post, type PostList, SearchParameterSchema } from "@plugwire/protocol";
import type { App, ThreadQuery } from "../../app/app.js";
import { booleanField, fieldsOf, type JsonFields, stringField, typeName } from "./body-fields.js";
import { pageOfQuery } from "./paging.js";
import { hasChannelPermission, requireChannelMember, requireTeamMember } from "./permissions.js";
import { postsToJson } from "./post-metadata.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam } from "./rest-errors.js";
import type { Router } from "./router.js";

/** A 26-character id as Mattermost makes them. */
const ID = /^[a-z0-9]{26}$/;
/** Largest thread page, as Mattermost's PerPageMaximum. */
const MAX_THREAD_PER_PAGE = 200;
const SEARCH_FIELDS = [
  "terms",
  "is_or_search",
  "time_zone_offset",
  "page",
  "per_page",
  "include_deleted_channels",
];

export function postListRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/channels/{channel_id}/posts", channelPosts)
    .add("GET", "/api/v4/channels/{channel_id}/pinned", async (call) => {
      const channelId = await readableChannel(call);
      call.send(200, await postListJson(call.app, await call.app.getPinnedPosts(channelId)));
    })
    .add("GET", "/api/v4/posts/{post_id}/thread", postThread)
    .add("POST", "/api/v4/posts/ids", postsByIds)
    .add("POST", "/api/v4/posts/{post_id}/pin", (call) => setPinned(call, true))
    .add("POST", "/api/v4/posts/{post_id}/unpin", (call) => setPinned(call, false))
    .add("POST", "/api/v4/teams/{team_id}/posts/search", searchPosts);
}

/** The channel of the URL (404 when unknown), when the logged-in user may read it (403). */
async function readableChannel(call: RestCall): Promise<string> {
  call.user();
  const { id } = await call.app.getChannel(call.param("channel_id"));
  await requireChannelMember(call, id);
  return id;
}

/** GET /channels/{id}/posts: since, after, before or a page, in that precedence, as v4. */
async function channelPosts(call: RestCall): Promise<void> {
  const channelId = await readableChannel(call);
  const query = call.url.searchParams;
  const after = idParam(query, "after");
  const before = idParam(query, "before");
  const since = timeParam(query, "since");
  const skipFetchThreads = query.get("skipFetchThreads") === "true";
  const page = pageOfQuery(query);
  const { app } = call;
  const list =
    since > 0n
      ? await app.getPostsSince(channelId, since)
      : after
        ? await app.getPostsAround(channelId, after, "after", page, skipFetchThreads)
        : before
          ? await app.getPostsAround(channelId, before, "before", page, skipFetchThreads)
          : await app.getPostsPage(channelId, page, skipFetchThreads);
  // The cursors, as Mattermost's AddCursorIdsForPostList sets them: none for since; the post
  // paged from on the first page; the posts just outside the list otherwise, unless the list
  // is shorter than a page on the side paged towards.
  let next: string | undefined;
  let prev: string | undefined;
  if (since > 0n) {
    next = prev = "";
  } else if (after) {
    if (page.page === 0) prev = after;
    if (list.order.length < page.perPage) next = "";
  } else if (before) {
    if (page.page === 0) next = before;
    if (list.order.length < page.perPage) prev = "";
  }
  const newest = list.posts[list.order[0] ?? ""];
  const oldest = list.posts[list.order[list.order.length - 1] ?? ""];
  list.nextPostId =
    next ?? (newest ? await app.getPostIdAroundTime(channelId, newest.createAt, "after") : "");
  list.prevPostId =
    prev ?? (oldest ? await app.getPostIdAroundTime(channelId, oldest.createAt, "before") : "");
  call.send(200, await postListJson(call.app, list));
}

/** GET /posts/{id}/thread: the post first, then its thread, paged when perPage is given. */
async function postThread(call: RestCall): Promise<void> {
  call.user();
  const query = call.url.searchParams;
  const thread: ThreadQuery = { skipFetchThreads: query.get("skipFetchThreads") === "true" };
  const perPage = query.get("perPage");
  if (perPage !== null && perPage !== "") {
    if (!/^\d{1,9}$/.test(perPage) || Number(perPage) > MAX_THREAD_PER_PAGE) {
      throw invalidUrlParam("perPage", `"${perPage}" is not a whole number from 0 to 200.`);
    }
    thread.perPage = Number(perPage);
  }
  const fromCreateAt = timeParam(query, "fromCreateAt");
  const fromPost = query.get("fromPost") ?? "";
  if (fromPost !== "" && fromCreateAt === 0n) {
    throw invalidUrlParam("fromCreateAt", "fromPost needs fromCreateAt too.");
  }
  if (fromCreateAt > 0n) Object.assign(thread, { fromCreateAt, fromPost });
  const direction = query.get("direction") ?? "";
  if (direction !== "") {
    if (direction !== "up" && direction !== "down") {
      throw invalidUrlParam("direction", `"${direction}" is neither "up" nor "down".`);
    }
    thread.direction = direction;
  }
  const postId = call.param("post_id");
  const list = await call.app.getPostThread(postId, thread);
  const post = list.posts[postId] as Post;
  await requireChannelMember(call, post.channelId);
  call.send(200, await postListJson(call.app, list));
}

/** POST /posts/ids: the posts of the ids the user may read; 404 when none exists. */
async function postsByIds(call: RestCall): Promise<void> {
  call.user();
  const body = await call.json();
  if (!Array.isArray(body) || body.some((id) => typeof id !== "string")) {
    throw invalidBodyParam("post_ids", `expected an array of post ids, got ${typeName(body)}.`);
  }
  const found = await call.app.getPostsByIds(body as string[]);
  const readable = new Map<string, boolean>();
  const answer: Post[] = [];
  for (const post of found) {
    let allowed = readable.get(post.channelId);
    if (allowed === undefined) {
      allowed = await hasChannelPermission(call, post.channelId, "read_channel");
      readable.set(post.channelId, allowed);
    }
    if (allowed) answer.push(post);
  }
  call.send(200, await postsToJson(call.app, answer));
}

/** POST /posts/{id}/pin and /unpin: channel members may pin any post of it, as in v4. */
async function setPinned(call: RestCall, pinned: boolean): Promise<void> {
  call.user();
  const post = await call.app.getPost(call.param("post_id"));
  await requireChannelMember(call, post.channelId);
  if (post.deleteAt !== 0n) {
    throw new NotFoundError({
      id: "app.post.get.app_error",
      message: `Post ${post.id} was deleted.`,
      params: { post_id: post.id },
    });
  }
  await call.app.setPostPinned(call.actor(), post.id, pinned);
  call.ok();
}

/** POST /teams/{id}/posts/search: the user's search, in the team's channels they are in. */
async function searchPosts(call: RestCall): Promise<void> {
  const user = call.user();
  const teamId = call.param("team_id");
  await requireTeamMember(call, teamId);
  const fields = fieldsOf(await call.json(), SEARCH_FIELDS, call.ignoreField);
  const terms = stringField(fields, "terms");
  if (terms.trim() === "") throw invalidBodyParam("terms", "it is required.");
  const list = await call.app.searchPostsForUser(
    teamId,
    user.id,
    create(SearchParameterSchema, {
      terms,
      isOrSearch: booleanField(fields, "is_or_search"),
      includeDeletedChannels: booleanField(fields, "include_deleted_channels"),
      timeZoneOffset: integerField(fields, "time_zone_offset", true),
      page: integerField(fields, "page"),
      perPage: integerField(fields, "per_page"),
    }),
  );
  call.send(
    200,
    { ...(await postListJson(call.app, list)), matches: null },
    {
      "Cache-Control": "no-cache, no-store, must-revalidate",
    },
  );
}

/** A PostList as v4 writes it, each post with its metadata; has_next only where Mattermost sets it. */
export async function postListJson(app: App, list: PostList): Promise<JsonObject> {
  const ids = Object.keys(list.posts);
  const json = await postsToJson(app, Object.values(list.posts));
  return {
    order: list.order,
    posts: Object.fromEntries(ids.map((id, i) => [id, json[i] as JsonObject])),
    next_post_id: list.nextPostId,
    prev_post_id: list.prevPostId,
    ...(list.hasNext === undefined ? {} : { has_next: list.hasNext }),
    first_inaccessible_post_time: 0,
  };
}

function idParam(query: URLSearchParams, name: string): string {
  const value = query.get(name) ?? "";
  if (value !== "" && !ID.test(value)) {
    throw invalidUrlParam(name, `"${value}" is not a post id (26 characters a-z 0-9).`);
  }
  return value;
}

function timeParam(query: URLSearchParams, name: string): bigint {
  const value = query.get(name) ?? "";
  if (value === "") return 0n;
  if (!/^\d{1,16}$/.test(value)) {
    throw invalidUrlParam(name, `"${value}" is not a time in milliseconds since the epoch.`);
  }
  return BigInt(value);
}

function integerField(fields: JsonFields, name: string, signed = false): number {
  const value = fields[name] ?? 0;
  if (typeof value !== "number" || !Number.isInteger(value) || (!signed && value < 0)) {
    throw invalidBodyParam(
      name,
      `expected a whole number${signed ? "" : " from 0 up"}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
