// Serves one HTTP/2 stream with one of Connect's UniversalHandlers: the request's headers and
// body become a UniversalServerRequest, and the handler's response is written back with the
// stream's own flow control, its trailers read only once the body has ended.
import * as http2 from "node:http2";
import type { ConnectRouter } from "@connectrpc/connect";
import { drained } from "./drained.js";
import { resetError } from "./h2-errors.js";
import { addWebHeaders, webHeaders } from "./node-headers.js";

/** One of the handlers a ConnectRouter makes for its methods: a request in, a response out. */
export type UniversalHandler = ConnectRouter["handlers"][number];
type UniversalServerRequest = Parameters<UniversalHandler>[0];

/** Runs `handler` for the stream; a stream no handler serves gets 404. */
export async function serveUniversal(
  stream: http2.ServerHttp2Stream,
  header: http2.IncomingHttpHeaders,
  handler: UniversalHandler | undefined,
): Promise<void> {
  if (handler === undefined) {
    if (!stream.closed && !stream.destroyed) {
      stream.respond({ ":status": 404 }, { endStream: true });
    }
    return;
  }
  const aborted = new AbortController();
  stream.once("close", () => aborted.abort(resetError(stream.rstCode)));
  const request: UniversalServerRequest = {
    httpVersion: "2.0",
    method: header[":method"] ?? "",
    url: `http://${header[":authority"] ?? "localhost"}${header[":path"] ?? ""}`,
    header: webHeaders(header),
    body: stream,
    signal: aborted.signal,
  };
  let chunks: AsyncIterator<Uint8Array> | undefined;
  try {
    const response = await handler(request);
    chunks = response.body?.[Symbol.asyncIterator]();
    // The head goes out with the first chunk, so the method can still set headers until then.
    let chunk = await chunks?.next();
    if (stream.closed || stream.destroyed) {
      return;
    }
    const { trailer } = response;
    stream.respond(
      { ":status": response.status, ...nodeHeaders(response.header) },
      { waitForTrailers: trailer !== undefined },
    );
    if (trailer !== undefined) {
      stream.once("wantTrailers", () => stream.sendTrailers(nodeHeaders(trailer)));
    }
    while (chunk !== undefined && chunk.done !== true) {
      if (!stream.write(chunk.value)) {
        await drained(stream);
      }
      chunk = await chunks?.next();
    }
    stream.end();
  } catch (reason) {
    // Connect's handlers answer failures themselves; this is a broken stream or a bug, and
    // all that is left to say is a reset.
    await chunks?.throw?.(reason).catch(() => {});
    if (!stream.destroyed) {
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
  } finally {
    await chunks?.return?.().catch(() => {});
  }
}

function nodeHeaders(headers: Headers | undefined): http2.OutgoingHttpHeaders {
  const result: http2.OutgoingHttpHeaders = {};
  addWebHeaders(result, headers);
  return result;
}
