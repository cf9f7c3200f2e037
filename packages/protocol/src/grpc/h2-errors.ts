// How HTTP/2 failures read as gRPC errors: a stream reset by the other end, and errors Node
// reports on a stream or session. The codes follow gRPC's mapping of HTTP/2 error codes.
import { constants } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";

/** HTTP/2's error codes by number, for messages. */
const h2CodeNames = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

/**
 * The error of a stream the other end reset, worded as Connect words it; undefined for
 * NO_ERROR, for STREAM_CLOSED (which gRPC does not map) and for codes HTTP/2 does not define.
 */
export function resetError(rstCode: number): ConnectError | undefined {
  switch (rstCode) {
    case constants.NGHTTP2_NO_ERROR:
    case constants.NGHTTP2_STREAM_CLOSED:
      return undefined;
    case constants.NGHTTP2_REFUSED_STREAM:
      return resetWith(rstCode, Code.Unavailable);
    case constants.NGHTTP2_CANCEL:
      return resetWith(rstCode, Code.Canceled);
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return resetWith(rstCode, Code.ResourceExhausted);
    case constants.NGHTTP2_INADEQUATE_SECURITY:
    case constants.NGHTTP2_HTTP_1_1_REQUIRED:
      return resetWith(rstCode, Code.PermissionDenied);
    default:
      return rstCode < h2CodeNames.length ? resetWith(rstCode, Code.Internal) : undefined;
  }
}

function resetWith(rstCode: number, code: Code): ConnectError {
  return new ConnectError(
    `http/2 stream closed with error code ${h2CodeNames[rstCode]} (0x${rstCode.toString(16)})`,
    code,
  );
}

/** Errors meaning the other end could not be reached, or went away. */
const unreachable = new Set(["ECONNREFUSED", "ENOENT", "ETIMEDOUT", "EPIPE"]);
const goneAway = new Set(["ECONNRESET", "ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM"]);

/** A Node error on a stream or session as a ConnectError; a ConnectError passes as it is. */
export function nodeError(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) {
    return reason;
  }
  const nodeCode = (reason as { code?: unknown } | undefined)?.code;
  const code =
    typeof nodeCode !== "string"
      ? Code.Internal
      : unreachable.has(nodeCode)
        ? Code.Unavailable
        : goneAway.has(nodeCode)
          ? Code.Aborted
          : Code.Internal;
  return ConnectError.from(reason, code);
}
