// Streaming calls straight on a connection of their own (docs/protocol.md, "Streams straight on
// a connection"): for a callee that names the method in its direct call channel's acceptance,
// the caller opens a new connection to the direct channel's socket for each streaming call and
// writes a start control frame (path and request metadata), then the request's messages and an
// end control frame; the callee answers with a head control frame, the response's messages and
// an end control frame with the status. The connection's own flow control (the socket's buffer,
// a writer that waits for 'drain', a reader that pauses) replaces HTTP/2's windows, so a large
// body moves without a window update every 64 KiB, and a Node HTTP/2 session's write stall (it
// stops reading while a write of its own waits) cannot occur: a socket keeps reading while its
// writes wait. A slow reader holds up only its own call's connection.
//
// Both ends are adapters that look to the streaming call code (stream-call.ts on the caller's
// side, stream-exchange.ts on the callee's) like the HTTP/2 stream it otherwise uses, so the
// calls' outcomes, errors, deadlines and cancellation are those of the per-call form.
import { EventEmitter } from "node:events";
import * as http2 from "node:http2";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  OpenRequestSchema,
  type OpenResponse,
  OpenResponseSchema,
} from "../gen/plugwire/v1/channel_pb.js";
import { addMetadata, type MetadataInit, metadataList } from "./channel-metadata.js";
import type { Authorize } from "./channel-server.js";
import {
  controlFrame,
  directStreamsHeader,
  directStreamWindowBytes,
  StreamDemux,
} from "./channel-stream-frames.js";
import { decodeMessage } from "./message-codec.js";
import { grpcContentType } from "./node-headers.js";
import { respondWithError } from "./server-answers.js";
import { type StreamingSpec, serveStreamingCall } from "./stream-exchange.js";

const { NGHTTP2_NO_ERROR, NGHTTP2_CANCEL } = http2.constants;

/** The methods a callee's acceptance names as served straight on a connection. */
export function directStreamPaths(accepted: http2.IncomingHttpHeaders): ReadonlySet<string> {
  const value = accepted[directStreamsHeader];
  if (value === undefined) return new Set();
  const list = Array.isArray(value) ? value.join(",") : value;
  return new Set(
    list
      .split(",")
      .map((path) => path.trim())
      .filter((path) => path !== ""),
  );
}

/** The acceptance's header naming `paths`, when there are any. */
export function directStreamsAcceptance(paths: Iterable<string>): http2.OutgoingHttpHeaders {
  const list = [...paths].join(",");
  return list === "" ? {} : { [directStreamsHeader]: list };
}

/**
 * Opens a connection for one streaming call; resolves with it once connected, or undefined when
 * it could not be opened (nothing was sent: the call may go on HTTP/2 instead).
 */
export function connectDirectStream(createConnection: () => Duplex): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    let socket: Socket;
    try {
      socket = createConnection() as Socket;
    } catch {
      resolve(undefined);
      return;
    }
    const failed = () => {
      socket.destroy();
      resolve(undefined);
    };
    socket.once("error", failed);
    socket.once("connect", () => {
      socket.off("error", failed);
      resolve(socket);
    });
  });
}

/**
 * What both ends of a streaming call on a connection of its own share: the members of an
 * HTTP/2 stream that write, and pause or resume reading, done on the socket, whose buffer and
 * `drain` stand for HTTP/2's flow control.
 */
abstract class DirectStream extends EventEmitter {
  rstCode: number = NGHTTP2_NO_ERROR;
  closed = false;
  destroyed = false;

  constructor(protected readonly socket: Socket) {
    super();
  }

  /** Writes `chunk`; false once the socket holds directStreamWindowBytes unsent, as a full window. */
  write(chunk: Uint8Array): boolean {
    this.socket.write(chunk);
    return this.socket.writableLength < directStreamWindowBytes;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}

/**
 * The caller's end of one streaming call on `socket`, with the members of a ClientHttp2Stream
 * that stream-call.ts uses: it writes the request's frames and ends or resets the request, and
 * emits "response" (the head), "data" (the bytes of message frames), "trailers", "end",
 * "drain", "error" and "close".
 */
export class DirectClientStream extends DirectStream {
  writableEnded = false;
  /** Whether the head arrived. */
  private responded = false;
  /** Whether the response ended (trailers, or a trailers-only head). */
  private ended = false;

  /** @param header the call's request headers, pseudo-headers included */
  constructor(socket: Socket, header: http2.OutgoingHttpHeaders) {
    super(socket);
    const demux = new StreamDemux(
      (bytes) => {
        if (!this.ended) this.emit("data", bytes);
      },
      (message) => this.control(message),
    );
    socket.on("data", (chunk: Buffer) => {
      if (this.ended) return;
      try {
        demux.push(chunk);
      } catch (reason) {
        this.malformed(reason);
      }
    });
    socket.on("drain", () => this.emit("drain"));
    socket.on("error", (error) => {
      // After the answer, the connection's end says nothing about the call.
      if (!this.ended && !this.closed) this.emit("error", error);
    });
    socket.on("close", () => {
      this.closed = true;
      this.destroyed = true;
      this.emit("close");
    });
    socket.write(
      controlFrame(OpenRequestSchema, {
        path: String(header[":path"] ?? ""),
        headers: metadataList(header),
      }),
    );
  }

  /** Ends the request: an end control frame. */
  end(): void {
    if (this.writableEnded || this.closed) return;
    this.writableEnded = true;
    this.socket.write(controlFrame(OpenRequestSchema, {}));
  }

  /** Resets the call: the connection ends at once, and the callee aborts the method (Canceled). */
  close(code: number = NGHTTP2_CANCEL): void {
    if (this.closed) return;
    this.rstCode = code;
    this.closed = true;
    this.socket.destroy();
  }

  private control(bytes: Uint8Array): void {
    let answer: OpenResponse;
    try {
      answer = decodeMessage(OpenResponseSchema, bytes);
    } catch (reason) {
      this.malformed(reason);
      return;
    }
    if (!this.responded) {
      this.responded = true;
      const head: http2.IncomingHttpHeaders = {
        ":status": 200 as unknown as string,
        "content-type": grpcContentType,
      };
      addMetadata(head, answer.headers);
      if (answer.trailers.length > 0) {
        // Trailers-only: the status in the head, and nothing follows.
        addMetadata(head, answer.trailers);
        this.emit("response", head);
        this.finish();
      } else {
        this.emit("response", head);
      }
      return;
    }
    const trailer: http2.IncomingHttpHeaders = {};
    addMetadata(trailer, answer.trailers);
    this.emit("trailers", trailer);
    this.finish();
  }

  /** The response ended: the connection ends too, once the request's end has gone. */
  private finish(): void {
    this.ended = true;
    this.emit("end");
    if (!this.closed) this.socket.end();
  }

  private malformed(reason: unknown): void {
    this.emit("error", ConnectError.from(reason, Code.Internal));
  }
}

export interface DirectStreamServerOptions {
  /** The streaming methods served straight on a connection, by path. */
  streaming: ReadonlyMap<string, StreamingSpec>;
  readMaxBytes: number;
  errorFor: (reason: unknown) => ConnectError;
  authorize?: Authorize;
}

/**
 * Serves one streaming call on `socket`, a connection to the direct channel's socket whose
 * first bytes (`first`, read already) start with a control frame: the call's start.
 */
export function serveDirectStream(
  socket: Socket,
  first: Buffer,
  options: DirectStreamServerOptions,
): void {
  const stream = new DirectServerStream(socket, (path, header) => {
    const asStream = stream as unknown as http2.ServerHttp2Stream;
    try {
      options.authorize?.(header, socket);
    } catch (reason) {
      respondWithError(asStream, options.errorFor(reason));
      return;
    }
    const spec = options.streaming.get(path);
    if (spec === undefined) {
      respondWithError(
        asStream,
        new ConnectError(`${path} is not served straight on a connection`, Code.Unimplemented),
      );
      return;
    }
    serveStreamingCall(asStream, header, spec, options.readMaxBytes, options.errorFor);
  });
  stream.receive(first);
}

/**
 * The callee's end of one streaming call, with the members of a ServerHttp2Stream that
 * stream-exchange.ts and server-answers.ts use.
 */
class DirectServerStream extends DirectStream {
  headersSent = false;
  private started = false;
  private inputEnded = false;
  private waitForTrailers = false;
  /** Set once the answer has ended: the call is over, whatever the connection does next. */
  private finished = false;
  private readonly demux: StreamDemux;

  constructor(
    socket: Socket,
    private readonly onStart: (path: string, header: http2.IncomingHttpHeaders) => void,
  ) {
    super(socket);
    this.demux = new StreamDemux(
      (bytes) => {
        if (!this.inputEnded) this.emit("data", bytes);
      },
      (message) => this.control(message),
    );
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("drain", () => this.emit("drain"));
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!this.finished) this.rstCode = NGHTTP2_CANCEL;
      this.closed = true;
      this.destroyed = true;
      this.emit("close");
    });
  }

  receive(chunk: Buffer): void {
    try {
      this.demux.push(chunk);
    } catch {
      // Not a frame our callers send: the call cannot be trusted to continue.
      this.socket.destroy();
    }
  }

  respond(
    header: http2.OutgoingHttpHeaders,
    options?: { endStream?: boolean; waitForTrailers?: boolean },
  ): void {
    if (this.headersSent || this.closed) return;
    this.headersSent = true;
    const fields = { ...header };
    delete fields["content-type"];
    if (options?.endStream === true) {
      // Trailers-only: the status and trailers in the one control frame.
      this.send({ trailers: metadataList(fields) });
      this.finish();
      return;
    }
    this.waitForTrailers = options?.waitForTrailers === true;
    this.send({ headers: metadataList(fields) });
  }

  sendTrailers(trailer: http2.OutgoingHttpHeaders): void {
    if (this.finished) return;
    this.send({ trailers: metadataList(trailer) });
    this.finish();
  }

  /** Ends the answer: its trailers, asked for with "wantTrailers" when the head said so. */
  end(): void {
    if (this.finished || this.closed) return;
    if (this.waitForTrailers) {
      this.emit("wantTrailers");
      return;
    }
    this.sendTrailers({ "grpc-status": "0" });
  }

  /** Resets the call: the connection ends at once. */
  close(code: number = NGHTTP2_CANCEL): void {
    if (this.closed) return;
    this.rstCode = code;
    this.closed = true;
    this.socket.destroy();
  }

  private send(answer: { headers?: MetadataInit[]; trailers?: MetadataInit[] }): void {
    if (!this.socket.destroyed && this.socket.writable) {
      this.socket.write(controlFrame(OpenResponseSchema, answer));
    }
  }

  private finish(): void {
    this.finished = true;
    this.socket.end();
  }

  private control(bytes: Uint8Array): void {
    const request = decodeMessage(OpenRequestSchema, bytes);
    if (!this.started) {
      this.started = true;
      const header: http2.IncomingHttpHeaders = { ":method": "POST", ":path": request.path };
      addMetadata(header, request.headers);
      this.onStart(request.path, header);
      return;
    }
    if (!this.inputEnded) {
      // The end of the request.
      this.inputEnded = true;
      this.emit("end");
    }
  }
}
