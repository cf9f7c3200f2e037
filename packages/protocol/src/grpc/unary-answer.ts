// Reading a unary call's answer, the same way whether it came on a stream of its own
// (lean-grpc-transport.ts) or on the call channel (channel-client.ts): the common case checked
// in a few comparisons, anything else through the checks Connect's clients make (response-checks.ts), so errors read
// as Connect's.
import type { IncomingHttpHeaders } from "node:http2";
import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type UnaryResponse } from "@connectrpc/connect";
import { decodeMessage } from "./message-codec.js";
import { grpcContentType, type ResponseHeaders, webHeaders } from "./node-headers.js";
import { checkResponseHead, checkTrailer } from "./response-checks.js";

/**
 * The answer of a successful unary call; otherwise throws the error Connect's transport would.
 * `body` gives the response message's bytes, undefined when there is none.
 */
export function unaryAnswer<O extends DescMessage>(
  method: DescMethodUnary<DescMessage, O>,
  header: ResponseHeaders,
  trailer: IncomingHttpHeaders | undefined,
  body: () => Uint8Array | undefined,
): MessageShape<O> {
  const ok =
    header[":status"] === 200 &&
    header["content-type"] === grpcContentType &&
    header["grpc-encoding"] === undefined &&
    header["grpc-status"] === undefined &&
    trailer?.["grpc-status"] === "0";
  if (ok) {
    const bytes = body();
    if (bytes === undefined) {
      throw new ConnectError(
        "protocol error: missing output message for unary method",
        Code.Unimplemented,
      );
    }
    return decodeMessage(method.output, bytes);
  }
  // Anything unusual, errors included, takes the full checks in Connect's order.
  const headers = webHeaders(header);
  const trailers = webHeaders(trailer ?? {});
  const { headError } = checkResponseHead(Number(header[":status"]), headers);
  const bytes = body();
  const message = bytes === undefined ? undefined : decodeMessage(method.output, bytes);
  checkTrailer(trailers, headers);
  if (message === undefined) {
    throw (
      headError ??
      new ConnectError(
        "protocol error: missing output message for unary method",
        trailers.has("grpc-status") ? Code.Unimplemented : Code.Unknown,
      )
    );
  }
  if (headError !== undefined) {
    throw new ConnectError(
      "protocol error: received output message for unary method with error status",
      Code.Unknown,
    );
  }
  return message;
}

/** A successful unary response; its headers become Headers objects only when read. */
export class UnaryResult<I extends DescMessage, O extends DescMessage>
  implements UnaryResponse<I, O>
{
  readonly stream = false;
  readonly service;
  private headerObject: Headers | undefined;
  private trailerObject: Headers | undefined;

  constructor(
    readonly method: DescMethodUnary<I, O>,
    readonly message: MessageShape<O>,
    private readonly rawHeader: IncomingHttpHeaders,
    private readonly rawTrailer: IncomingHttpHeaders,
  ) {
    this.service = method.parent;
  }

  get header(): Headers {
    this.headerObject ??= webHeaders(this.rawHeader);
    return this.headerObject;
  }

  get trailer(): Headers {
    this.trailerObject ??= webHeaders(this.rawTrailer);
    return this.trailerObject;
  }
}
