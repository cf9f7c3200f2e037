// Reactions over v4, with Mattermost's checks: a user reacts as themselves in a channel they
// are a member of; removing another user's reaction takes a system admin. (Mattermost's
// add_reaction / remove_reaction are channel member permissions and remove_others_reactions a
// system one; they are named in the 403s.) Unknown or deleted posts are 404.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Post, ReactionSchema } from "@plugwire/protocol";
import { modelFromJson, modelToJson } from "./model-json.js";
import { hasChannelPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

export function reactionRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/reactions", saveReaction)
    .add("GET", "/api/v4/posts/{post_id}/reactions", async (call) => {
      const post = await postInChannelOf(call, call.param("post_id"), "read_channel");
      const reactions = await call.app.getReactions(post.id);
      call.send(
        200,
        reactions.map((reaction) => modelToJson(ReactionSchema, reaction)),
      );
    })
    .add("DELETE", "/api/v4/users/{user_id}/posts/{post_id}/reactions/{emoji_name}", deleteReaction)
    .add("POST", "/api/v4/posts/ids/reactions", getBulkReactions);
}

async function saveReaction(call: RestCall): Promise<void> {
  const user = call.user();
  const { value: reaction } = modelFromJson(
    ReactionSchema,
    await call.json(),
    ["user_id", "post_id", "emoji_name"],
    call.ignoreField,
  );
  if (!isValidId(reaction.userId))
    throw invalidBodyParam("user_id", "a 26-character id is required.");
  if (!isValidId(reaction.postId))
    throw invalidBodyParam("post_id", "a 26-character id is required.");
  if (reaction.emojiName === "") throw invalidBodyParam("emoji_name", "it is required.");
  if (reaction.userId !== user.id) {
    throw permissionDenied("you can react only as yourself", "add_reaction");
  }
  await postInChannelOf(call, reaction.postId, "add_reaction");
  const saved = await call.app.addReaction(call.actor(), reaction);
  call.send(200, modelToJson(ReactionSchema, saved));
}

async function deleteReaction(call: RestCall): Promise<void> {
  const user = call.user();
  const userId = call.param("user_id") === "me" ? user.id : call.param("user_id");
  if (!isValidId(userId)) throw invalidUrlParam("user_id", "a 26-character id is required.");
  const post = await postInChannelOf(call, call.param("post_id"), "remove_reaction");
  if (userId !== user.id && !call.app.hasPermissionTo(user, "delete_others_posts")) {
    throw permissionDenied("you can remove only your own reactions", "remove_others_reactions");
  }
  await call.app.removeReaction(
    call.actor(),
    create(ReactionSchema, { userId, postId: post.id, emojiName: call.param("emoji_name") }),
  );
  call.ok();
}

/** The reactions of each post of the body's id list: {post_id: [reactions]}, [] for none. */
async function getBulkReactions(call: RestCall): Promise<void> {
  const body = await call.json();
  if (!Array.isArray(body) || body.some((id) => typeof id !== "string" || !isValidId(id))) {
    throw invalidBodyParam("post_ids", "expected a JSON array of 26-character post ids.");
  }
  const postIds = [...new Set(body as string[])].sort();
  for (const postId of postIds) await postInChannelOf(call, postId, "read_channel");
  const byPost = await call.app.getReactionsForPosts(postIds);
  call.send(
    200,
    Object.fromEntries(
      Object.entries(byPost).map(([postId, reactions]) => [
        postId,
        reactions.map((reaction) => modelToJson(ReactionSchema, reaction)),
      ]),
    ),
  );
}

/**
 * The live post `postId`, when the logged-in user is a member of its channel; 404 for an
 * unknown or deleted post, 403 (naming `permission`) for someone else's channel.
 */
async function postInChannelOf(
  call: RestCall,
  postId: string,
  permission: "read_channel" | "add_reaction" | "remove_reaction",
): Promise<Post> {
  call.user();
  if (!isValidId(postId)) throw invalidUrlParam("post_id", "a 26-character id is required.");
  const post = await call.app.getPost(postId);
  if (post.deleteAt !== 0n) {
    throw new NotFoundError({
      id: "app.post.get.app_error",
      message: `Post ${post.id} was deleted.`,
      params: { post_id: post.id },
    });
  }
  // Mattermost's add_reaction and remove_reaction are channel member permissions; the
  // permission model here has create_post for the same members, so that decides.
  const allowed = await hasChannelPermission(
    call,
    post.channelId,
    permission === "read_channel" ? "read_channel" : "create_post",
  );
  if (!allowed)
    throw permissionDenied(`you are not a member of channel ${post.channelId}`, permission);
  return post;
}

/** Mattermost's IsValidId: 26 letters and digits. */
function isValidId(id: string): boolean {
  return /^[a-zA-Z0-9]{26}$/.test(id);
}
