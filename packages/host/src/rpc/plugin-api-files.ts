// The PluginAPI's files beyond upload and download: lists, copies, public links, the file store
// by path, searchable content and resumable uploads, as Mattermost's plugin API has them.
// Plugins are trusted here as in Mattermost: no channel permission is checked.
import type { JsonObject } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ValidationError } from "@plugwire/errors";
import { MAX_CHUNK_BYTES, type PluginAPI, type UploadDataRequest } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { dataOf, uploadError } from "./file-transfer.js";
import { pageOf, required, requiredMessage } from "./request-validation.js";

type FilesService = Pick<
  ServiceImpl<typeof PluginAPI>,
  | "getFileInfos"
  | "copyFileInfos"
  | "getFileLink"
  | "readFile"
  | "setFileSearchableContent"
  | "createUploadSession"
  | "uploadData"
  | "getUploadSession"
>;

/** Mattermost's sort_by values, as the store's columns. */
const SORT_COLUMNS = { "": "create_at", CreateAt: "create_at", Size: "size" } as const;

export function pluginApiFiles(
  app: App,
  actor: Actor,
  options: { maxUploadBytes: number },
): FilesService {
  return {
    getFileInfos: async (request) => {
      const options = request.options;
      const sortBy = options?.sortBy ?? "";
      if (!Object.hasOwn(SORT_COLUMNS, sortBy)) {
        throw new ValidationError({
          id: "api.request.invalid",
          message: `options.sort_by is "${sortBy}"; use "CreateAt" or "Size".`,
          params: { field: "options.sort_by" },
        });
      }
      return {
        fileInfos: await app.getFileInfos({
          ...pageOf(request.paging),
          userIds: options?.userIds ?? [],
          channelIds: options?.channelIds ?? [],
          since: options?.since ?? 0n,
          includeDeleted: options?.includeDeleted ?? false,
          sortBy: SORT_COLUMNS[sortBy as keyof typeof SORT_COLUMNS],
          sortDescending: options?.sortDescending ?? false,
        }),
      };
    },
    copyFileInfos: async (request) => ({
      fileIds: await app.copyFileInfos(actor, required(request.userId, "user_id"), request.fileIds),
    }),
    getFileLink: async (request) => {
      const path = await app.publicFileLink(required(request.fileId, "file_id"));
      return { link: `${siteUrl(app.getConfig())}${path}` };
    },
    readFile: async function* (request) {
      for await (const data of app.readFileAtPath(
        required(request.path, "path"),
        MAX_CHUNK_BYTES,
      )) {
        yield { data };
      }
    },
    setFileSearchableContent: async (request) => {
      await app.setFileSearchableContent(
        actor,
        required(request.fileId, "file_id"),
        request.content,
      );
      return {};
    },
    createUploadSession: async (request) => {
      const session = requiredMessage(request.uploadSession, "upload_session");
      return {
        uploadSession: await app.createUploadSession(actor, {
          userId: required(session.userId, "upload_session.user_id"),
          channelId: required(session.channelId, "upload_session.channel_id"),
          filename: required(session.filename, "upload_session.filename"),
          fileSize: session.fileSize,
          type: session.type,
          maxBytes: options.maxUploadBytes,
        }),
      };
    },
    uploadData: async (requests) => {
      const frames = requests[Symbol.asyncIterator]() as AsyncIterator<UploadDataRequest>;
      const first = await frames.next();
      if (first.done || first.value.frame.case !== "head") {
        throw uploadError(
          "head",
          "The first UploadData frame must be the head (the upload session).",
        );
      }
      const session = requiredMessage(first.value.frame.value.uploadSession, "head.upload_session");
      const fileInfo = await app.uploadData(
        actor,
        { id: required(session.id, "head.upload_session.id"), fileOffset: session.fileOffset },
        dataOf(frames, "UploadData"),
      );
      return { fileInfo };
    },
    getUploadSession: async (request) => ({
      uploadSession: await app.getUploadSession(required(request.uploadId, "upload_id")),
    }),
  };
}

/** The site URL of the configuration plugins see, without a trailing slash. */
function siteUrl(config: JsonObject): string {
  const service = config.ServiceSettings;
  const url =
    typeof service === "object" && service !== null && !Array.isArray(service)
      ? service.SiteURL
      : undefined;
  return typeof url === "string" ? url.replace(/\/+$/, "") : "";
}
