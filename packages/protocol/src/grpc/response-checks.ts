// The client's checks of a response that is not the plain case (status 200, our content type,
// no encoding, the status in trailers): in the order gRPC's rules and Connect's clients apply
// them, with the same codes, so a failure reads the same whichever client made the call.
import { Code, ConnectError } from "@connectrpc/connect";
import { statusError } from "./grpc-status.js";

/** Any content type a gRPC server may answer with (protobuf or JSON messages). */
const grpcContentTypes = /^application\/grpc(?:\+(?:(json)(?:; ?charset=utf-?8)?|proto))?$/i;

export interface CheckedHead {
  /** The head carries the call's status (gRPC's "trailers-only" answer): no trailers follow. */
  statusInHead: boolean;
  /** The error that status describes, if it is one. */
  headError: ConnectError | undefined;
}

/**
 * Checks a response head; throws for an HTTP error, a content type that is not gRPC, or a
 * message encoding (we accept none but identity).
 */
export function checkResponseHead(httpStatus: number, head: Headers): CheckedHead {
  if (httpStatus !== 200) {
    throw new ConnectError(`HTTP ${httpStatus}`, codeForHttpStatus(httpStatus), head);
  }
  const contentType = head.get("content-type");
  if (contentType === null || !grpcContentTypes.test(contentType)) {
    throw new ConnectError(`unsupported content type ${contentType}`, Code.Unknown);
  }
  const result: CheckedHead = {
    statusInHead: head.has("grpc-status"),
    headError: statusError(head),
  };
  const encoding = head.get("grpc-encoding");
  if (encoding !== null && encoding.toLowerCase() !== "identity") {
    throw new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal, head);
  }
  return result;
}

/**
 * Checks a call's trailers once its body has ended: throws the error they describe (with the
 * head's fields added to its metadata), or an internal error when neither holds a status.
 */
export function checkTrailer(trailer: Headers, head: Headers): void {
  const error = statusError(trailer);
  if (error !== undefined) {
    head.forEach((value, name) => {
      error.metadata.append(name, value);
    });
    throw error;
  }
  if (!head.has("grpc-status") && !trailer.has("grpc-status")) {
    throw new ConnectError("protocol error: missing status", Code.Internal);
  }
}

/** gRPC's mapping of an HTTP status that is not 200 to a code. */
function codeForHttpStatus(httpStatus: number): Code {
  switch (httpStatus) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}
