// What the lean server writes on a call's HTTP/2 stream besides messages: the response head,
// the status in trailers, and the "trailers-only" answer of a call that fails before its head.
import type * as http2 from "node:http2";
import type { ConnectError } from "@connectrpc/connect";
import { statusFields } from "./grpc-status.js";
import type { LeanHandlerContext } from "./handler-context.js";
import { addWebHeaders, grpcContentType } from "./node-headers.js";

/** The response head: status, content type and the headers the method set. */
export function responseHeader(context: LeanHandlerContext | undefined): http2.OutgoingHttpHeaders {
  const header: http2.OutgoingHttpHeaders = { ":status": 200, "content-type": grpcContentType };
  context?.copyResponseHeader(header);
  return header;
}

/** The trailers of a call that ends with `error`, or with OK when it is undefined. */
export function statusTrailer(
  context: LeanHandlerContext | undefined,
  error: ConnectError | undefined,
): http2.OutgoingHttpHeaders {
  const trailer: http2.OutgoingHttpHeaders = {};
  context?.copyResponseTrailer(trailer);
  if (error === undefined) {
    trailer["grpc-status"] = "0";
  } else {
    addWebHeaders(trailer, statusFields(error));
  }
  return trailer;
}

/** Answers a call with an error alone: gRPC's "trailers-only" response. */
export function respondWithError(
  stream: http2.ServerHttp2Stream,
  error: ConnectError,
  context?: LeanHandlerContext,
): void {
  if (stream.closed || stream.destroyed || stream.headersSent) {
    return;
  }
  const header = responseHeader(context);
  // Trailers-only: the trailers the method set travel in the one header block, with the status.
  context?.copyResponseTrailer(header);
  addWebHeaders(header, statusFields(error));
  stream.respond(header, { endStream: true });
}
