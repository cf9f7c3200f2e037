// multipart/form-data bodies (file uploads, plugin bundles), parsed by Node's own Fetch
// implementation. The body is capped while it streams in, so an oversize upload fails with
// 413 before it is held whole; the parsed form is in memory, within that cap.
import type { IncomingMessage } from "node:http";
import { ValidationError } from "@plugwire/errors";
import { cappedBody } from "./request-body.js";

export async function readMultipartForm(req: IncomingMessage, maxBytes: number): Promise<FormData> {
  const contentType = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw invalidForm(`expected a multipart/form-data body, got "${contentType || "none"}".`);
  }
  let streamError: unknown;
  async function* recordingErrors(): AsyncGenerator<Uint8Array> {
    try {
      yield* cappedBody(req, maxBytes);
    } catch (error) {
      streamError = error;
      throw error;
    }
  }
  const request = new Request("http://plugwire.invalid/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: ReadableStream.from(recordingErrors()),
    duplex: "half",
  });
  try {
    return await request.formData();
  } catch (error) {
    throw (
      streamError ?? invalidForm(`the multipart body can't be read: ${(error as Error).message}`)
    );
  }
}

function invalidForm(detail: string): ValidationError {
  return new ValidationError({
    id: "api.context.invalid_multipart.app_error",
    message: `Invalid multipart form: ${detail}`,
    params: { field: "body" },
  });
}
