// The caller's end of the call channel (channel.proto): small unary calls go out as frames on
// one long-lived stream and their answers come back on it, matched by call id, so that a call
// costs one frame each way rather than a stream of its own. Outcomes are those of the per-call
// form: answers are read by the same checks (unaryAnswer), deadlines and aborts fail the call
// the same way and tell the callee to stop. A callee that refuses the channel, or a method it
// does not answer there, sends the call per call instead, where it runs once: nothing ran yet.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import * as http2 from "node:http2";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type UnaryResponse } from "@connectrpc/connect";
import { OpenRequestSchema, type OpenResponse } from "../gen/plugwire/v1/channel_pb.js";
import { CallLimits } from "./call-limits.js";
import { decodeResponse, encodeRequestFrame } from "./channel-frames.js";
import { addMetadata, metadataList } from "./channel-metadata.js";
import { channelPath } from "./channel-server.js";
import { acceptsChannelVersion, channelVersion, channelVersionHeader } from "./channel-version.js";
import type { ClientSession } from "./client-session.js";
import { FrameSplitter } from "./frame-splitter.js";
import { nodeError, resetError } from "./h2-errors.js";
import { encodeFrame } from "./message-codec.js";
import { checkMessageSize } from "./message-frame.js";
import { grpcContentType, type ResponseHeaders } from "./node-headers.js";
import { SocketWriter } from "./socket-writer.js";
import { UnaryResult, unaryAnswer } from "./unary-answer.js";

/** Makes the call on a stream of its own, with `timeoutMs` left of its deadline. */
export type PerCall<I extends DescMessage, O extends DescMessage> = (
  timeoutMs: number | undefined,
) => Promise<UnaryResponse<I, O>>;

/** What the answer of a call with neither headers nor trailers of the method's own reads as. */
const okTrailer: IncomingHttpHeaders = Object.freeze({ "grpc-status": "0" });

/** Room for an answer's other fields (metadata, error details) beside its message. */
const frameOverheadBytes = 64 * 1024;

/** What a channel link tells its client. */
interface LinkEvents {
  /** An answer frame arrived. */
  answer(answer: OpenResponse): void;
  /** The callee does not serve the channel: calls go per call from now on. */
  refused(): void;
  /**
   * The link ended; `error` makes the error the calls waiting fail with (only when some do:
   * making a ConnectError loads Node's Fetch API). The next call opens a new link.
   */
  closed(error: () => ConnectError): void;
}

/** How the channel's frames travel: a stream of the HTTP/2 session, or a connection of its own. */
interface ChannelLink {
  write(frame: Uint8Array): void;
  /** Keeps the process alive while calls wait for answers, or lets it end. */
  hold(held: boolean): void;
  /** Ends the link, without telling the client. */
  close(): void;
}

/** Opens a link to the callee; `header` is the channel's request headers. */
export type OpenLink = (
  header: OutgoingHttpHeaders,
  readMaxBytes: number,
  events: LinkEvents,
) => ChannelLink;

export class ChannelClient {
  private link: ChannelLink | undefined;
  private readonly calls = new Map<number, ChannelCall<DescMessage, DescMessage>>();
  private lastId = 0;
  /** Whether the link holds the process for the calls waiting. */
  private held = false;
  /** Set once the callee refused the channel: every call goes per call from then on. */
  refused = false;
  /** Set by close(): no link opens again. */
  private ended = false;

  /**
   * @param header the channel's request headers: the transport's fixed ones (content type,
   *   token), and the channel's method and path
   * @param openLink a stream of the session (streamLink) or a connection of its own (directLink)
   */
  constructor(
    private readonly header: OutgoingHttpHeaders,
    private readonly readMaxBytes: number,
    private readonly openLink: OpenLink,
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
      encodeRequestFrame({
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

  /** Ends the channel for good: the calls waiting fail with Canceled, later calls at once. */
  close(): void {
    this.ended = true;
    const link = this.link;
    this.closed(() => new ConnectError("the connection is closed", Code.Canceled));
    link?.close();
  }

  private write(frame: Uint8Array): void {
    if (this.ended) {
      queueMicrotask(() =>
        this.closed(() => new ConnectError("the connection is closed", Code.Canceled)),
      );
      return;
    }
    if (this.link === undefined) {
      // Each link's events count only while it is the current one.
      let link: ChannelLink | undefined;
      const current = () => link !== undefined && link === this.link;
      link = this.openLink(this.header, this.readMaxBytes, {
        answer: (answer) => current() && this.receive(answer),
        refused: () => current() && this.refuse(),
        closed: (error) => current() && this.closed(error),
      });
      this.link = link;
    }
    this.link.write(frame);
  }

  private receive(answer: OpenResponse): void {
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
  private refuse(): void {
    this.refused = true;
    this.detach()?.close();
    const waiting = [...this.calls.values()];
    this.calls.clear();
    for (const call of waiting) {
      call.perCall();
    }
  }

  /** The channel ended: the calls waiting fail with `error()`; the next call opens a new one. */
  private closed(error: () => ConnectError): void {
    this.detach();
    if (this.calls.size === 0) {
      return;
    }
    const waiting = [...this.calls.values()];
    this.calls.clear();
    const reason = error();
    for (const call of waiting) {
      call.fail(reason, false);
    }
  }

  private detach(): ChannelLink | undefined {
    const link = this.link;
    if (this.held) {
      this.held = false;
      link?.hold(false);
    }
    this.link = undefined;
    return link;
  }

  /** Holds the process while calls wait for answers, so that it waits for them too. */
  private holdWhileWaiting(): void {
    const link = this.link;
    if (link === undefined) {
      return;
    }
    const waiting = this.calls.size > 0;
    if (waiting !== this.held) {
      this.held = waiting;
      link.hold(waiting);
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

/**
 * The channel as a stream of the transport's HTTP/2 session, opened on a new session if need
 * be; frames written before it opens wait. A callee that answers the stream with anything but
 * the channel's head refuses the channel.
 */
export function streamLink(session: ClientSession): OpenLink {
  return (header, readMaxBytes, events) => {
    let stream: http2.ClientHttp2Stream | undefined;
    let queued: Uint8Array[] = [];
    let held = false;
    let ended = false;
    const attach = (opened: http2.ClientHttp2Stream) => {
      if (ended) {
        opened.close(http2.constants.NGHTTP2_CANCEL);
        return;
      }
      stream = opened;
      const frames = new FrameSplitter(readMaxBytes + frameOverheadBytes, (bytes) =>
        events.answer(decodeResponse(bytes)),
      );
      let failure: ConnectError | undefined;
      opened.on("response", (responseHeader: ResponseHeaders) => {
        const accepted =
          responseHeader[":status"] === 200 &&
          responseHeader["content-type"] === grpcContentType &&
          responseHeader["grpc-status"] === undefined &&
          acceptsChannelVersion(responseHeader[channelVersionHeader]);
        if (!accepted) events.refused();
      });
      opened.on("data", (chunk: Buffer) => {
        try {
          frames.push(chunk);
        } catch (reason) {
          failure = nodeError(reason);
          opened.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
        }
      });
      opened.on("error", (error) => {
        failure ??= nodeError(error);
      });
      opened.on("close", () => {
        events.closed(
          () =>
            failure ??
            resetError(opened.rstCode) ??
            new ConnectError("the call channel closed before the answer came", Code.Unavailable),
        );
      });
      for (const frame of queued) opened.write(frame);
      queued = [];
      if (held) session.hold(opened);
    };
    const fail = (reason: unknown) => events.closed(() => nodeError(reason));
    try {
      const opened = session.tryOpen(header, undefined, false);
      if (opened === undefined) {
        session.open(header, undefined, false).then(attach, fail);
      } else {
        attach(opened);
      }
    } catch (reason) {
      // Told after the client has the link, as every other event.
      queueMicrotask(() => fail(reason));
    }
    return {
      write(frame) {
        if (stream === undefined) queued.push(frame);
        else stream.write(frame);
      },
      hold(hold) {
        held = hold;
        if (stream === undefined) return;
        if (hold) session.hold(stream);
        else session.release(stream);
      },
      close() {
        ended = true;
        queued = [];
        stream?.close(http2.constants.NGHTTP2_CANCEL);
      },
    };
  };
}

/**
 * The channel straight on a connection of its own (plugin protocol version 2; the server's side
 * is serveDirectChannel): the first frame carries the channel's request headers, and the
 * callee's first answer, with call id 0, accepts or refuses; so does a connection that fails
 * or ends before that answer (nothing listens there). Calls are written behind the
 * headers without waiting for that answer. The connection keeps the process alive only while
 * calls wait.
 */
export function directLink(
  createConnection: () => Duplex,
  onAccepted?: (header: IncomingHttpHeaders) => void,
): OpenLink {
  return (header, readMaxBytes, events) => {
    const socket = createConnection() as Socket;
    socket.unref?.();
    let accepted = false;
    /** What ended the connection, made into a ConnectError only if a call waits to be told. */
    let failure: unknown;
    const frames = new FrameSplitter(readMaxBytes + frameOverheadBytes, (bytes) => {
      const answer = decodeResponse(bytes);
      if (accepted) {
        events.answer(answer);
        return;
      }
      const trailer: IncomingHttpHeaders = {};
      addMetadata(trailer, answer.trailers);
      const version: IncomingHttpHeaders = {};
      addMetadata(version, answer.headers);
      if (
        answer.callId !== 0 ||
        trailer["grpc-status"] !== undefined ||
        !acceptsChannelVersion(version[channelVersionHeader])
      ) {
        // The calls go per call, where each gets the callee's own answer (a wrong token's too).
        events.refused();
        socket.destroy();
        return;
      }
      accepted = true;
      onAccepted?.(version);
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        frames.push(chunk);
      } catch (reason) {
        failure = reason;
        socket.destroy();
      }
    });
    socket.on("error", (error) => {
      failure ??= error;
    });
    socket.on("close", () => {
      if (!accepted) {
        // Nothing listens, or a server that does not speak the channel hung up.
        events.refused();
        return;
      }
      events.closed(
        () =>
          (failure === undefined ? undefined : nodeError(failure)) ??
          new ConnectError("the call channel closed before the answer came", Code.Unavailable),
      );
    });
    const writer = new SocketWriter(socket);
    writer.write(
      encodeFrame(OpenRequestSchema, {
        callId: 0,
        path: channelPath,
        headers: metadataList(header),
      }),
    );
    return {
      write(frame) {
        writer.write(frame);
      },
      hold(held) {
        if (held) socket.ref?.();
        else socket.unref?.();
      },
      close() {
        socket.destroy();
      },
    };
  };
}
