import type { Reaction } from "@plugwire/protocol";

/** Emoji reactions to posts: one per user, post and emoji, as in Mattermost. */
export interface ReactionStore {
  /**
   * Stores a reaction (create_at/update_at set, channel_id from its post; saving it again keeps
   * one row) and, in the same transaction, marks the post has_reactions and bumps its update_at.
   * NotFoundError for an unknown post.
   */
  saveReaction(reaction: Reaction): Promise<Reaction>;
  /**
   * Removes a user's reaction and sets the post's has_reactions to whether any remain, bumping
   * its update_at; removing a reaction that does not exist changes nothing. Returns whether one
   * was removed.
   */
  deleteReaction(reaction: Reaction): Promise<boolean>;
  /** The reactions to a post, oldest first. */
  getReactionsForPost(postId: string): Promise<Reaction[]>;
  /** The reactions to each of the posts, oldest first; a post without any is absent. */
  getReactionsForPosts(postIds: readonly string[]): Promise<Reaction[]>;
  /** How many different emojis the post has reactions with. */
  countUniqueEmojisOnPost(postId: string): Promise<number>;
}
