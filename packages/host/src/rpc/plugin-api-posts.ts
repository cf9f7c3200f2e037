// The PluginAPI's lists of posts (threads, pages around a post, changes since a time, by ids,
// pinned), search, and ephemeral post changes, as Mattermost's plugin API has them. Unknown
// channels, posts and users are NotFoundErrors rather than empty lists.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type PluginAPI, SearchParameterSchema } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { pageOf, required, requiredMessage } from "./request-validation.js";

type PostsService = Pick<
  ServiceImpl<typeof PluginAPI>,
  | "getPostThread"
  | "getPostsSince"
  | "getPostsAfter"
  | "getPostsBefore"
  | "getPostsByIds"
  | "getPinnedPosts"
  | "searchPostsInTeam"
  | "searchPostsInTeamForUser"
  | "updateEphemeralPost"
  | "deleteEphemeralPost"
>;

export function pluginApiPosts(app: App, actor: Actor): PostsService {
  const channelOf = async (channelId: string, field = "channel_id") =>
    (await app.getChannel(required(channelId, field))).id;

  return {
    getPostThread: async (request) => ({
      postList: await app.getPostThread(required(request.postId, "post_id")),
    }),
    getPostsSince: async (request) => ({
      postList: await app.getPostsSince(await channelOf(request.channelId), request.time),
    }),
    getPostsAfter: async (request) => ({
      postList: await app.getPostsAround(
        await channelOf(request.channelId),
        required(request.postId, "post_id"),
        "after",
        pageOf(request.paging),
      ),
    }),
    getPostsBefore: async (request) => ({
      postList: await app.getPostsAround(
        await channelOf(request.channelId),
        required(request.postId, "post_id"),
        "before",
        pageOf(request.paging),
      ),
    }),
    getPostsByIds: async (request) => ({ posts: await app.getPostsByIds(request.postIds) }),
    getPinnedPosts: async (request) => ({
      postList: await app.getPinnedPosts(await channelOf(request.channelId)),
    }),
    searchPostsInTeam: async (request) => ({
      posts: await app.searchPostsInTeam(required(request.teamId, "team_id"), request.paramsList),
    }),
    searchPostsInTeamForUser: async (request) => ({
      results: {
        postList: await app.searchPostsForUser(
          required(request.teamId, "team_id"),
          required(request.userId, "user_id"),
          request.searchParams ?? create(SearchParameterSchema),
        ),
      },
    }),
    updateEphemeralPost: async (request) => {
      const userId = required(request.userId, "user_id");
      const post = requiredMessage(request.post, "post");
      required(post.id, "post.id");
      required(post.channelId, "post.channel_id");
      return { post: await app.updateEphemeralPost(actor, userId, post) };
    },
    deleteEphemeralPost: async (request) => {
      await app.deleteEphemeralPost(
        actor,
        required(request.userId, "user_id"),
        required(request.postId, "post_id"),
      );
      return {};
    },
  };
}
