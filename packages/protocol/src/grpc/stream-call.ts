// One streaming call of the lean client: the request messages are written as frames as the
// caller's iterable yields them, each waiting for the stream to drain; the call's response
// resolves with the response head, and its messages are read as they arrive (message-reader.ts),
// ending with the status from the trailers. Anything unusual in the head or the trailers goes
// through the checks Connect's clients make (response-checks.ts), so errors read as Connect's.
import * as http2 from "node:http2";
import type {
  DescMessage,
  DescMethodStreaming,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import { Code, ConnectError, type StreamResponse } from "@connectrpc/connect";
import { CallLimits } from "./call-limits.js";
import { chunkSplitter, writeMessageFrame } from "./chunk-frame.js";
import { drained } from "./drained.js";
import { nodeError, resetError } from "./h2-errors.js";
import { decodeMessage } from "./message-codec.js";
import { MessageReader } from "./message-reader.js";
import { grpcContentType, type ResponseHeaders, webHeaders } from "./node-headers.js";
import { checkResponseHead, checkTrailer } from "./response-checks.js";

/** A streaming call in flight; `response` settles on the response head or the call's failure. */
export class StreamCall<I extends DescMessage, O extends DescMessage> {
  readonly response: Promise<StreamResponse<I, O>>;
  private resolve!: (response: StreamResponse<I, O>) => void;
  private reject!: (error: ConnectError) => void;
  private readonly reader: MessageReader<MessageShape<O>>;
  /** Set once the call is over: answered to the end, failed or cancelled. */
  private settled = false;
  private stream: http2.ClientHttp2Stream | undefined;
  private readonly limits: CallLimits;
  private header: ResponseHeaders | undefined;
  /** Whether the head carried the status, so that no trailers follow (gRPC's trailers-only). */
  private statusInHeader = false;
  private rawTrailer: http2.IncomingHttpHeaders | undefined;
  /** Ends the request side and stops the caller's input; set once sending has begun. */
  private stopSending: (() => void) | undefined;

  constructor(
    private readonly method: DescMethodStreaming<I, O>,
    readMaxBytes: number,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.reader = new MessageReader(
      (bytes) => decodeMessage(method.output, bytes),
      readMaxBytes,
      { pause: () => this.stream?.pause(), resume: () => this.stream?.resume() },
      {
        onReturn: () => this.cancel(),
        // A malformed answer ends the call, as Connect's client does: the server stops too.
        onError: (error) => this.fail(ConnectError.from(error)),
      },
      chunkSplitter(method.output),
    );
    this.limits = new CallLimits(signal, deadline, (error) => this.fail(error));
  }

  /** The trailers, once the response has ended; empty before. */
  get trailer(): http2.IncomingHttpHeaders {
    return this.rawTrailer ?? {};
  }

  start(stream: http2.ClientHttp2Stream, input: AsyncIterable<MessageInitShape<I>>): void {
    if (this.settled) {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      return;
    }
    this.stream = stream;
    stream.on("response", (header: ResponseHeaders) => this.receiveHeader(header));
    stream.on("data", (chunk: Buffer) => this.reader.push(chunk));
    stream.on("trailers", (trailer: http2.IncomingHttpHeaders) => {
      this.rawTrailer = trailer;
    });
    stream.on("error", (error: Error) => this.fail(nodeError(error)));
    stream.on("end", () => this.end());
    stream.on("close", () => {
      // After a complete answer this is the usual end of the stream, with nothing to report.
      if (!this.settled) {
        this.fail(
          resetError(stream.rstCode) ??
            new ConnectError("the stream closed before the response ended", Code.Unavailable),
        );
      }
    });
    void this.send(stream, input);
  }

  /** Ends the call with `error`: the response rejects if it has not resolved, reads throw. */
  fail(error: ConnectError): void {
    if (this.settled) {
      return;
    }
    this.settle();
    const { stream } = this;
    if (stream !== undefined && !stream.closed) {
      stream.close(
        error.code === Code.Canceled
          ? http2.constants.NGHTTP2_CANCEL
          : http2.constants.NGHTTP2_INTERNAL_ERROR,
      );
    }
    this.reject(error);
    this.reader.fail(error);
    this.stopSending?.();
  }

  /** The caller stopped reading before the end. */
  private cancel(): void {
    if (this.settled) {
      return;
    }
    this.settle();
    if (this.stream !== undefined && !this.stream.closed) {
      this.stream.close(http2.constants.NGHTTP2_CANCEL);
    }
    this.stopSending?.();
  }

  private settle(): void {
    this.settled = true;
    this.limits.release();
  }

  private receiveHeader(header: ResponseHeaders): void {
    this.header = header;
    const plain =
      header[":status"] === 200 &&
      header["content-type"] === grpcContentType &&
      header["grpc-encoding"] === undefined &&
      header["grpc-status"] === undefined;
    if (!plain) {
      try {
        const checked = checkResponseHead(Number(header[":status"]), webHeaders(header));
        if (checked.headError !== undefined) {
          throw checked.headError;
        }
        this.statusInHeader = checked.statusInHead;
      } catch (reason) {
        this.fail(ConnectError.from(reason));
        return;
      }
    }
    this.resolve(new StreamResult(this.method, this, header, this.reader));
  }

  /** The response body ended: the call is over, with the status its trailers give. */
  private end(): void {
    if (this.settled) {
      return;
    }
    const { header, rawTrailer } = this;
    if (header === undefined) {
      this.fail(new ConnectError("the stream closed before a response arrived", Code.Unavailable));
      return;
    }
    if (!this.statusInHeader && rawTrailer?.["grpc-status"] !== "0") {
      try {
        checkTrailer(webHeaders(rawTrailer ?? {}), webHeaders(header));
      } catch (reason) {
        this.fail(ConnectError.from(reason));
        return;
      }
    }
    this.settle();
    this.reader.end();
    // The answer is complete, so the request is too: a caller's input that has more to give,
    // or waits, is told to stop, and the request side ends (no reset: the stream just closes).
    this.stopSending?.();
  }

  /** Writes the request messages, then ends the request; stops when the call is over. */
  private async send(
    stream: http2.ClientHttp2Stream,
    input: AsyncIterable<MessageInitShape<I>>,
  ): Promise<void> {
    const messages = input[Symbol.asyncIterator]();
    const endRequest = () => {
      if (!stream.closed && !stream.destroyed && !stream.writableEnded) {
        stream.end();
      }
    };
    // Whether the input has ended by itself, or failed: then it must not be told to stop.
    let inputDone = false;
    this.stopSending = () => {
      endRequest();
      if (!inputDone) {
        inputDone = true;
        // Queued behind a read in progress, if any; an error in it is the input's own.
        messages.return?.().catch(() => {});
      }
    };
    try {
      for (;;) {
        let next: IteratorResult<MessageInitShape<I>>;
        try {
          next = await messages.next();
        } catch (reason) {
          inputDone = true;
          throw reason;
        }
        if (next.done === true) {
          inputDone = true;
          break;
        }
        if (this.settled || stream.closed || stream.destroyed) {
          break;
        }
        if (!writeMessageFrame(stream, this.method.input, next.value)) {
          await drained(stream);
        }
      }
      endRequest();
    } catch (reason) {
      // A stream that closed while writing has said why through its own events.
      if (!stream.closed && !stream.destroyed) {
        this.fail(ConnectError.from(reason));
      }
    } finally {
      if (!inputDone) {
        inputDone = true;
        await messages.return?.()?.catch(() => {});
      }
    }
  }
}

/** A streaming call's response; its header objects are made when read. */
class StreamResult<I extends DescMessage, O extends DescMessage> implements StreamResponse<I, O> {
  readonly stream = true;
  readonly service;
  private headerObject: Headers | undefined;

  constructor(
    readonly method: DescMethodStreaming<I, O>,
    private readonly call: StreamCall<I, O>,
    private readonly rawHeader: http2.IncomingHttpHeaders,
    readonly message: AsyncIterable<MessageShape<O>>,
  ) {
    this.service = method.parent;
  }

  get header(): Headers {
    this.headerObject ??= webHeaders(this.rawHeader);
    return this.headerObject;
  }

  /** Read after the messages: the trailers the response ended with. */
  get trailer(): Headers {
    return webHeaders(this.call.trailer);
  }
}
