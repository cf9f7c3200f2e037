// The callee's end of the call channel (channel.proto): requests arrive as frames, each runs as
// the unary method it names would on a stream of its own (same handler context, interceptors,
// errorFor and authorize), and its answer goes back as one frame. Methods the lean server does
// not run itself answer use_stream, and the caller makes those calls per call. The channel
// ends when the caller ends it; a caller that goes away aborts every call still running, as a
// reset stream aborts its own.
//
// The frames travel one of two ways: on one stream of the HTTP/2 session (serveChannel), or
// straight on a connection of its own to a socket beside the HTTP/2 one (serveDirectChannel,
// plugin protocol version 2), where the first frame carries the channel's request headers and
// the first answer the agreed version. The second skips HTTP/2's framing and stream machinery on both ends, which was
// the largest share of a small call's cost after the codec.
import * as http2 from "node:http2";
import type { Socket } from "node:net";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  CallChannelService,
  type OpenRequest,
  OpenRequestSchema,
  OpenResponseSchema,
} from "../gen/plugwire/v1/channel_pb.js";
import { decodeRequest, encodeResponseFrame } from "./channel-frames.js";
import { addMetadata, metadataList } from "./channel-metadata.js";
import { directStreamsAcceptance, serveDirectStream } from "./channel-stream.js";
import { controlFlag } from "./channel-stream-frames.js";
import { agreedChannelVersion, channelVersion, channelVersionHeader } from "./channel-version.js";
import { FrameSplitter } from "./frame-splitter.js";
import { resetError } from "./h2-errors.js";
import { LeanHandlerContext } from "./handler-context.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";
import { checkMessageSize } from "./message-frame.js";
import { grpcContentType } from "./node-headers.js";
import { respondWithError, statusTrailer } from "./server-answers.js";
import { SocketWriter } from "./socket-writer.js";
import type { StreamingSpec } from "./stream-exchange.js";
import { invokeUnary, type UnaryRoute } from "./unary-invoke.js";

/** The channel's method, as a per-call :path. */
export const channelPath = `/${CallChannelService.typeName}/${CallChannelService.method.open.name}`;

/**
 * Largest request the caller puts on the channel; larger ones go per call, so that one large
 * message never holds up the small calls behind it.
 */
export const channelRequestMaxBytes = 64 * 1024;

/** Room for a frame's other fields (path, metadata) beside its message. */
const frameOverheadBytes = 64 * 1024;

type Answer = MessageInitShape<typeof OpenResponseSchema>;

/**
 * Checks a call's request headers before its method runs; throws to refuse it. `connection` is
 * the HTTP/2 session or the socket the call came on: the same object for every call of one
 * connection, so a check may be remembered per connection.
 */
export type Authorize = (header: http2.IncomingHttpHeaders, connection: object) => void;

export interface ChannelServerOptions {
  /** The lean server's unary methods by path. */
  routes: ReadonlyMap<string, UnaryRoute>;
  readMaxBytes: number;
  errorFor: (reason: unknown) => ConnectError;
  authorize?: Authorize;
  /**
   * The streaming methods served straight on a connection of their own (channel-stream.ts),
   * named in the direct channel's acceptance; none unless set.
   */
  streaming?: ReadonlyMap<string, StreamingSpec>;
}

/**
 * Where a server that listens at `socketPath` takes the call channel straight on a connection:
 * beside it, in the same private folder.
 */
export function directChannelPath(socketPath: string): string {
  return `${socketPath}.direct`;
}

/** Serves one channel on `stream`, whose request headers `header` has already been authorized. */
export function serveChannel(
  stream: http2.ServerHttp2Stream,
  header: http2.IncomingHttpHeaders,
  session: http2.Http2Session,
  options: ChannelServerOptions,
): void {
  const offered = header[channelVersionHeader];
  const version = agreedChannelVersion(offered);
  if (version === undefined) {
    // The caller then makes its calls per call, as with a server that has no channel.
    respondWithError(stream, versionRefusal(offered));
    return;
  }
  const channel = new ChannelServer(header, session, options, (frame) => {
    if (!stream.closed && !stream.destroyed) stream.write(frame);
  });
  const frames = channel.splitter();
  stream.respond(
    { ":status": 200, "content-type": grpcContentType, [channelVersionHeader]: String(version) },
    { waitForTrailers: true },
  );
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.on("data", (chunk: Buffer) => {
    try {
      frames.push(chunk);
    } catch {
      // Not a frame our callers send: the channel cannot be trusted to continue.
      stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
    }
  });
  stream.on("end", () => {
    if (!stream.closed) stream.end();
  });
  stream.on("close", () => {
    channel.close(
      () => resetError(stream.rstCode) ?? new ConnectError("the stream closed", Code.Canceled),
    );
  });
}

/**
 * Serves the call channel straight on `socket`, a connection to the server's directChannel.
 * The first frame is an OpenRequest with call id 0 holding the channel's request headers as
 * metadata; they are authorized as a channel stream's would be. The answer with call id 0
 * accepts (its headers name the agreed version) or refuses (its trailers say why, and the
 * connection ends); the caller then makes its calls per call, on HTTP/2.
 */
export function serveDirectChannel(socket: Socket, options: ChannelServerOptions): void {
  let channel: ChannelServer | undefined;
  let refused = false;
  const writer = new SocketWriter(socket);
  const send = (frame: Uint8Array) => {
    if (!socket.destroyed && socket.writable) writer.write(frame);
  };
  const hello = (bytes: Uint8Array) => {
    const first = decodeMessage(OpenRequestSchema, bytes);
    if (first.callId !== 0) {
      throw new ConnectError("a direct call channel starts with its headers", Code.Internal);
    }
    const header: http2.IncomingHttpHeaders = { ":path": channelPath };
    addMetadata(header, first.headers);
    const offered = header[channelVersionHeader];
    const version = agreedChannelVersion(offered);
    let refusal: ConnectError | undefined;
    try {
      options.authorize?.(header, socket);
      if (version === undefined) refusal = versionRefusal(offered);
    } catch (reason) {
      refusal = options.errorFor(reason);
    }
    if (refusal !== undefined) {
      send(
        encodeFrame(OpenResponseSchema, {
          callId: 0,
          trailers: metadataList(statusTrailer(undefined, refusal)),
        }),
      );
      // Calls the caller sent behind its headers are not read: it makes them per call.
      refused = true;
      socket.end();
      return;
    }
    channel = new ChannelServer(header, socket, options, send);
    send(
      encodeFrame(OpenResponseSchema, {
        callId: 0,
        headers: metadataList({
          [channelVersionHeader]: String(version),
          ...directStreamsAcceptance(options.streaming?.keys() ?? []),
        }),
      }),
    );
  };
  const frames = new FrameSplitter(
    Math.max(options.readMaxBytes, channelRequestMaxBytes) + frameOverheadBytes,
    (bytes) => {
      if (channel !== undefined) channel.receive(bytes);
      else if (!refused) hello(bytes);
    },
  );
  let first = true;
  const onData = (chunk: Buffer) => {
    if (first) {
      first = false;
      if (((chunk[0] as number) & controlFlag) !== 0) {
        // A streaming call on a connection of its own (channel-stream.ts): it takes over.
        socket.off("data", onData);
        socket.off("close", onClose);
        serveDirectStream(socket, chunk, {
          streaming: options.streaming ?? new Map(),
          readMaxBytes: options.readMaxBytes,
          errorFor: options.errorFor,
          authorize: options.authorize,
        });
        return;
      }
    }
    try {
      frames.push(chunk);
    } catch {
      // Not a frame our callers send: the channel cannot be trusted to continue.
      socket.destroy();
    }
  };
  const onClose = () => {
    channel?.close(() => new ConnectError("the connection closed", Code.Canceled));
  };
  socket.on("data", onData);
  // Errors end the connection; its "close" aborts what runs. (It ends its side when the
  // caller ends theirs: the server's sockets are not half-open.)
  socket.on("error", () => {});
  socket.on("close", onClose);
}

function versionRefusal(offered: http2.IncomingHttpHeaders[string]): ConnectError {
  return new ConnectError(
    `call channel version ${String(offered)} is not spoken here; this server speaks ${channelVersion}`,
    Code.Unimplemented,
  );
}

/** The calls of one channel, however its frames travel. */
class ChannelServer {
  /** Calls whose method is running, by call id. */
  private readonly running = new Map<number, LeanHandlerContext>();
  /** The channel's request headers with each method's :path, for calls without their own. */
  private readonly headerByPath = new Map<string, http2.IncomingHttpHeaders>();

  /**
   * @param header the channel's request headers, already authorized
   * @param connection what `authorize` is given with a call's own headers
   * @param send writes one answer frame, unless the channel is gone
   */
  constructor(
    private readonly header: http2.IncomingHttpHeaders,
    private readonly connection: object,
    private readonly options: ChannelServerOptions,
    private readonly send: (frame: Uint8Array) => void,
  ) {}

  /**
   * Cuts arriving chunks into request frames. Requests over readMaxBytes are refused one by
   * one, with the error a call of their own would get; only a frame no caller of ours would
   * send throws, and ends the channel.
   */
  splitter(): FrameSplitter {
    return new FrameSplitter(
      Math.max(this.options.readMaxBytes, channelRequestMaxBytes) + frameOverheadBytes,
      (bytes) => this.receive(bytes),
    );
  }

  /**
   * The caller went away: every call still running aborts with `reason()`, made only when one
   * runs (making a ConnectError loads Node's Fetch API, which a stopping plugin may not have).
   */
  close(reason: () => ConnectError): void {
    if (this.running.size === 0) {
      return;
    }
    const error = reason();
    for (const context of this.running.values()) {
      context.abort(error);
    }
    this.running.clear();
  }

  receive(bytes: Uint8Array): void {
    const frame = decodeRequest(bytes);
    if (frame.cancel) {
      this.running
        .get(frame.callId)
        ?.abort(resetError(http2.constants.NGHTTP2_CANCEL) as ConnectError);
      return;
    }
    this.call(frame);
  }

  private call(frame: OpenRequest): void {
    const { callId } = frame;
    const route = this.options.routes.get(frame.path);
    if (route === undefined) {
      this.answer({ callId, useStream: true });
      return;
    }
    const { errorFor, readMaxBytes } = this.options;
    let context: LeanHandlerContext;
    let request: unknown;
    try {
      const header = this.headerFor(frame);
      context = new LeanHandlerContext(
        route.spec.method,
        header,
        frame.timeoutMs > 0 ? frame.timeoutMs : undefined,
      );
      checkMessageSize(frame.message.byteLength, readMaxBytes);
      request = decodeMessage(route.spec.method.input, frame.message);
    } catch (reason) {
      this.answer({ callId, trailers: metadataList(statusTrailer(undefined, errorFor(reason))) });
      return;
    }
    this.running.set(callId, context);
    invokeUnary(route, request, context, errorFor, (answer, error) => {
      if (this.running.get(callId) !== context) {
        // Cancelled, or the channel closed: nobody waits for the answer.
        return;
      }
      this.running.delete(callId);
      const extra: http2.OutgoingHttpHeaders = {};
      context.copyResponseHeader(extra);
      const headers = metadataList(extra);
      if (answer !== undefined) {
        // Trailers only when the method set some: none means success.
        const trailer: http2.OutgoingHttpHeaders = {};
        context.copyResponseTrailer(trailer);
        const trailers = metadataList(trailer);
        if (trailers.length > 0) trailers.push({ name: "grpc-status", value: "0" });
        this.answer({ callId, message: answer, headers, trailers });
      } else {
        this.answer({ callId, headers, trailers: metadataList(statusTrailer(context, error)) });
      }
    });
  }

  /** The request headers the method sees: the channel's, the call's own, and its :path. */
  private headerFor(frame: OpenRequest): http2.IncomingHttpHeaders {
    if (frame.headers.length === 0) {
      let header = this.headerByPath.get(frame.path);
      if (header === undefined) {
        header = { ...this.header, ":path": frame.path };
        this.headerByPath.set(frame.path, header);
      }
      return header;
    }
    const header: http2.IncomingHttpHeaders = { ...this.header, ":path": frame.path };
    const own: http2.IncomingHttpHeaders = {};
    addMetadata(own, frame.headers);
    // The call's own fields replace the channel's, as they would in a request of its own.
    Object.assign(header, own);
    this.options.authorize?.(header, this.connection);
    return header;
  }

  private answer(answer: Answer): void {
    this.send(encodeResponseFrame(answer));
  }
}
