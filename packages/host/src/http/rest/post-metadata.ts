// Posts as v4 answers them: the model plus `metadata`, which Mattermost computes for every post
// it sends (PreparePostForClient): `reactions` and `files` (the file infos) when the post has
// any, and `{}` otherwise. Metadata a plugin stored on the post is kept alongside.
import type { JsonObject } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { FileInfoSchema, type Post, PostSchema, ReactionSchema } from "@plugwire/protocol";
import {
  type FileOperations,
  type ReactionOperations,
  withoutActionIntegrations,
} from "../../app/app.js";
import { modelToJson } from "./model-json.js";

type MetadataReads = Pick<ReactionOperations, "getReactionsForPosts"> &
  Pick<FileOperations, "getFileInfo">;

/** The v4 JSON of each post, with its metadata, in the order given. */
export async function postsToJson(
  app: MetadataReads,
  posts: readonly Post[],
): Promise<JsonObject[]> {
  const withReactions = posts.filter((post) => post.hasReactions).map((post) => post.id);
  const reactions = withReactions.length > 0 ? await app.getReactionsForPosts(withReactions) : {};
  const json: JsonObject[] = [];
  for (const post of posts) {
    const metadata: JsonObject = { ...post.metadata };
    const postReactions = reactions[post.id] ?? [];
    if (postReactions.length > 0) {
      metadata.reactions = postReactions.map((reaction) => modelToJson(ReactionSchema, reaction));
    }
    const files: JsonObject[] = [];
    for (const fileId of post.fileIds) {
      const info = await app.getFileInfo(fileId).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      });
      if (info !== undefined && info.deleteAt === 0n) files.push(modelToJson(FileInfoSchema, info));
    }
    if (files.length > 0) metadata.files = files;
    json.push({ ...modelToJson(PostSchema, withoutActionIntegrations(post)), metadata });
  }
  return json;
}

/** The v4 JSON of one post, with its metadata. */
export async function postToJson(app: MetadataReads, post: Post): Promise<JsonObject> {
  const [json] = await postsToJson(app, [post]);
  return json as JsonObject;
}
