// /api/v4/posts: posts go through the application layer, so MessageWillBePosted and its
// siblings decide and hear about every post made here. Channel members post and read; authors
// (and system admins) edit and delete. Files uploaded to the channel by the author are
// attached by listing their ids.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Post, PostSchema } from "@plugwire/protocol";
import { modelFromJson, modelToJson } from "./model-json.js";
import { isSystemAdmin, requireChannelMember } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

const CREATABLE = [
  "channel_id",
  "message",
  "root_id",
  "file_ids",
  "props",
  "pending_post_id",
  "type",
];
const PATCHABLE = ["message", "is_pinned", "props"];
/** Mattermost's limit of files on one post. */
const MAX_FILES_PER_POST = 10;

export function postRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/posts", createPost)
    .add("GET", "/api/v4/posts/{post_id}", async (call) => {
      const post = await readablePost(call);
      call.send(200, modelToJson(PostSchema, post));
    })
    .add("PUT", "/api/v4/posts/{post_id}", (call) => changePost(call, "replace"))
    .add("PUT", "/api/v4/posts/{post_id}/patch", (call) => changePost(call, "patch"))
    .add("DELETE", "/api/v4/posts/{post_id}", async (call) => {
      const post = await authoredPost(call);
      await call.host.app.deletePost(call.actor(), post.id);
      call.ok();
    });
}

async function createPost(call: RestCall): Promise<void> {
  const user = call.user();
  const { value: post } = modelFromJson(PostSchema, await call.json(), CREATABLE);
  if (post.channelId === "") throw invalidBodyParam("channel_id", "it is required.");
  if (post.type.startsWith("system_")) {
    throw invalidBodyParam(
      "type",
      `"${post.type}" is a system post type; clients can't make those.`,
    );
  }
  await requireChannelMember(call, post.channelId);
  await checkAttachableFiles(call, post);
  post.userId = user.id;
  const created = await call.host.app.createPost(call.actor(), post);
  call.send(201, modelToJson(PostSchema, created));
}

/**
 * PUT replaces what a person may change (message, props, pinning); the patch changes only the
 * fields given. Either way the body's other model fields are ignored, as v4 does.
 */
async function changePost(call: RestCall, mode: "replace" | "patch"): Promise<void> {
  const old = await authoredPost(call);
  const settable = mode === "replace" ? ["id", ...PATCHABLE] : PATCHABLE;
  const { value: change, given } = modelFromJson(PostSchema, await call.json(), settable);
  if (mode === "replace" && change.id !== old.id) {
    throw invalidBodyParam("id", "it must be the post of the URL.");
  }
  const keep = (field: string) => mode === "patch" && !given.has(field);
  const updated = await call.host.app.updatePost(
    call.actor(),
    create(PostSchema, {
      ...old,
      message: keep("message") ? old.message : change.message,
      props: keep("props") ? old.props : (change.props ?? {}),
      isPinned: keep("is_pinned") ? old.isPinned : change.isPinned,
    }),
  );
  call.send(200, modelToJson(PostSchema, updated));
}

/** The post of the URL, when the logged-in user may read it; deleted posts are gone (404). */
async function readablePost(call: RestCall): Promise<Post> {
  const post = await call.host.store.getPost(call.param("post_id"));
  if (post.deleteAt !== 0n) {
    throw new NotFoundError({
      id: "app.post.get.deleted",
      message: `Post ${post.id} was deleted.`,
      params: { post_id: post.id },
    });
  }
  await requireChannelMember(call, post.channelId);
  return post;
}

/** The post of the URL, when the logged-in user wrote it or is a system admin. */
async function authoredPost(call: RestCall): Promise<Post> {
  const post = await readablePost(call);
  const user = call.user();
  if (post.userId !== user.id && !isSystemAdmin(user)) {
    throw permissionDenied("you can change only your own posts", "edit_others_posts");
  }
  return post;
}

/** The files a new post lists: each uploaded by its author to its channel and not yet attached. */
async function checkAttachableFiles(call: RestCall, post: Post): Promise<void> {
  if (post.fileIds.length > MAX_FILES_PER_POST) {
    throw invalidBodyParam("file_ids", `a post may have at most ${MAX_FILES_PER_POST} files.`);
  }
  for (const fileId of new Set(post.fileIds)) {
    const file = await call.host.store.getFileInfo(fileId).catch((error: unknown) => {
      if (error instanceof NotFoundError)
        throw invalidBodyParam("file_ids", `no file has id ${fileId}.`);
      throw error;
    });
    if (file.creatorId !== call.userId || file.channelId !== post.channelId || file.postId !== "") {
      throw invalidBodyParam(
        "file_ids",
        `file ${fileId} is not one you uploaded to this channel and have not attached yet.`,
      );
    }
  }
}
