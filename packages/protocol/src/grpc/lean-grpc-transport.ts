// A gRPC Transport for Connect's clients that makes calls the short way, without interceptors,
// Connect's chains of async iterables, or Headers objects on the way: a small unary call goes
// as one frame each way on the call channel (channel-client.ts), any other unary request as one
// frame on a stream of its own, its answer read whole and decoded once; a streaming call
// (stream-call.ts) writes and reads frames as they come, on a connection of its own when the
// server names the method in its direct channel's acceptance (channel-stream.ts). All other
// calls share one HTTP/2 session (client-session.ts). Calls read their options as Connect does:
// a timeout of 0 or less means none, an abort rejects with Canceled. Nothing is compressed: the other end is on the same machine.
import type { ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import * as http2 from "node:http2";
import type { Duplex } from "node:stream";
import type {
  DescMessage,
  DescMethod,
  DescMethodStreaming,
  DescMethodUnary,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from "@connectrpc/connect";
import { abortError, CallLimits } from "./call-limits.js";
import { ChannelClient, channelHeader, directLink, streamLink } from "./channel-client.js";
import { channelRequestMaxBytes } from "./channel-server.js";
import { connectDirectStream, DirectClientStream, directStreamPaths } from "./channel-stream.js";
import { ClientSession } from "./client-session.js";
import { nodeError, resetError } from "./h2-errors.js";
import { encodeMessage } from "./message-codec.js";
import { frameMessage, singleMessage } from "./message-frame.js";
import { grpcContentType, type ResponseHeaders } from "./node-headers.js";
import { StreamCall } from "./stream-call.js";
import { UnaryResult, unaryAnswer } from "./unary-answer.js";

export interface LeanGrpcTransportOptions {
  /** The server's origin, e.g. "http://localhost"; it fills the :authority header only. */
  baseUrl: string;
  /** Opens a connection to the server, e.g. to a Unix socket. */
  createConnection: () => Duplex;
  /** Headers every call carries, before those of the call, e.g. the bearer token. */
  header?: Readonly<Record<string, string>>;
  /** Largest response message read, in bytes; 4 GiB unless set, as with Connect. */
  readMaxBytes?: number;
  /**
   * Whether unary calls with requests up to 64 KiB go on the call channel (channel.proto), one
   * frame each way on one long-lived stream, when the server offers it; true unless set.
   * Without it, or when the server refuses the channel, each call has a stream of its own.
   */
  channel?: boolean;
  /**
   * Opens a connection to the server's direct call channel (GrpcServer.directChannel, at
   * directChannelPath of its socket): the channel then runs straight on it rather than as a
   * stream of the HTTP/2 session. For servers that take it: a plugin or host says so with
   * plugin protocol version 2. A server that does not (nothing listens there) gets the calls
   * per call.
   */
  directChannel?: () => Duplex;
}

/** What a call's `headers` option may be (the DOM's HeadersInit). */
type HeaderInit = ConstructorParameters<typeof Headers>[0];

/** A Transport, and the way to close its connections. */
export interface LeanGrpcTransport extends Transport {
  /** Closes the session, failing the calls in flight. */
  close(): void;
}

/** A Transport whose calls skip Connect's pipeline; see the top of this file. */
export function createLeanGrpcTransport(options: LeanGrpcTransportOptions): LeanGrpcTransport {
  const { baseUrl, createConnection } = options;
  const session = new ClientSession(baseUrl, createConnection);
  const readMaxBytes = options.readMaxBytes ?? 0xffffffff;
  const fixedHeader: OutgoingHttpHeaders = { "content-type": grpcContentType, te: "trailers" };
  addHeaders(fixedHeader, options.header ?? {});
  /** The streaming methods the server takes straight on a connection (channel-stream.ts). */
  let directStreams: ReadonlySet<string> = new Set();
  /** Those calls in flight, reset when the transport closes, as the session's streams are. */
  const directCalls = new Set<DirectClientStream>();
  let closed = false;
  const channel =
    options.channel === false
      ? undefined
      : new ChannelClient(
          channelHeader(fixedHeader),
          readMaxBytes,
          options.directChannel === undefined
            ? streamLink(session)
            : directLink(options.directChannel, (accepted) => {
                directStreams = directStreamPaths(accepted);
              }),
        );
  const paths = new WeakMap<object, string>();
  const pathOf = (method: DescMethod) => {
    let path = paths.get(method);
    if (path === undefined) {
      path = `/${method.parent.typeName}/${method.name}`;
      paths.set(method, path);
    }
    return path;
  };

  // Not an async function: the call's own promise is returned as it is, without the extra
  // turns of the microtask queue an async wrapper would add to every call.
  function unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeaderInit | undefined,
    input: MessageInitShape<I>,
  ): Promise<UnaryResponse<I, O>> {
    if (signal?.aborted) {
      return Promise.reject(abortError(signal));
    }
    let message: Uint8Array;
    try {
      message = encodeMessage(method.input, input);
    } catch (reason) {
      return Promise.reject(reason);
    }
    const deadline = deadlineOf(timeoutMs);
    if (channel !== undefined && !channel.refused && message.byteLength <= channelRequestMaxBytes) {
      let callHeader: OutgoingHttpHeaders | undefined;
      if (header !== undefined) {
        callHeader = {};
        addHeaders(callHeader, header);
      }
      return channel.unary(method, pathOf(method), message, signal, deadline, callHeader, (left) =>
        perCall(method, signal, left, header, message),
      );
    }
    return perCall(method, signal, deadline, header, message);
  }

  /** A unary call on a stream of its own. */
  function perCall<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
    header: HeaderInit | undefined,
    message: Uint8Array,
  ): Promise<UnaryResponse<I, O>> {
    if (signal?.aborted) {
      return Promise.reject(abortError(signal));
    }
    const frame = frameMessage(message);
    const headers = requestHeader(method, header, deadline);
    const call = new UnaryCall(method, readMaxBytes, signal, deadline);
    const start = (stream: http2.ClientHttp2Stream) => call.start(stream, frame);
    const fail = (reason: unknown) => call.fail(nodeError(reason));
    try {
      const stream = session.tryOpen(headers);
      if (stream === undefined) {
        session.open(headers).then(start).catch(fail);
      } else {
        start(stream);
      }
    } catch (reason) {
      fail(reason);
    }
    return call.result;
  }

  async function stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeaderInit | undefined,
    input: AsyncIterable<MessageInitShape<I>>,
  ): Promise<StreamResponse<I, O>> {
    if (signal?.aborted) {
      throw abortError(signal);
    }
    const deadline = deadlineOf(timeoutMs);
    const headers = requestHeader(method, header, deadline);
    const call = new StreamCall(method, readMaxBytes, signal, deadline);
    const { directChannel } = options;
    if (!closed && directChannel !== undefined && directStreams.has(headers[":path"] as string)) {
      const socket = await connectDirectStream(directChannel);
      if (socket !== undefined && closed) {
        socket.destroy();
      } else if (socket !== undefined) {
        const direct = new DirectClientStream(socket, headers);
        directCalls.add(direct);
        direct.once("close", () => directCalls.delete(direct));
        call.start(direct as unknown as ClientHttp2Stream, input);
        return call.response;
      }
      // Nothing listens there any more: the call goes on HTTP/2, where it fails or runs once.
    }
    try {
      call.start(session.tryOpen(headers) ?? (await session.open(headers)), input);
    } catch (reason) {
      call.fail(nodeError(reason));
    }
    return call.response;
  }

  /** A call's request headers: the fixed ones, the call's own, its deadline and its path. */
  function requestHeader(
    method: DescMethod,
    header: HeaderInit | undefined,
    deadline: number | undefined,
  ): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...fixedHeader };
    if (header !== undefined) {
      addHeaders(headers, header);
    }
    if (deadline !== undefined) {
      headers["grpc-timeout"] = `${deadline}m`;
    }
    headers[":method"] = "POST";
    headers[":path"] = pathOf(method);
    return headers;
  }

  const close = () => {
    closed = true;
    channel?.close();
    session.close();
    for (const direct of directCalls) direct.close(http2.constants.NGHTTP2_CANCEL);
  };
  return { unary, stream, close };
}

/** A call's timeout as Connect reads it: 0 or less means none. */
function deadlineOf(timeoutMs: number | undefined): number | undefined {
  return timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined;
}

/** A stream carrying a unary call: its listeners, shared by all calls, find the call here. */
interface CallStream extends http2.ClientHttp2Stream {
  [callKey]?: UnaryCall<DescMessage, DescMessage>;
}
const callKey = Symbol("unary call");

function onResponse(this: CallStream, headers: ResponseHeaders): void {
  this[callKey]?.receiveHeader(headers);
}
function onData(this: CallStream, chunk: Buffer): void {
  this[callKey]?.receiveData(chunk);
}
function onTrailers(this: CallStream, trailers: IncomingHttpHeaders): void {
  this[callKey]?.receiveTrailer(trailers);
}
function onError(this: CallStream, error: Error): void {
  this[callKey]?.fail(nodeError(error));
}
// Trailers come before the end of the body: a call that has them is answered, and need not
// wait for the stream to close. Without them, the close tells how the stream ended.
function onEnd(this: CallStream): void {
  this[callKey]?.finish(http2.constants.NGHTTP2_NO_ERROR, true);
}
function onClose(this: CallStream): void {
  this[callKey]?.finish(this.rstCode, false);
}

/** One unary call in flight: settles once, on the answer, a failure, the deadline or an abort. */
class UnaryCall<I extends DescMessage, O extends DescMessage> {
  readonly result: Promise<UnaryResponse<I, O>>;
  private resolve!: (response: UnaryResponse<I, O>) => void;
  private reject!: (error: ConnectError) => void;
  private settled = false;
  private stream: http2.ClientHttp2Stream | undefined;
  private readonly limits: CallLimits;
  private responseHeader: ResponseHeaders | undefined;
  private trailer: IncomingHttpHeaders | undefined;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly method: DescMethodUnary<I, O>,
    private readonly readMaxBytes: number,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.limits = new CallLimits(signal, deadline, (error) => this.fail(error));
  }

  start(stream: CallStream, frame: Uint8Array): void {
    if (this.settled) {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      return;
    }
    this.stream = stream;
    stream[callKey] = this as unknown as UnaryCall<DescMessage, DescMessage>;
    stream.on("response", onResponse);
    stream.on("data", onData);
    stream.on("trailers", onTrailers);
    stream.on("error", onError);
    stream.on("end", onEnd);
    stream.on("close", onClose);
    stream.end(frame);
  }

  receiveHeader(headers: ResponseHeaders): void {
    this.responseHeader = headers;
  }

  receiveData(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  receiveTrailer(trailers: IncomingHttpHeaders): void {
    this.trailer = trailers;
  }

  fail(error: ConnectError): void {
    if (this.settled) {
      return;
    }
    this.settle();
    if (this.stream !== undefined && !this.stream.closed) {
      this.stream.close(
        error.code === Code.Canceled
          ? http2.constants.NGHTTP2_CANCEL
          : http2.constants.NGHTTP2_INTERNAL_ERROR,
      );
    }
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    this.limits.release();
  }

  /** Settles on the answer, once the body has ended with trailers or the stream has closed. */
  finish(rstCode: number, bodyEnded: boolean): void {
    if (this.settled || (bodyEnded && this.trailer === undefined)) {
      return;
    }
    const header = this.responseHeader;
    if (header === undefined) {
      this.fail(
        resetError(rstCode) ??
          new ConnectError("the stream closed before a response arrived", Code.Unavailable),
      );
      return;
    }
    let message: MessageShape<O>;
    try {
      message = unaryAnswer(this.method, header, this.trailer, () =>
        singleMessage(this.chunks, this.readMaxBytes, "output"),
      );
    } catch (reason) {
      this.fail(reason instanceof ConnectError ? reason : ConnectError.from(reason));
      return;
    }
    this.settle();
    this.resolve(new UnaryResult(this.method, message, header, this.trailer ?? {}));
  }
}

/** Adds a call's own headers, lower-cased as HTTP/2 requires. */
function addHeaders(target: OutgoingHttpHeaders, header: NonNullable<HeaderInit>): void {
  const add = (value: string, name: string) => {
    target[name.toLowerCase()] = value;
  };
  // Not `instanceof Headers`: reading that global makes Node load its Fetch API (~20 ms and
  // ~3.5 MiB in a starting plugin), and a Headers object is the only init with forEach.
  if (typeof (header as Headers).forEach === "function" && !Array.isArray(header)) {
    (header as Headers).forEach(add);
  } else if (Array.isArray(header)) {
    for (const [name, value] of header) {
      add(value, name);
    }
  } else {
    for (const [name, value] of Object.entries(header as Record<string, string>)) {
      add(value, name);
    }
  }
}
