// The callee's end of the call channel (channel.proto): requests arrive as frames on one
// stream, each runs as the unary method it names would on a stream of its own (same handler
// context, interceptors, errorFor and authorize), and its answer goes back as one frame.
// Methods the lean server does not run itself answer use_stream, and the caller makes those
// calls per call. The channel ends when the caller ends it; a caller that goes away aborts
// every call still running, as a reset stream aborts its own.
import * as http2 from "node:http2";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  CallChannelService,
  type OpenRequest,
  OpenRequestSchema,
  OpenResponseSchema,
} from "../gen/plugwire/v1/channel_pb.js";
import { addMetadata, metadataList } from "./channel-metadata.js";
import { agreedChannelVersion, channelVersion, channelVersionHeader } from "./channel-version.js";
import { FrameSplitter } from "./frame-splitter.js";
import { resetError } from "./h2-errors.js";
import { LeanHandlerContext } from "./handler-context.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";
import { checkMessageSize } from "./message-frame.js";
import { grpcContentType } from "./node-headers.js";
import { respondWithError, statusTrailer } from "./server-answers.js";
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

export interface ChannelServerOptions {
  /** The lean server's unary methods by path. */
  routes: ReadonlyMap<string, UnaryRoute>;
  readMaxBytes: number;
  errorFor: (reason: unknown) => ConnectError;
  authorize?: (header: http2.IncomingHttpHeaders, session: http2.Http2Session) => void;
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
    respondWithError(
      stream,
      new ConnectError(
        `call channel version ${String(offered)} is not spoken here; this server speaks ${channelVersion}`,
        Code.Unimplemented,
      ),
    );
    return;
  }
  new ChannelServer(stream, header, session, options).start(version);
}

class ChannelServer {
  /** Calls whose method is running, by call id. */
  private readonly running = new Map<number, LeanHandlerContext>();
  /** The channel's request headers with each method's :path, for calls without their own. */
  private readonly headerByPath = new Map<string, http2.IncomingHttpHeaders>();
  private readonly frames: FrameSplitter;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly header: http2.IncomingHttpHeaders,
    private readonly session: http2.Http2Session,
    private readonly options: ChannelServerOptions,
  ) {
    // Requests over readMaxBytes are refused one by one, with the error a call of their own
    // would get; only a frame no caller of ours would send ends the channel.
    this.frames = new FrameSplitter(
      Math.max(options.readMaxBytes, channelRequestMaxBytes) + frameOverheadBytes,
      (bytes) => this.receive(bytes),
    );
  }

  start(version: number): void {
    const { stream } = this;
    stream.respond(
      { ":status": 200, "content-type": grpcContentType, [channelVersionHeader]: String(version) },
      { waitForTrailers: true },
    );
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.on("data", (chunk: Buffer) => {
      try {
        this.frames.push(chunk);
      } catch {
        // Not a frame our callers send: the channel cannot be trusted to continue.
        stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
      }
    });
    stream.on("end", () => {
      if (!stream.closed) stream.end();
    });
    stream.on("close", () => {
      const reason =
        resetError(stream.rstCode) ?? new ConnectError("the stream closed", Code.Canceled);
      for (const context of this.running.values()) {
        context.abort(reason);
      }
      this.running.clear();
    });
  }

  private receive(bytes: Uint8Array): void {
    const frame = decodeMessage(OpenRequestSchema, bytes);
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
      this.send({ callId, useStream: true });
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
      this.send({ callId, trailers: metadataList(statusTrailer(undefined, errorFor(reason))) });
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
        this.send({ callId, message: answer, headers, trailers });
      } else {
        this.send({ callId, headers, trailers: metadataList(statusTrailer(context, error)) });
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
    this.options.authorize?.(header, this.session);
    return header;
  }

  private send(answer: Answer): void {
    const { stream } = this;
    if (stream.closed || stream.destroyed) {
      return;
    }
    stream.write(encodeFrame(OpenResponseSchema, answer));
  }
}
