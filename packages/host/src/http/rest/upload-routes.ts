// /api/v4/uploads: Mattermost's resumable uploads. POST /uploads starts one (upload_file in the
// channel), POST /uploads/{id} sends the next part (the raw body, or the first part of a
// multipart form) and answers the file once it is whole (204 before), GET /uploads/{id} says
// how far it got. Only the uploader sends parts; the uploader or a system admin reads it.
import { PermissionDeniedError, ValidationError } from "@plugwire/errors";
import { FileInfoSchema, type UploadSession, UploadSessionSchema } from "@plugwire/protocol";
import { fieldsOf, stringField, typeName } from "./body-fields.js";
import { modelToJson } from "./model-json.js";
import { readMultipartForm } from "./multipart-form.js";
import { requireChannelPermission, requireSelfOrAdmin } from "./permissions.js";
import { cappedBody } from "./request-body.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

export function uploadRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/uploads", createUpload)
    .add("GET", "/api/v4/uploads/{upload_id}", async (call) => {
      const session = await call.app.getUploadSession(call.param("upload_id"));
      const user = call.user();
      if (session.userId !== user.id && !call.app.hasPermissionTo(user, "manage_system")) {
        throw new PermissionDeniedError({
          id: "api.upload.get_upload.forbidden.app_error",
          message: "Only the uploader or a system admin may read an upload.",
        });
      }
      call.send(200, sessionJson(session));
    })
    .add("POST", "/api/v4/uploads/{upload_id}", uploadData)
    .add("GET", "/api/v4/users/{user_id}/uploads", async (call) => {
      const userId = call.param("user_id");
      requireSelfOrAdmin(call, userId);
      const sessions = await call.app.getUploadSessionsForUser(userId);
      call.send(200, sessions.map(sessionJson));
    });
}

/** {channel_id, filename, file_size[, type]}: 201 with the session. */
async function createUpload(call: RestCall): Promise<void> {
  const user = call.user();
  const fields = fieldsOf(
    await call.json(),
    ["channel_id", "filename", "file_size", "type", "id", "user_id", "remote_id", "req_file_id"],
    call.ignoreField,
  );
  const channelId = stringField(fields, "channel_id", true);
  const fileSize = fields.file_size ?? 0;
  if (typeof fileSize !== "number" || !Number.isSafeInteger(fileSize) || fileSize <= 0) {
    throw invalidBodyParam(
      "file_size",
      `expected the file's size, a whole number of bytes from 1, got ${typeName(fileSize)}${typeof fileSize === "number" ? ` ${fileSize}` : ""}.`,
    );
  }
  const type = stringField(fields, "type");
  if (type === "import") {
    throw new PermissionDeniedError({
      id: "api.context.permissions.app_error",
      message: 'Import uploads are not served; upload attachments (type "attachment").',
      params: { permission: "manage_system" },
    });
  }
  await requireChannelPermission(call, channelId, "upload_file");
  const session = await call.app.createUploadSession(call.actor(), {
    userId: user.id,
    channelId,
    filename: stringField(fields, "filename", true),
    fileSize: BigInt(fileSize),
    type,
    maxBytes: call.server.maxBodyBytes,
  });
  call.send(201, sessionJson(session));
}

async function uploadData(call: RestCall): Promise<void> {
  const user = call.user();
  const session = await call.app.getUploadSession(call.param("upload_id"));
  if (session.userId !== user.id) {
    throw permissionDenied("only the uploader sends an upload's data", "upload_file");
  }
  await requireChannelPermission(call, session.channelId, "upload_file");
  const info = await call.app.uploadData(call.actor(), session, await partOf(call, session));
  if (info === undefined) {
    call.res.writeHead(204).end();
    return;
  }
  call.send(200, modelToJson(FileInfoSchema, info));
}

/** The part's bytes: the first part of a multipart form, or the raw body. */
async function partOf(call: RestCall, session: UploadSession): Promise<AsyncIterable<Uint8Array>> {
  const maxBytes = call.server.maxBodyBytes;
  const type = call.req.headers["content-type"] ?? "";
  if (/^multipart\//i.test(type)) {
    const form = await readMultipartForm(call.req, maxBytes);
    const [first] = [...form.values()];
    if (first === undefined || typeof first === "string") {
      throw new ValidationError({
        id: "api.upload.upload_data.multipart_error",
        message: "The multipart body holds no file; send the part as its first file.",
        params: { field: "body" },
      });
    }
    return first.stream();
  }
  const declared = Number(call.req.headers["content-length"] ?? 0);
  if (declared > Number(session.fileSize - session.fileOffset)) {
    throw new ValidationError({
      id: "api.upload.upload_data.invalid_content_length",
      message: `The body is ${declared} bytes, more than the ${session.fileSize - session.fileOffset} the upload still needs.`,
      params: { field: "body" },
    });
  }
  return cappedBody(call.req, maxBytes);
}

function sessionJson(session: UploadSession) {
  return modelToJson(UploadSessionSchema, session);
}
