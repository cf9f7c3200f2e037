// A gRPC server on node:http2 for Connect service implementations. A unary call is answered
// on its HTTP/2 stream directly: the request read whole, decoded once, the method called with
// a HandlerContext whose parts are built only when the method reads them, the answer written
// as headers, one frame and trailers. Streaming calls, and anything else, go to Connect's own
// handlers (universal-stream.ts). Either way, `authorize` sees every call before its method
// runs, and `errorFor` shapes every error a method throws.
import * as http2 from "node:http2";
import type {
  DescMessage,
  DescMethod,
  DescMethodUnary,
  DescService,
  MessageInitShape,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ContextValues,
  createConnectRouter,
  createContextValues,
  createServiceImplSpec,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
} from "@connectrpc/connect";
import { invokeUnaryImplementation, type UniversalHandler } from "@connectrpc/connect/protocol";
import { parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { resetError } from "./h2-errors.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { frameMessage, maxBodyBytes, singleMessage } from "./message-frame.js";
import { addWebHeaders, webHeaders } from "./node-headers.js";
import { sessionSettings } from "./session-settings.js";
import { serveUniversal } from "./universal-stream.js";

export interface GrpcServerOptions {
  /** Registers the services, as for Connect's adapters. */
  routes: (router: ConnectRouter) => void;
  /**
   * Sees each call's request headers (and the session it came on) before its method runs; what
   * it throws fails the call.
   */
  authorize?: (header: http2.IncomingHttpHeaders, session: http2.Http2Session) => void;
  /** The error a caller receives for what a method threw; Connect's rule when absent. */
  errorFor?: (reason: unknown) => ConnectError;
  /** Largest request message, in bytes; 4 GiB unless set, as with Connect. */
  readMaxBytes?: number;
}

type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;

interface UnaryRoute {
  spec: UnarySpec;
  /** Interceptors registered with the service; when there are any, Connect runs the call. */
  interceptors: Interceptor[];
}

const contentType = "application/grpc+proto";

/** Connect's treatment of a thrown value that is not a ConnectError. */
function connectErrorFor(reason: unknown): ConnectError {
  return reason instanceof ConnectError
    ? reason
    : new ConnectError("internal error", Code.Internal, undefined, undefined, reason);
}

/** An HTTP/2 server (not yet listening) answering gRPC calls to the services `routes` registers. */
export function createGrpcServer(options: GrpcServerOptions): http2.Http2Server {
  const readMaxBytes = options.readMaxBytes ?? 0xffffffff;
  const errorFor = options.errorFor ?? connectErrorFor;
  const router = createConnectRouter({ grpc: true, connect: false, grpcWeb: false, readMaxBytes });
  const unaryRoutes = new Map<string, UnaryRoute>();
  options.routes(recordingRouter(router, unaryRoutes, errorFor));
  const universalRoutes = new Map<string, UniversalHandler>(
    router.handlers.map((handler) => [handler.requestPath, handler]),
  );
  // Stream windows only: see session-settings.ts for why the connection window stays.
  const server = http2.createServer({ settings: sessionSettings });
  server.on("stream", (stream, header) => {
    // Errors end the stream's call; its "close" says how. This keeps them off the server.
    stream.on("error", () => {});
    const session = stream.session;
    if (session === undefined) {
      // Destroyed before it could be served: there is nobody to answer.
      return;
    }
    try {
      options.authorize?.(header, session);
    } catch (reason) {
      respondWithError(stream, errorFor(reason));
      return;
    }
    const path = header[":path"] ?? "";
    const route = unaryRoutes.get(path);
    if (route !== undefined && isGrpcProto(header)) {
      new UnaryExchange(stream, header, route, readMaxBytes, errorFor).start();
    } else {
      void serveUniversal(stream, header, universalRoutes.get(path.split("?")[0] ?? ""));
    }
  });
  return server;
}

/** A router that registers with Connect's and also keeps the unary methods for the lean path. */
function recordingRouter(
  router: ConnectRouter,
  unaryRoutes: Map<string, UnaryRoute>,
  errorFor: (reason: unknown) => ConnectError,
): ConnectRouter {
  const recorder: ConnectRouter = {
    handlers: router.handlers,
    service(service, implementation, options) {
      const spec = createServiceImplSpec(service, implementation);
      const wrapped: Record<string, unknown> = {};
      for (const method of Object.values(spec.methods)) {
        wrapped[method.method.localName] = shapeErrors(method, errorFor);
        if (method.kind === "unary") {
          unaryRoutes.set(pathOf(service, method.method), {
            spec: method,
            interceptors: options?.interceptors ?? [],
          });
        }
      }
      router.service(service, wrapped as typeof implementation, options);
      return recorder;
    },
    rpc(method, implementation, options) {
      // Rare enough to leave to Connect entirely.
      router.rpc(method, implementation, options);
      return recorder;
    },
  };
  return recorder;
}

/** The method implementation with every error it throws, synchronously or later, shaped. */
function shapeErrors(spec: MethodImplSpec, errorFor: (reason: unknown) => ConnectError): unknown {
  switch (spec.kind) {
    case "unary":
    case "client_streaming": {
      const impl = spec.impl as (input: unknown, context: HandlerContext) => unknown;
      return async (input: unknown, context: HandlerContext) => {
        try {
          return await impl(input, context);
        } catch (reason) {
          throw errorFor(reason);
        }
      };
    }
    case "server_streaming":
    case "bidi_streaming": {
      const impl = spec.impl as (input: unknown, context: HandlerContext) => AsyncIterable<unknown>;
      return async function* (input: unknown, context: HandlerContext) {
        try {
          yield* impl(input, context);
        } catch (reason) {
          throw errorFor(reason);
        }
      };
    }
  }
}

function pathOf(service: DescService, method: DescMethod): string {
  return `/${service.typeName}/${method.name}`;
}

function isGrpcProto(header: http2.IncomingHttpHeaders): boolean {
  const type = header["content-type"];
  const encoding = header["grpc-encoding"];
  return (
    header[":method"] === "POST" &&
    (type === contentType || type === "application/grpc") &&
    (encoding === undefined || encoding === "identity")
  );
}

/** One unary call: read the request to its end, call the method, answer. */
class UnaryExchange {
  private readonly chunks: Buffer[] = [];
  private bodyBytes = 0;
  private context: LeanHandlerContext | undefined;
  private answered = false;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly header: http2.IncomingHttpHeaders,
    private readonly route: UnaryRoute,
    private readonly readMaxBytes: number,
    private readonly errorFor: (reason: unknown) => ConnectError,
  ) {}

  start(): void {
    const { stream } = this;
    stream.on("data", (chunk: Buffer) => this.receive(chunk));
    stream.on("end", () => this.call());
    stream.on("close", () => {
      if (this.context?.running === true) {
        this.context.abort(
          resetError(stream.rstCode) ?? new ConnectError("the stream closed", Code.Canceled),
        );
      }
    });
  }

  private receive(chunk: Buffer): void {
    if (this.answered) {
      return;
    }
    this.bodyBytes += chunk.byteLength;
    this.chunks.push(chunk);
    if (this.bodyBytes > maxBodyBytes(this.readMaxBytes)) {
      // Fails now rather than buffering the rest; singleMessage says why, as at the end.
      try {
        singleMessage(this.chunks, this.readMaxBytes, "input");
      } catch (reason) {
        this.fail(this.errorFor(reason));
      }
    }
  }

  /** Runs the method; synchronously up to its first await, as a method that never awaits. */
  private call(): void {
    if (this.answered) {
      return;
    }
    const { spec, interceptors } = this.route;
    let output: unknown;
    try {
      const bytes = singleMessage(this.chunks, this.readMaxBytes, "input");
      if (bytes === undefined) {
        throw new ConnectError(
          "protocol error: missing input message for unary method",
          Code.Unimplemented,
        );
      }
      const request = decodeMessage(spec.method.input, bytes);
      this.context = new LeanHandlerContext(spec.method, this.header, timeoutOf(this.header));
      output =
        interceptors.length === 0
          ? spec.impl(request, this.context)
          : invokeUnaryImplementation(spec, this.context, request, interceptors);
    } catch (reason) {
      this.settle(undefined, reason);
      return;
    }
    if (isPromiseLike(output)) {
      output.then(
        (value) => this.settle(value, undefined),
        (reason: unknown) => this.settle(undefined, reason ?? new Error("rejected")),
      );
    } else {
      this.settle(output, undefined);
    }
  }

  /** Answers with the method's output, or with the error it failed with. */
  private settle(output: unknown, failure: unknown): void {
    const context = this.context;
    if (failure === undefined) {
      try {
        this.answer(
          encodeMessage(this.route.spec.method.output, output as MessageInitShape<DescMessage>),
        );
      } catch (reason) {
        this.fail(this.errorFor(reason));
      }
    } else {
      this.fail(this.errorFor(failure));
    }
    context?.complete();
  }

  private answer(message: Uint8Array): void {
    const { stream, context } = this;
    this.answered = true;
    if (stream.closed || stream.destroyed) {
      return;
    }
    const header: http2.OutgoingHttpHeaders = { ":status": 200, "content-type": contentType };
    context?.copyResponseHeader(header);
    const trailer: http2.OutgoingHttpHeaders = { "grpc-status": "0" };
    context?.copyResponseTrailer(trailer);
    stream.respond(header, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers(trailer));
    stream.end(frameMessage(message));
  }

  private fail(error: ConnectError): void {
    if (this.answered) {
      return;
    }
    this.answered = true;
    this.chunks.length = 0;
    respondWithError(this.stream, error, this.context);
  }
}

/** The call's deadline from its grpc-timeout header; a malformed one fails the call. */
function timeoutOf(header: http2.IncomingHttpHeaders): number | undefined {
  const value = header["grpc-timeout"];
  if (value === undefined) {
    return undefined;
  }
  const timeout = parseTimeout(typeof value === "string" ? value : null, Number.MAX_SAFE_INTEGER);
  if (timeout.error !== undefined) {
    throw timeout.error;
  }
  return timeout.timeoutMs;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Answers a call with an error alone: gRPC's "trailers-only" response. */
function respondWithError(
  stream: http2.ServerHttp2Stream,
  error: ConnectError,
  context?: LeanHandlerContext,
): void {
  if (stream.closed || stream.destroyed || stream.headersSent) {
    return;
  }
  const header: http2.OutgoingHttpHeaders = { ":status": 200, "content-type": contentType };
  context?.copyResponseHeader(header);
  addWebHeaders(header, setTrailerStatus(new Headers(), error));
  stream.respond(header, { endStream: true });
}

/**
 * Why a call's signal aborts once the call is over, as Connect's aborts then too; made on first
 * use, since a ConnectError loads the Fetch API, which a plugin may not need while it starts.
 */
let callComplete: ConnectError | undefined;
/** Stands for callComplete until a signal needs the error itself. */
const completed = Symbol("completed");

/**
 * Connect's HandlerContext for one unary call. The signal, the header objects and the context
 * values are made when the method first reads them; most methods read none of them.
 */
class LeanHandlerContext implements HandlerContext {
  readonly requestMethod = "POST";
  readonly protocolName = "grpc";
  readonly service: DescService;
  readonly timeoutMs: () => number | undefined;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private timer: NodeJS.Timeout | undefined;
  private requestHeaderObject: Headers | undefined;
  private responseHeaderObject: Headers | undefined;
  private responseTrailerObject: Headers | undefined;
  private valuesObject: ContextValues | undefined;

  constructor(
    readonly method: DescMethodUnary,
    private readonly rawHeader: http2.IncomingHttpHeaders,
    timeoutMs: number | undefined,
  ) {
    this.service = method.parent;
    if (timeoutMs === undefined) {
      this.timeoutMs = () => undefined;
    } else {
      const deadline = Date.now() + timeoutMs;
      this.timeoutMs = () => deadline - Date.now();
      this.timer = setTimeout(
        () => this.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
        timeoutMs,
      );
    }
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) {
        this.controller.abort(this.reasonOf(this.abortReason));
      }
    }
    return this.controller.signal;
  }

  get url(): string {
    return `http://${this.rawHeader[":authority"] ?? "localhost"}${this.rawHeader[":path"] ?? ""}`;
  }

  get requestHeader(): Headers {
    this.requestHeaderObject ??= webHeaders(this.rawHeader);
    return this.requestHeaderObject;
  }

  get responseHeader(): Headers {
    this.responseHeaderObject ??= new Headers();
    return this.responseHeaderObject;
  }

  get responseTrailer(): Headers {
    this.responseTrailerObject ??= new Headers();
    return this.responseTrailerObject;
  }

  get values(): ContextValues {
    this.valuesObject ??= createContextValues();
    return this.valuesObject;
  }

  /** Whether the method may still be running: neither complete nor aborted. */
  get running(): boolean {
    return this.abortReason === undefined;
  }

  /** Ends the call: its signal aborts, now if the method has it, or when it is first read. */
  complete(): void {
    this.abort(completed);
  }

  /** Aborts the signal (the first reason wins) and stops the deadline. */
  abort(reason: unknown): void {
    clearTimeout(this.timer);
    if (this.abortReason !== undefined) {
      return;
    }
    this.abortReason = reason;
    this.controller?.abort(this.reasonOf(reason));
  }

  private reasonOf(reason: unknown): unknown {
    if (reason !== completed) {
      return reason;
    }
    callComplete ??= new ConnectError("the call is complete", Code.Canceled);
    return callComplete;
  }

  copyResponseHeader(target: http2.OutgoingHttpHeaders): void {
    addWebHeaders(target, this.responseHeaderObject);
  }

  copyResponseTrailer(target: http2.OutgoingHttpHeaders): void {
    addWebHeaders(target, this.responseTrailerObject);
  }
}
