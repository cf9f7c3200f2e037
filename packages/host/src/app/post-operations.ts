// Posts: MessageWillBePosted and MessageWillBeUpdated decide (in order, ascending plugin id,
// each seeing the previous plugin's result; the first rejection stops the operation), the
// store writes, then MessageHasBeenPosted and its siblings hear about it. A post with files is
// one write: the store links the files to the post in the post's transaction.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { type Post, type PostDecision, PostSchema } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import { type HookRequest, shareHookRequest } from "../supervisor/hook-client.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { consumedPost } from "./consumed-posts.js";
import { newId } from "./ids.js";

/** Longest post message, as in Mattermost. */
export const MAX_POST_MESSAGE_LENGTH = 16383;
/** Most files one post may have, as in Mattermost. */
export const MAX_FILES_PER_POST = 10;

/** Error id of a post a plugin rejected; the message carries the plugin's reason. */
export const POST_REJECTED_ID = "plugin.message_will_be_posted.rejected";
/** Error id of a post a plugin dismissed: nothing was stored and no reason is shown. */
export const POST_DISMISSED_ID = "plugin.message_will_be_posted.dismiss_post";
/** Error id of a post listing a file it may not have (see Posts.checkAttachableFiles). */
export const FILE_NOT_ATTACHABLE_ID = "app.post.create.file_not_attachable";

/** Reads answer as the store does. */
export interface PostOperations extends Pick<Store, "getPost" | "getPostsForChannel"> {
  /**
   * MessageWillBePosted through every active plugin, then the post and its file links in one
   * transaction, then MessageHasBeenPosted. Each file must exist in the post's channel,
   * unattached; when a person posts, they must have uploaded it.
   */
  createPost(actor: Actor, post: Post): Promise<Post>;
  /** MessageWillBeUpdated, store, then MessageHasBeenUpdated. */
  updatePost(actor: Actor, post: Post): Promise<Post>;
  /** Delete, then MessageHasBeenDeleted. */
  deletePost(actor: Actor, postId: string): Promise<void>;
  /** Delivers a post to one user's live connections without storing it. */
  sendEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post>;
}

export class Posts implements Omit<PostOperations, "getPost" | "getPostsForChannel"> {
  constructor(private readonly core: AppCore) {}

  async createPost(actor: Actor, post: Post): Promise<Post> {
    validatePost(post);
    const { store } = this.core;
    const channel = await store.getChannel(post.channelId);
    if (channel.deleteAt !== 0n) {
      throw new ValidationError({
        id: "app.post.create.channel_archived",
        message: `Channel ${channel.id} is archived; posts can't be added to it.`,
        params: { field: "channel_id" },
      });
    }
    await store.getUser(post.userId);
    await this.checkAttachableFiles(actor, post);
    const context = contextOf(actor);
    const decided = await this.decidePost("MessageWillBePosted", post, (current) => ({
      context,
      post: current,
    }));
    const stored = await store.createPost(decided);
    this.core.notify("MessageHasBeenPosted", { context, post: stored });
    this.core.emit("postCreated", await consumedPost(this.core, stored), actor);
    return stored;
  }

  async updatePost(actor: Actor, post: Post): Promise<Post> {
    validatePost(post, { requireAuthor: false });
    const old = await this.core.store.getPost(post.id);
    if (old.deleteAt !== 0n) {
      throw new ValidationError({
        id: "app.post.update.deleted",
        message: `Post ${post.id} was deleted and can't be edited.`,
        params: { field: "id" },
      });
    }
    const proposed = create(PostSchema, {
      ...old,
      message: post.message,
      props: post.props ?? old.props,
      fileIds: post.fileIds,
      isPinned: post.isPinned,
      metadata: post.metadata ?? old.metadata,
    });
    const context = contextOf(actor);
    const decided = await this.decidePost("MessageWillBeUpdated", proposed, (current) => ({
      context,
      newPost: current,
      oldPost: old,
    }));
    const stored = await this.core.store.updatePost(decided);
    this.core.notify("MessageHasBeenUpdated", { context, newPost: stored, oldPost: old });
    this.core.emit("postUpdated", await consumedPost(this.core, stored), actor);
    return stored;
  }

  async deletePost(actor: Actor, postId: string): Promise<void> {
    const deleted = await this.core.store.deletePost(postId);
    this.core.notify("MessageHasBeenDeleted", { context: contextOf(actor), post: deleted });
    this.core.emit("postDeleted", deleted, actor);
  }

  async sendEphemeralPost(_actor: Actor, userId: string, post: Post): Promise<Post> {
    if (!userId) {
      throw new ValidationError({
        message: "user_id is required: whom should the post be shown to?",
        params: { field: "user_id" },
      });
    }
    if (!post.channelId) {
      throw new ValidationError({
        message: "post.channel_id is required for an ephemeral post.",
        params: { field: "post.channel_id" },
      });
    }
    await this.core.store.getUser(userId);
    const now = Date.now();
    const delivered = create(PostSchema, {
      ...post,
      id: post.id || newId(),
      createAt: post.createAt || BigInt(now),
      updateAt: BigInt(now),
      type: post.type || "system_ephemeral",
    });
    this.core.emit("ephemeralPost", userId, delivered);
    return delivered;
  }

  /**
   * The files a new post lists: each in the post's channel and not yet attached and, when a
   * person posts, uploaded by them. Plugins are trusted with any file of the channel, as in
   * Mattermost. The store links them in the post's transaction, so a file attached meanwhile
   * still fails the post.
   */
  private async checkAttachableFiles(actor: Actor, post: Post): Promise<void> {
    if (post.fileIds.length > MAX_FILES_PER_POST) {
      throw notAttachable(`a post may have at most ${MAX_FILES_PER_POST} files.`);
    }
    const byPerson = actor.pluginId === undefined && Boolean(actor.userId);
    for (const fileId of new Set(post.fileIds)) {
      const file = await this.core.store.getFileInfo(fileId).catch((error: unknown) => {
        if (error instanceof NotFoundError) throw notAttachable(`no file has id ${fileId}.`);
        throw error;
      });
      if (
        (byPerson && file.creatorId !== post.userId) ||
        file.channelId !== post.channelId ||
        file.postId !== ""
      ) {
        throw notAttachable(
          byPerson
            ? `file ${fileId} is not one you uploaded to this channel and have not attached yet.`
            : `file ${fileId} is not in channel ${post.channelId} or is attached to another post.`,
        );
      }
    }
  }

  private async decidePost<N extends "MessageWillBePosted" | "MessageWillBeUpdated">(
    hook: N,
    post: Post,
    request: (current: Post) => HookRequest<N>,
  ): Promise<Post> {
    const targets = this.core.hooks.implementing(hook);
    let current = post;
    // One request while the post stays as it is, encoded once for the plugins that see it.
    let sent: HookRequest<N> | undefined;
    for (const target of targets) {
      if (sent === undefined) {
        sent = request(current);
        if (targets.length > 1) shareHookRequest(hook, sent);
      }
      let decision: PostDecision | undefined;
      try {
        decision = (await target.callHook(hook, sent))?.decision;
      } catch (error) {
        // Message hooks fail open: a broken plugin must not stop people from posting.
        this.core.hookFailed(hook, target.pluginId, error);
        continue;
      }
      const outcome = decision?.outcome;
      switch (outcome?.case) {
        case "allow":
          break;
        case "modify":
          // A plugin may rewrite the post but not move it or change its author.
          current = create(PostSchema, {
            ...outcome.value,
            id: current.id,
            channelId: current.channelId,
            userId: current.userId,
            createAt: current.createAt,
          });
          sent = undefined;
          break;
        case "reject":
          throw new ValidationError({
            id: POST_REJECTED_ID,
            message: `Post rejected by plugin. ${outcome.value.reason}`.trim(),
            where: hook,
            params: { plugin_id: target.pluginId, reason: outcome.value.reason },
          });
        case "dismiss":
          throw new ValidationError({
            id: POST_DISMISSED_ID,
            message: "The post was dismissed by a plugin.",
            where: hook,
            params: { plugin_id: target.pluginId },
          });
        default:
          this.core.log.warn(`${hook} answered without a decision; the post continues unchanged`, {
            pluginId: target.pluginId,
          });
      }
    }
    return current;
  }
}

function notAttachable(detail: string): ValidationError {
  return new ValidationError({
    id: FILE_NOT_ATTACHABLE_ID,
    message: `post.file_ids: ${detail}`,
    params: { field: "file_ids" },
  });
}

function validatePost(post: Post, { requireAuthor = true } = {}): void {
  if (requireAuthor && !post.channelId) {
    throw new ValidationError({
      message: "post.channel_id is required.",
      params: { field: "channel_id" },
    });
  }
  if (requireAuthor && !post.userId) {
    throw new ValidationError({
      message: "post.user_id is required.",
      params: { field: "user_id" },
    });
  }
  if (post.message.length > MAX_POST_MESSAGE_LENGTH) {
    throw new ValidationError({
      message: `post.message is ${post.message.length} characters; the limit is ${MAX_POST_MESSAGE_LENGTH}.`,
      params: { field: "message" },
    });
  }
}
