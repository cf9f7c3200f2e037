// The caller's end of the call channel (channel.proto): small unary calls go out as frames on
// one long-lived stream and their answers come back on it, matched by call id, so that a call
// costs one frame each way rather than a stream of its own. Outcomes are those of the per-call
// form: answers are read by the same checks (unaryAnswer), deadlines and aborts fail the call
// the same way and tell the callee to stop. A callee that refuses the channel, or a method it
// does not answer there, sends the call per call instead, where it runs once: nothing ran yet.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import * as http2 from "node:http2";
import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type UnaryResponse } from "@connectrpc/connect";
import {
  OpenRequestSchema,
  type OpenResponse,
  OpenResponseSchema,
} from "../gen/plugwire/v1/channel_pb.js";
import { CallLimits } from "./call-limits.js";
import { addMetadata, metadataList } from "./channel-metadata.js";
import { channelPath } from "./channel-server.js";
import { acceptsChannelVersion, channelVersion, channelVersionHeader } from "./channel-version.js";
import type { ClientSession } from "./client-session.js";
import { FrameSplitter } from "./frame-splitter.js";
import { nodeError, resetError } from "./h2-errors.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";
import { checkMessageSize } from "./message-frame.js";
import { grpcContentType, type ResponseHeaders } from "./node-headers.js";
import { UnaryResult, unaryAnswer } from "./unary-answer.js";

/** Makes the call on a stream of its own, with `timeoutMs` left of its deadline. */
export type PerCall<I extends DescMessage, O extends DescMessage> = (
  timeoutMs: number | undefined,
) => Promise<UnaryResponse<I, O>>;

/** What the answer of a call with neither headers nor trailers of the method's own reads as. */
const okTrailer: IncomingHttpHeaders = Object.freeze({ "grpc-status": "0" });

/** Room for an answer's other fields (metadata, error details) beside its message. */
const frameOverheadBytes = 64 * 1024;

export class ChannelClient {
  private stream: http2.ClientHttp2Stream | undefined;
  private opening = false;
  /** Frames written before the stream was open. */
  private queued: Uint8Array[] = [];
  private readonly calls = new Map<number, ChannelCall<DescMessage, DescMessage>>();
  private lastId = 0;
  /** Whether the session is held for the calls waiting. */
  private held = false;
  /** Set once the callee refused the channel: every call goes per call from then on. */
  refused = false;

  /**
   * @param header the channel's request headers: the transport's fixed ones (content type,
   *   token), and the channel's method and path
   */
  constructor(
    private readonly session: ClientSession,
    private readonly header: OutgoingHttpHeaders,
    private readonly readMaxBytes: number,
  ) {}

  /** Sends `message` (the encoded request) to the method at `path`, and reads its answer. */
  unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    path: string,
    message: Uint8Array,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
    callHeader: OutgoingHttpHeaders | undefined,
    perCall: PerCall<I, O>,
  ): Promise<UnaryResponse<I, O>> {
    let id = (this.lastId + 1) >>> 0;
    while (id === 0 || this.calls.has(id)) id = (id + 1) >>> 0;
    this.lastId = id;
    const call = new ChannelCall(this, id, method, signal, deadline, perCall, this.readMaxBytes);
    this.calls.set(id, call as unknown as ChannelCall<DescMessage, DescMessage>);
    this.write(
      encodeFrame(OpenRequestSchema, {
        callId: id,
        path,
        message,
        timeoutMs: deadline ?? 0,
        headers: callHeader === undefined ? undefined : metadataList(callHeader),
      }),
    );
    this.holdWhileWaiting();
    return call.result;
  }

  /** Forgets call `id`, and tells the callee to stop it. */
  cancel(id: number): void {
    if (this.calls.delete(id)) {
      this.write(encodeFrame(OpenRequestSchema, { callId: id, cancel: true }));
      this.holdWhileWaiting();
    }
  }

  private write(frame: Uint8Array): void {
    if (this.stream !== undefined) {
      this.stream.write(frame);
      return;
    }
    this.queued.push(frame);
    this.open();
  }

  private open(): void {
    if (this.opening) {
      return;
    }
    let stream: http2.ClientHttp2Stream | undefined;
    try {
      stream = this.session.tryOpen(this.header, undefined, false);
    } catch (reason) {
      this.closed(nodeError(reason));
      return;
    }
    if (stream !== undefined) {
      this.attach(stream);
      return;
    }
    this.opening = true;
    this.session.open(this.header, undefined, false).then(
      (opened) => {
        this.opening = false;
        this.attach(opened);
      },
      (reason: unknown) => {
        this.opening = false;
        this.closed(nodeError(reason));
      },
    );
  }

  private attach(stream: http2.ClientHttp2Stream): void {
    this.stream = stream;
    const frames = new FrameSplitter(this.readMaxBytes + frameOverheadBytes, (bytes) =>
      this.receive(bytes),
    );
    let failure: ConnectError | undefined;
    stream.on("response", (header: ResponseHeaders) => {
      const accepted =
        header[":status"] === 200 &&
        header["content-type"] === grpcContentType &&
        header["grpc-status"] === undefined &&
        acceptsChannelVersion(header[channelVersionHeader]);
      if (!accepted) {
        this.refuse(stream);
      }
    });
    stream.on("data", (chunk: Buffer) => {
      try {
        frames.push(chunk);
      } catch (reason) {
        failure = nodeError(reason);
        stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
      }
    });
    stream.on("error", (error) => {
      failure ??= nodeError(error);
    });
    stream.on("close", () => {
      if (this.stream === stream) {
        this.closed(
          failure ??
            resetError(stream.rstCode) ??
            new ConnectError("the call channel closed before the answer came", Code.Unavailable),
        );
      }
    });
    const queued = this.queued;
    this.queued = [];
    for (const frame of queued) {
      stream.write(frame);
    }
    this.holdWhileWaiting();
  }

  private receive(bytes: Uint8Array): void {
    const answer = decodeMessage(OpenResponseSchema, bytes);
    const call = this.calls.get(answer.callId);
    if (call === undefined) {
      // Cancelled meanwhile.
      return;
    }
    this.calls.delete(answer.callId);
    this.holdWhileWaiting();
    if (answer.useStream) {
      call.perCall();
    } else {
      call.answer(answer);
    }
  }

  /** The callee does not serve the channel: the calls waiting, and all later, go per call. */
  private refuse(stream: http2.ClientHttp2Stream): void {
    this.refused = true;
    this.detach(stream);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    const waiting = [...this.calls.values()];
    this.calls.clear();
    for (const call of waiting) {
      call.perCall();
    }
  }

  /** The channel ended: the calls waiting fail with `error`; the next call opens a new one. */
  private closed(error: ConnectError): void {
    if (this.stream !== undefined) {
      this.detach(this.stream);
    }
    this.queued = [];
    const waiting = [...this.calls.values()];
    this.calls.clear();
    for (const call of waiting) {
      call.fail(error, false);
    }
  }

  private detach(stream: http2.ClientHttp2Stream): void {
    if (this.held) {
      this.held = false;
      this.session.release(stream);
    }
    this.stream = undefined;
  }

  /** Holds the session while calls wait for answers, so that the process waits for them too. */
  private holdWhileWaiting(): void {
    const stream = this.stream;
    if (stream === undefined) {
      return;
    }
    const waiting = this.calls.size > 0;
    if (waiting && !this.held) {
      this.held = true;
      this.session.hold(stream);
    } else if (!waiting && this.held) {
      this.held = false;
      this.session.release(stream);
    }
  }
}

/** One call on the channel: settles once, on its answer, a failure, its deadline or an abort. */
class ChannelCall<I extends DescMessage, O extends DescMessage> {
  readonly result: Promise<UnaryResponse<I, O>>;
  private resolve!: (response: UnaryResponse<I, O>) => void;
  private reject!: (error: ConnectError) => void;
  private settled = false;
  private readonly limits: CallLimits;
  /** When the deadline passes (performance.now() milliseconds), if there is one. */
  private readonly deadlineAt: number | undefined;

  constructor(
    private readonly channel: ChannelClient,
    private readonly id: number,
    private readonly method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
    private readonly sendPerCall: PerCall<I, O>,
    private readonly readMaxBytes: number,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.deadlineAt = deadline === undefined ? undefined : performance.now() + deadline;
    this.limits = new CallLimits(signal, deadline, (error) => this.fail(error, true));
  }

  answer(answer: OpenResponse): void {
    if (this.settled) {
      return;
    }
    this.settle();
    const header = {
      ":status": 200,
      "content-type": grpcContentType,
    } as unknown as ResponseHeaders;
    addMetadata(header, answer.headers);
    let trailer: IncomingHttpHeaders;
    let failed = false;
    if (answer.trailers.length === 0) {
      trailer = okTrailer;
    } else {
      trailer = {};
      addMetadata(trailer, answer.trailers);
      failed = trailer["grpc-status"] !== "0";
    }
    let message: MessageShape<O>;
    try {
      if (failed) {
        // As gRPC's trailers-only answer: the status in the headers, no message.
        Object.assign(header, trailer);
        message = unaryAnswer(this.method, header, {}, () => undefined);
      } else {
        message = unaryAnswer(this.method, header, trailer, () => {
          checkMessageSize(answer.message.byteLength, this.readMaxBytes);
          return answer.message;
        });
      }
    } catch (reason) {
      this.reject(reason instanceof ConnectError ? reason : ConnectError.from(reason));
      return;
    }
    this.resolve(new UnaryResult(this.method, message, header, trailer));
  }

  /** Fails the call; `cancel` tells the callee to stop it, when the channel is still there. */
  fail(error: ConnectError, cancel: boolean): void {
    if (this.settled) {
      return;
    }
    this.settle();
    if (cancel) {
      this.channel.cancel(this.id);
    }
    this.reject(error);
  }

  /** Makes the call on a stream of its own, with what is left of its deadline. */
  perCall(): void {
    if (this.settled) {
      return;
    }
    this.settle();
    let left: number | undefined;
    if (this.deadlineAt !== undefined) {
      left = Math.floor(this.deadlineAt - performance.now());
      if (left <= 0) {
        this.reject(new ConnectError("the operation timed out", Code.DeadlineExceeded));
        return;
      }
    }
    this.sendPerCall(left).then(this.resolve, this.reject);
  }

  private settle(): void {
    this.settled = true;
    this.limits.release();
  }
}

/** The channel's request headers, from a transport's fixed ones, and the versions it speaks. */
export function channelHeader(fixed: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return {
    ...fixed,
    ":method": "POST",
    ":path": channelPath,
    [channelVersionHeader]: String(channelVersion),
  };
}
