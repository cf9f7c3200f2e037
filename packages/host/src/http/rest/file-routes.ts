// /api/v4/files: uploads (multipart, as v4 clients send them, or one file as the body) and
// downloads. An upload goes to the app's uploadFile, as a plugin's UploadFile does, so both are
// checked and stored alike. Files belong to their channel: only its members upload to it and
// read from it, and ask for its files' public links. /files/{id}/public (at the root, as
// Mattermost serves it) answers whoever has a valid link, without a session.
import { once } from "node:events";
import { NotFoundError, PluginAPIError } from "@plugwire/errors";
import { type FileInfo, FileInfoSchema, MAX_CHUNK_BYTES } from "@plugwire/protocol";
import { modelToJson } from "./model-json.js";
import { readMultipartForm } from "./multipart-form.js";
import { requireChannelMember, requireChannelPermission } from "./permissions.js";
import { cappedBody } from "./request-body.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam } from "./rest-errors.js";
import type { Router } from "./router.js";

export function fileRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/files", uploadFiles)
    .add("GET", "/api/v4/files/{file_id}", downloadFile)
    .add("GET", "/api/v4/files/{file_id}/info", async (call) => {
      call.send(200, modelToJson(FileInfoSchema, await readableFile(call)));
    })
    .add("GET", "/api/v4/files/{file_id}/link", async (call) => {
      const info = await readableFile(call);
      const path = await call.app.publicFileLink(info.id).catch((error: unknown) => {
        // Mattermost's REST names these errors apart from its plugin API.
        if (error instanceof PluginAPIError && error.id.startsWith("plugin_api.get_file_link.")) {
          throw new PluginAPIError({
            id:
              error.id === "plugin_api.get_file_link.disabled.app_error"
                ? "api.file.get_public_link.disabled.app_error"
                : "api.file.get_file_link.no_post.app_error",
            message: error.message,
            statusCode: error.statusCode,
          });
        }
        throw error;
      });
      call.send(200, { link: `${call.server.siteUrl}${path}` });
    })
    .add("GET", "/files/{file_id}/public", async (call) => {
      const info = await call.app.publicFile(
        call.param("file_id"),
        call.url.searchParams.get("h") ?? "",
      );
      await sendContent(call, info);
    });
}

/**
 * Form fields: channel_id (or ?channel_id=), one or more `files`, optional `client_ids`. A body
 * that is not a form, with ?filename=, is one file as it is (v4's other way to upload).
 */
async function uploadFiles(call: RestCall): Promise<void> {
  const type = call.req.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("multipart/") && call.url.searchParams.has("filename")) {
    await uploadRawFile(call);
    return;
  }
  const user = call.user();
  const form = await readMultipartForm(call.req, call.server.maxBodyBytes);
  const channelId = call.url.searchParams.get("channel_id") ?? form.get("channel_id");
  if (typeof channelId !== "string" || channelId === "") {
    throw invalidBodyParam("channel_id", "name the channel the files are for.");
  }
  await requireChannelPermission(call, channelId, "upload_file");
  const files = form.getAll("files");
  if (files.length === 0) throw invalidBodyParam("files", "attach at least one file.");
  const uploads: File[] = [];
  for (const file of files) {
    if (typeof file === "string") throw invalidBodyParam("files", "each part must be a file.");
    uploads.push(file);
  }
  const infos: FileInfo[] = [];
  for (const file of uploads) {
    infos.push(
      await call.app.uploadFile(
        call.actor(),
        {
          channelId,
          name: file.name || "file",
          creatorId: user.id,
          maxBytes: call.server.maxBodyBytes,
        },
        file.stream(),
      ),
    );
  }
  call.send(201, {
    file_infos: infos.map((info) => modelToJson(FileInfoSchema, info)),
    client_ids: form.getAll("client_ids").filter((id) => typeof id === "string"),
  });
}

/** ?channel_id=&filename=[&client_id=] with the file as the body, streamed to the store. */
async function uploadRawFile(call: RestCall): Promise<void> {
  const user = call.user();
  const channelId = call.url.searchParams.get("channel_id") ?? "";
  const name = call.url.searchParams.get("filename") ?? "";
  if (channelId === "") throw invalidUrlParam("channel_id", "name the channel the file is for.");
  if (name === "") throw invalidUrlParam("filename", "name the file.");
  await requireChannelPermission(call, channelId, "upload_file");
  const maxBytes = call.server.maxBodyBytes;
  const info = await call.app.uploadFile(
    call.actor(),
    // The cap on the body says it first, with 413, as for forms.
    { channelId, name, creatorId: user.id, maxBytes: maxBytes + 1 },
    cappedBody(call.req, maxBytes),
  );
  const clientId = call.url.searchParams.get("client_id");
  call.send(201, {
    file_infos: [modelToJson(FileInfoSchema, info)],
    client_ids: clientId ? [clientId] : [],
  });
}

async function downloadFile(call: RestCall): Promise<void> {
  await sendContent(call, await readableFile(call));
}

async function sendContent(call: RestCall, info: FileInfo): Promise<void> {
  const chunks = call.app.readFile(info.id, MAX_CHUNK_BYTES)[Symbol.asyncIterator]();
  // The first chunk is read before the head, so missing content still gets the error body.
  let next = await chunks.next();
  const { res } = call;
  res.writeHead(200, {
    "content-type": info.mimeType || "application/octet-stream",
    "content-length": String(info.size),
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(info.name)}`,
    "x-content-type-options": "nosniff",
  });
  try {
    while (!next.done) {
      if (!res.write(next.value)) await once(res, "drain");
      next = await chunks.next();
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  } finally {
    await chunks.return?.();
  }
}

/** The file of the URL, when it exists and the logged-in user may read its channel. */
async function readableFile(call: RestCall): Promise<FileInfo> {
  call.user();
  const info = await call.app.getFileInfo(call.param("file_id"));
  if (info.deleteAt !== 0n) {
    throw new NotFoundError({
      id: "app.file.get.deleted",
      message: `File ${info.id} was deleted.`,
      params: { file_id: info.id },
    });
  }
  await requireChannelMember(call, info.channelId);
  return info;
}
