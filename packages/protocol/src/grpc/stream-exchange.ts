// One streaming call on the lean server: the request's frames are read as they arrive
// (message-reader.ts), the method runs on them with a LeanHandlerContext, and its answers go out
// as frames, each waiting for the stream to drain, then the status in trailers. The head goes
// out with the first answer, so a method can set response headers until then.
import type * as http2 from "node:http2";
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type MethodImplSpec } from "@connectrpc/connect";
import { chunkSplitter, writeMessageFrame } from "./chunk-frame.js";
import { drained } from "./drained.js";
import { resetError } from "./h2-errors.js";
import { LeanHandlerContext, timeoutOf } from "./handler-context.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { writeFrame } from "./message-frame.js";
import { MessageReader } from "./message-reader.js";
import { respondWithError, responseHeader, statusTrailer } from "./server-answers.js";

/** A method that takes or gives a stream of messages. */
export type StreamingSpec = Exclude<MethodImplSpec, { kind: "unary" }>;

type Input = MessageShape<DescMessage>;
type Output = MessageInitShape<DescMessage>;

/** Serves one call of `spec` on `stream`; never throws, failures end the call with their status. */
export function serveStreamingCall(
  stream: http2.ServerHttp2Stream,
  header: http2.IncomingHttpHeaders,
  spec: StreamingSpec,
  readMaxBytes: number,
  errorFor: (reason: unknown) => ConnectError,
): void {
  let context: LeanHandlerContext;
  try {
    context = new LeanHandlerContext(spec.method, header, timeoutOf(header));
  } catch (reason) {
    respondWithError(stream, errorFor(reason));
    return;
  }
  new StreamExchange(stream, spec, context, readMaxBytes, errorFor).start();
}

class StreamExchange {
  private readonly input: MessageReader<Input>;
  private headSent = false;
  private finished = false;
  /** The trailers to send once the last frame is out. */
  private trailer: http2.OutgoingHttpHeaders = {};

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly spec: StreamingSpec,
    private readonly context: LeanHandlerContext,
    readMaxBytes: number,
    private readonly errorFor: (reason: unknown) => ConnectError,
  ) {
    const input = spec.method.input;
    this.input = new MessageReader(
      (bytes) => decodeMessage(input, bytes),
      readMaxBytes,
      stream,
      {},
      chunkSplitter(input),
    );
  }

  start(): void {
    const { stream, input, context } = this;
    stream.on("data", (chunk: Buffer) => input.push(chunk));
    stream.on("end", () => input.end());
    stream.on("close", () => {
      if (!this.finished) {
        const reason =
          resetError(stream.rstCode) ?? new ConnectError("the stream closed", Code.Canceled);
        input.fail(reason);
        context.abort(reason);
      }
    });
    void this.run();
  }

  private async run(): Promise<void> {
    const { spec, context, input } = this;
    let failure: ConnectError | undefined;
    try {
      switch (spec.kind) {
        case "server_streaming":
          await this.send(spec.impl(await this.singleInput(), context) as AsyncIterable<Output>);
          break;
        case "bidi_streaming":
          await this.send(spec.impl(input, context) as AsyncIterable<Output>);
          break;
        case "client_streaming":
          this.write(
            encodeMessage(spec.method.output, (await spec.impl(input, context)) as Output),
          );
          break;
      }
    } catch (reason) {
      failure = this.errorFor(reason);
    }
    this.finish(failure);
  }

  /** The one request of a server-streaming call, read to the end of the body. */
  private async singleInput(): Promise<Input> {
    const first = await this.input.next();
    if (first.done === true) {
      throw new ConnectError(
        "protocol error: missing input message for server-streaming method",
        Code.Unimplemented,
      );
    }
    if ((await this.input.next()).done !== true) {
      throw new ConnectError(
        "protocol error: received extra input message for server-streaming method",
        Code.Unimplemented,
      );
    }
    return first.value;
  }

  private async send(outputs: AsyncIterable<Output>): Promise<void> {
    const output = this.spec.method.output;
    for await (const message of outputs) {
      if (!this.writeOutput(output, message)) {
        await drained(this.stream);
      }
    }
  }

  /** Writes one message, the head first if it has not gone yet; false when the stream is full. */
  private write(message: Uint8Array): boolean {
    this.writable();
    return writeFrame(this.stream, message);
  }

  /** Writes one output message, a body chunk's data without copying it (chunk-frame.ts). */
  private writeOutput(output: DescMessage, message: Output): boolean {
    this.writable();
    return writeMessageFrame(this.stream, output, message);
  }

  /** Throws when the stream can take no more; sends the head if it has not gone yet. */
  private writable(): void {
    const { stream } = this;
    if (stream.closed || stream.destroyed) {
      throw resetError(stream.rstCode) ?? new ConnectError("the stream closed", Code.Canceled);
    }
    this.sendHead();
  }

  private sendHead(): void {
    if (this.headSent) {
      return;
    }
    this.headSent = true;
    const { stream } = this;
    stream.respond(responseHeader(this.context), { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers(this.trailer));
  }

  private finish(failure: ConnectError | undefined): void {
    this.finished = true;
    const { stream, context } = this;
    // The method is done with its input: what else arrives is read and dropped.
    void this.input.return();
    if (!stream.closed && !stream.destroyed) {
      if (failure !== undefined && !this.headSent) {
        respondWithError(stream, failure, context);
      } else {
        this.trailer = statusTrailer(context, failure);
        this.sendHead();
        stream.end();
      }
    }
    context.complete();
  }
}
