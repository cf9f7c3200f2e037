// MessagesWillBeConsumed: the posts a read returns (a post by id, a channel's posts, a thread,
// pinned posts, search results) and the posts of websocket events go through every plugin
// implementing the hook, in dispatch order, each seeing the previous plugin's versions. A
// plugin's answer replaces the posts with the ids it lists; the others stay. A plugin that
// fails is logged and skipped, so a read never fails because of the hook. Without a plugin
// implementing it, a read costs nothing more.
import { create } from "@bufbuild/protobuf";
import { type Post, type PostList, PostListSchema } from "@plugwire/protocol";
import type { AppCore } from "./app-core.js";

const HOOK = "MessagesWillBeConsumed";

/** The posts as the plugins want clients to see them, in the same order. */
export async function consumedPosts(core: AppCore, posts: Post[]): Promise<Post[]> {
  const targets = core.hooks.implementing(HOOK);
  if (targets.length === 0 || posts.length === 0) return posts;
  let current = posts;
  for (const target of targets) {
    try {
      const answer = await target.callHook(HOOK, { posts: current });
      if (answer === undefined || answer.posts.length === 0) continue;
      const replacements = new Map(answer.posts.map((post) => [post.id, post]));
      current = current.map((post) => replacements.get(post.id) ?? post);
    } catch (error) {
      core.hookFailed(HOOK, target.pluginId, error);
    }
  }
  return current;
}

/** One post as the plugins want clients to see it. */
export async function consumedPost(core: AppCore, post: Post): Promise<Post> {
  return (await consumedPosts(core, [post]))[0] ?? post;
}

/** A post list with its posts as the plugins want clients to see them; order and paging kept. */
export async function consumedPostList(core: AppCore, list: PostList): Promise<PostList> {
  if (core.hooks.implementing(HOOK).length === 0) return list;
  const rewritten = await consumedPosts(core, Object.values(list.posts));
  return create(PostListSchema, {
    ...list,
    posts: Object.fromEntries(rewritten.map((post) => [post.id, post])),
  });
}
