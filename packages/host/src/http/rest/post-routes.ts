// /api/v4/posts: posts go through the application layer, so MessageWillBePosted and its
// siblings decide and hear about every post made here. Channel members post and read; authors
// (and system admins) edit and delete. Files uploaded to the channel by the author are
// attached by listing their ids (the app checks them and links them in the post's transaction).
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Post, PostSchema } from "@plugwire/protocol";
import type { Permission } from "../../app/app.js";
import { modelFromJson } from "./model-json.js";
import { requireChannelMember } from "./permissions.js";
import { postToJson } from "./post-metadata.js";
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

export function postRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/posts", createPost)
    .add("GET", "/api/v4/posts/{post_id}", async (call) => {
      const post = await readablePost(call);
      call.send(200, await postToJson(call.app, post));
    })
    .add("PUT", "/api/v4/posts/{post_id}", (call) => changePost(call, "replace"))
    .add("PUT", "/api/v4/posts/{post_id}/patch", (call) => changePost(call, "patch"))
    .add("DELETE", "/api/v4/posts/{post_id}", async (call) => {
      const post = await authoredPost(call, "delete_others_posts");
      await call.app.deletePost(call.actor(), post.id);
      call.ok();
    });
}

async function createPost(call: RestCall): Promise<void> {
  const user = call.user();
  const { value: post } = modelFromJson(PostSchema, await call.json(), CREATABLE, call.ignoreField);
  if (post.channelId === "") throw invalidBodyParam("channel_id", "it is required.");
  if (post.type.startsWith("system_")) {
    throw invalidBodyParam(
      "type",
      `"${post.type}" is a system post type; clients can't make those.`,
    );
  }
  await requireChannelMember(call, post.channelId);
  post.userId = user.id;
  const created = await call.app.createPost(call.actor(), post);
  call.send(201, await postToJson(call.app, created));
}

/**
 * PUT replaces what a person may change (message, props, pinning); the patch changes only the
 * fields given. Either way the body's other model fields are ignored, as v4 does.
 */
async function changePost(call: RestCall, mode: "replace" | "patch"): Promise<void> {
  const old = await authoredPost(call, "edit_others_posts");
  const settable = mode === "replace" ? ["id", ...PATCHABLE] : PATCHABLE;
  const { value: change, given } = modelFromJson(
    PostSchema,
    await call.json(),
    settable,
    call.ignoreField,
  );
  if (mode === "replace" && change.id !== old.id) {
    throw invalidBodyParam("id", "it must be the post of the URL.");
  }
  const keep = (field: string) => mode === "patch" && !given.has(field);
  const updated = await call.app.updatePost(
    call.actor(),
    create(PostSchema, {
      ...old,
      message: keep("message") ? old.message : change.message,
      props: keep("props") ? old.props : (change.props ?? {}),
      isPinned: keep("is_pinned") ? old.isPinned : change.isPinned,
    }),
  );
  call.send(200, await postToJson(call.app, updated));
}

/** The post of the URL, when the logged-in user may read it; deleted posts are gone (404). */
async function readablePost(call: RestCall): Promise<Post> {
  const post = await call.app.getPost(call.param("post_id"));
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

/** The post of the URL, when the logged-in user wrote it or may change others' posts. */
async function authoredPost(
  call: RestCall,
  othersPermission: Extract<Permission, "edit_others_posts" | "delete_others_posts">,
): Promise<Post> {
  const post = await readablePost(call);
  const user = call.user();
  if (post.userId !== user.id && !call.app.hasPermissionTo(user, othersPermission)) {
    throw permissionDenied("you can change only your own posts", othersPermission);
  }
  return post;
}
