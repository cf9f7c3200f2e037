// Reactions, as Mattermost's app layer keeps them: a reaction needs a live post in a channel
// that is not archived, at most UNIQUE_EMOJI_REACTION_LIMIT_PER_POST different emojis go on one
// post, and each change updates the post (has_reactions, update_at) in the reaction's
// transaction, then fires ReactionHasBeenAdded/Removed and tells the channel. Who may react is
// the caller's check (REST: channel members for themselves; the Plugin API is trusted).
import { create } from "@bufbuild/protobuf";
import { NotFoundError, PermissionDeniedError, ValidationError } from "@plugwire/errors";
import { type Post, type Reaction, ReactionSchema } from "@plugwire/protocol";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";

/** Longest emoji name, as in Mattermost. */
export const EMOJI_NAME_MAX_LENGTH = 64;
/** Most different emojis on one post: Mattermost's default UniqueEmojiReactionLimitPerPost. */
export const UNIQUE_EMOJI_REACTION_LIMIT_PER_POST = 50;
const EMOJI_NAME = /^[a-zA-Z0-9\-+_]+$/;

export interface ReactionOperations {
  /** Stores the reaction of reaction.user_id, then ReactionHasBeenAdded and reaction_added. */
  addReaction(actor: Actor, reaction: Reaction): Promise<Reaction>;
  /** Removes it, then ReactionHasBeenRemoved and reaction_removed (when there was one). */
  removeReaction(actor: Actor, reaction: Reaction): Promise<void>;
  /** The reactions to a post, oldest first. */
  getReactions(postId: string): Promise<Reaction[]>;
  /** The reactions of each post asked for, keyed by post id; [] for a post without any. */
  getReactionsForPosts(postIds: readonly string[]): Promise<Record<string, Reaction[]>>;
}

export class Reactions implements ReactionOperations {
  constructor(private readonly core: AppCore) {}

  async addReaction(actor: Actor, reaction: Reaction): Promise<Reaction> {
    validateReaction(reaction);
    const post = await this.livePost(reaction.postId);
    await this.core.store.getUser(reaction.userId);
    const { store } = this.core;
    const onPost = await store.getReactionsForPost(post.id);
    if (
      !onPost.some((existing) => existing.emojiName === reaction.emojiName) &&
      new Set(onPost.map((existing) => existing.emojiName)).size >=
        UNIQUE_EMOJI_REACTION_LIMIT_PER_POST
    ) {
      throw new ValidationError({
        id: "app.reaction.save.save.too_many_reactions",
        message: `Post ${post.id} has reactions with ${UNIQUE_EMOJI_REACTION_LIMIT_PER_POST} different emojis already, the most a post may have; react with one of those.`,
        params: { field: "emoji_name" },
      });
    }
    await this.requireOpenChannel(post, "save");
    const stored = await store.saveReaction(
      create(ReactionSchema, { ...reaction, createAt: 0n, remoteId: "" }),
    );
    this.core.notify("ReactionHasBeenAdded", { context: contextOf(actor), reaction: stored });
    this.core.emit("reactionAdded", stored, actor);
    return stored;
  }

  async removeReaction(actor: Actor, reaction: Reaction): Promise<void> {
    validateReaction(reaction);
    const post = await this.livePost(reaction.postId);
    await this.requireOpenChannel(post, "delete");
    const removed = create(ReactionSchema, {
      userId: reaction.userId,
      postId: post.id,
      emojiName: reaction.emojiName,
      channelId: post.channelId,
    });
    if (!(await this.core.store.deleteReaction(removed))) return;
    this.core.notify("ReactionHasBeenRemoved", { context: contextOf(actor), reaction: removed });
    this.core.emit("reactionRemoved", removed, actor);
  }

  getReactions(postId: string): Promise<Reaction[]> {
    return this.core.store.getReactionsForPost(postId);
  }

  async getReactionsForPosts(postIds: readonly string[]): Promise<Record<string, Reaction[]>> {
    const byPost: Record<string, Reaction[]> = {};
    for (const postId of postIds) byPost[postId] = [];
    for (const reaction of await this.core.store.getReactionsForPosts([...new Set(postIds)])) {
      byPost[reaction.postId]?.push(reaction);
    }
    return byPost;
  }

  /** The post, unless it is unknown or deleted (NotFoundError either way, as Mattermost). */
  private async livePost(postId: string): Promise<Post> {
    const post = await this.core.store.getPost(postId);
    if (post.deleteAt !== 0n) {
      throw new NotFoundError({
        id: "app.post.get.app_error",
        message: `Post ${postId} was deleted.`,
        params: { post_id: postId },
      });
    }
    return post;
  }

  private async requireOpenChannel(post: Post, action: "save" | "delete"): Promise<void> {
    const channel = await this.core.store.getChannel(post.channelId);
    if (channel.deleteAt !== 0n) {
      throw new PermissionDeniedError({
        id: `api.reaction.${action}.archived_channel.app_error`,
        message: `Channel ${channel.id} is archived; its posts' reactions can't change.`,
        params: { channel_id: channel.id },
      });
    }
  }
}

/** Mattermost's Reaction.IsValid, each failure naming the field. */
export function validateReaction(reaction: Reaction): void {
  const invalid = (field: string, message: string) =>
    new ValidationError({ id: "model.reaction.is_valid.app_error", message, params: { field } });
  if (!reaction.userId) throw invalid("user_id", "reaction.user_id is required.");
  if (!reaction.postId) throw invalid("post_id", "reaction.post_id is required.");
  if (!EMOJI_NAME.test(reaction.emojiName) || reaction.emojiName.length > EMOJI_NAME_MAX_LENGTH) {
    throw invalid(
      "emoji_name",
      `reaction.emoji_name "${reaction.emojiName}" must be 1 to ${EMOJI_NAME_MAX_LENGTH} of a-z, A-Z, 0-9, '-', '+' and '_', e.g. "smile" or "+1".`,
    );
  }
}
