// Requests as a plugin's HTTP handler receives them, for the light Fetch specs: a head, and a
// body that came whole or arrives as frames.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { HTTPRequestHeadSchema, ServeHTTPRequestSchema } from "@plugwire/protocol";
import { toFetchRequest } from "../fetch-bridge.js";

const call = { signal: new AbortController().signal };
const encoder = new TextEncoder();

/** The Request for a head and a whole or framed body, as the SDK makes it. */
export function request(
  init: MessageInitShape<typeof HTTPRequestHeadSchema>,
  body?: Uint8Array | AsyncIterator<ReturnType<typeof bodyFrame>>,
): Request {
  return toFetchRequest(create(HTTPRequestHeadSchema, init), body, call);
}

export function bodyFrame(data: string, end = false) {
  return create(ServeHTTPRequestSchema, {
    frame: { case: "body", value: { data: encoder.encode(data), end } },
  });
}

/** A body in frames, the last one marked as the end. */
export async function* frames(...parts: string[]) {
  for (const [i, part] of parts.entries()) {
    yield bodyFrame(part, i === parts.length - 1);
  }
}
