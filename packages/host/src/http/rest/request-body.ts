// Reading a request body with a size cap: the declared Content-Length is checked before a
// byte is read, and the running total while reading, so an oversize body is refused with 413
// without ever being held whole.
import type { IncomingMessage } from "node:http";
import { ValidationError } from "@plugwire/errors";

/** The error of a body over the cap: 413 with the v4 error body. */
export function bodyTooLarge(maxBytes: number): ValidationError {
  return new ValidationError({
    id: "api.context.request_body_too_large.app_error",
    message: `The request body is larger than ${maxBytes} bytes; send less.`,
    statusCode: 413,
    params: { field: "body", max_bytes: maxBytes },
  });
}

/** The body's chunks as they arrive; throws bodyTooLarge once more than maxBytes came. */
export async function* cappedBody(
  req: IncomingMessage,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw bodyTooLarge(maxBytes);
  let total = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw bodyTooLarge(maxBytes);
    yield chunk;
  }
}

/** The whole body, at most maxBytes of it. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of cappedBody(req, maxBytes)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The body parsed as JSON; 400 naming the syntax error when it is not JSON. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError({
      id: "api.context.invalid_json.app_error",
      message: `The request body is not valid JSON: ${(error as Error).message}`,
      params: { field: "body" },
    });
  }
}
