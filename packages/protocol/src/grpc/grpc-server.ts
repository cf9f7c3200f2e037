// A gRPC server on node:http2 for Connect service implementations. Calls are answered on their
// HTTP/2 streams directly, with a HandlerContext whose parts are built only when the method
// reads them: a unary call's request read whole and decoded once, its answer written as
// headers, one frame and trailers; a streaming call's frames read and written as they come
// (stream-exchange.ts). What the short path does not cover (streaming methods with
// interceptors, methods registered with router.rpc, other content types) goes to Connect's own
// handlers (universal-stream.ts). Unary calls may also come many to one stream, on the call
// channel (channel-server.ts), as a stream of the session or straight on a connection of its
// own, which the server's `directChannel` listens for on a socket of its own. Either way,
// `authorize` sees every call before its method runs, and `errorFor` shapes every error a
// method throws.
import * as http2 from "node:http2";
import { createServer, type Server, type Socket } from "node:net";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  createServiceImplSpec,
  type HandlerContext,
  type MethodImplSpec,
} from "@connectrpc/connect";
import {
  type Authorize,
  type ChannelServerOptions,
  channelPath,
  serveChannel,
  serveDirectChannel,
} from "./channel-server.js";
import { resetError } from "./h2-errors.js";
import { LeanHandlerContext, timeoutOf } from "./handler-context.js";
import { decodeMessage } from "./message-codec.js";
import { frameMessage, maxBodyBytes, singleMessage } from "./message-frame.js";
import { grpcContentType } from "./node-headers.js";
import { respondWithError, responseHeader, statusTrailer } from "./server-answers.js";
import { serverConnectionWindowBytes, sessionSettings } from "./session-settings.js";
import { type StreamingSpec, serveStreamingCall } from "./stream-exchange.js";
import { invokeUnary, type UnaryRoute } from "./unary-invoke.js";
import { serveUniversal, type UniversalHandler } from "./universal-stream.js";

export interface GrpcServerOptions {
  /** Registers the services, as for Connect's adapters. */
  routes: (router: ConnectRouter) => void;
  /**
   * Sees each call's request headers (and the connection it came on: the HTTP/2 session, or
   * the socket of a direct call channel) before its method runs; what it throws fails the call.
   */
  authorize?: Authorize;
  /** The error a caller receives for what a method threw; Connect's rule when absent. */
  errorFor?: (reason: unknown) => ConnectError;
  /** Largest request message, in bytes; 4 GiB unless set, as with Connect. */
  readMaxBytes?: number;
  /**
   * Calls `routes` when the first connection arrives, not at once: for a server that may never
   * be called, whose services are costly to make (the host's PluginAPI server of each plugin
   * start, about 200 methods). What `routes` throws then fails the calls, not the creation.
   */
  routesOnFirstConnection?: boolean;
}

/** The short paths: unary methods, and streaming methods registered without interceptors. */
interface Routes {
  unary: Map<string, UnaryRoute>;
  streaming: Map<string, StreamingSpec>;
}

/** Connect's treatment of a thrown value that is not a ConnectError. */
function connectErrorFor(reason: unknown): ConnectError {
  return reason instanceof ConnectError
    ? reason
    : new ConnectError("internal error", Code.Internal, undefined, undefined, reason);
}

/** The server createGrpcServer makes: HTTP/2, and the call channel straight on a connection. */
export interface GrpcServer extends http2.Http2Server {
  /**
   * A server (not yet listening) for the call channel straight on a connection, answering the
   * same methods; by convention it listens at directChannelPath(the HTTP/2 socket's path).
   */
  readonly directChannel: Server;
  /**
   * Its open connections. Like HTTP/2 sessions, they stay open after close(): whoever closes
   * the server ends them too.
   */
  readonly directConnections: ReadonlySet<Socket>;
}

/**
 * A server (not yet listening) answering gRPC calls to the services `routes` registers, over
 * HTTP/2, and a second one for the call channel straight on a connection (channel-server.ts).
 */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const readMaxBytes = options.readMaxBytes ?? 0xffffffff;
  const errorFor = options.errorFor ?? connectErrorFor;
  const connect = new DeferredConnectRouter(readMaxBytes);
  const routes: Routes = { unary: new Map(), streaming: new Map() };
  const register = () => options.routes(recordingRouter(connect, routes, errorFor));
  let registered: "not yet" | "done" | { failed: unknown } = "not yet";
  if (options.routesOnFirstConnection !== true) {
    register();
    registered = "done";
  }
  /** Registers the routes if not yet; throws what registering them threw, every time. */
  const ensureRoutes = () => {
    if (registered === "not yet") {
      try {
        register();
        registered = "done";
      } catch (reason) {
        registered = { failed: reason };
      }
    }
    if (registered !== "done") throw registered.failed;
  };
  const channelOptions: ChannelServerOptions = {
    routes: routes.unary,
    readMaxBytes,
    errorFor,
    authorize: options.authorize,
    streaming: routes.streaming,
  };
  const server = http2.createServer({ settings: sessionSettings });
  const directConnections = new Set<Socket>();
  const directChannel = createServer((socket) => {
    try {
      ensureRoutes();
    } catch {
      // Nothing could be answered on it; the calls on HTTP/2 say why.
      socket.destroy();
      return;
    }
    directConnections.add(socket);
    socket.once("close", () => directConnections.delete(socket));
    serveDirectChannel(socket, channelOptions);
  });
  server.on("session", (session) => {
    session.once("connect", () => session.setLocalWindowSize(serverConnectionWindowBytes));
  });
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
      ensureRoutes();
    } catch (reason) {
      respondWithError(stream, errorFor(reason));
      return;
    }
    const path = header[":path"] ?? "";
    if (path === channelPath && isGrpcProto(header)) {
      serveChannel(stream, header, session, channelOptions);
      return;
    }
    const unary = routes.unary.get(path);
    const streaming = unary === undefined ? routes.streaming.get(path) : undefined;
    if (unary !== undefined && isGrpcProto(header)) {
      new UnaryExchange(stream, header, unary, readMaxBytes, errorFor).start();
    } else if (streaming !== undefined && isGrpcProto(header)) {
      serveStreamingCall(stream, header, streaming, readMaxBytes, errorFor);
    } else {
      let handler: UniversalHandler | undefined;
      try {
        handler = connect.handler(path.split("?")[0] ?? "");
      } catch (reason) {
        // Connect's handlers are made here, on the first call that needs one.
        respondWithError(stream, errorFor(reason));
        return;
      }
      void serveUniversal(stream, header, handler);
    }
  });
  return Object.assign(server, { directChannel, directConnections });
}

/**
 * Connect's router for what the short paths leave over, made on the first call that needs it:
 * Connect builds a handler per method and protocol as a service is registered (serializers,
 * protocol negotiation), about 0.1 ms per method, and most servers never use one. The host
 * makes a server per plugin start for the PluginAPI's methods, and each plugin one for its hooks.
 */
class DeferredConnectRouter {
  /** Made at once, so that bad options fail the server's creation as before. */
  private readonly router: ConnectRouter;
  private readonly pending: ((router: ConnectRouter) => void)[] = [];
  private byPath: Map<string, UniversalHandler> | undefined;

  constructor(readMaxBytes: number) {
    this.router = createConnectRouter({ grpc: true, connect: false, grpcWeb: false, readMaxBytes });
  }

  /** Registers with Connect's router when its handlers are first asked for. */
  register(registration: (router: ConnectRouter) => void): void {
    this.pending.push(registration);
    this.byPath = undefined;
  }

  /** Connect's handlers of every registered method, made now for those not made yet. */
  get handlers(): ConnectRouter["handlers"] {
    for (const registration of this.pending.splice(0)) {
      registration(this.router);
    }
    return this.router.handlers;
  }

  /** The handler of the method at `path`, if one is registered. */
  handler(path: string): UniversalHandler | undefined {
    this.byPath ??= new Map(this.handlers.map((handler) => [handler.requestPath, handler]));
    return this.byPath.get(path);
  }
}

/** A router that registers with Connect's and also keeps the methods for the short paths. */
function recordingRouter(
  router: DeferredConnectRouter,
  routes: Routes,
  errorFor: (reason: unknown) => ConnectError,
): ConnectRouter {
  const recorder: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service(service, implementation, options) {
      const spec = createServiceImplSpec(service, implementation);
      const wrapped: Record<string, unknown> = {};
      for (const method of Object.values(spec.methods)) {
        wrapped[method.method.localName] = shapeErrors(method, errorFor);
        const path = pathOf(service, method.method);
        const interceptors = options?.interceptors ?? [];
        if (method.kind === "unary") {
          routes.unary.set(path, { spec: method, interceptors });
        } else if (interceptors.length === 0) {
          routes.streaming.set(path, method);
        }
      }
      router.register((connect) =>
        connect.service(service, wrapped as typeof implementation, options),
      );
      return recorder;
    },
    rpc(method, implementation, options) {
      // Rare enough to leave to Connect entirely.
      router.register((connect) => connect.rpc(method, implementation, options));
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
      const shaped = (reason: unknown) => {
        throw errorFor(reason);
      };
      // Not an async function: a method's own promise is passed on with one `then`, rather
      // than awaited in a wrapper whose promise adds turns of the microtask queue to every call.
      return (input: unknown, context: HandlerContext) => {
        let output: unknown;
        try {
          output = impl(input, context);
        } catch (reason) {
          return Promise.reject(errorFor(reason));
        }
        return typeof (output as PromiseLike<unknown> | undefined)?.then === "function"
          ? Promise.resolve(output).then(undefined, shaped)
          : Promise.resolve(output);
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
    (type === grpcContentType || type === "application/grpc") &&
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

  /** Decodes the request and runs the method. */
  private call(): void {
    if (this.answered) {
      return;
    }
    const { spec } = this.route;
    let request: unknown;
    try {
      const bytes = singleMessage(this.chunks, this.readMaxBytes, "input");
      if (bytes === undefined) {
        throw new ConnectError(
          "protocol error: missing input message for unary method",
          Code.Unimplemented,
        );
      }
      request = decodeMessage(spec.method.input, bytes);
      this.context = new LeanHandlerContext(spec.method, this.header, timeoutOf(this.header));
    } catch (reason) {
      this.fail(this.errorFor(reason));
      return;
    }
    invokeUnary(this.route, request, this.context, this.errorFor, (answer, error) =>
      answer !== undefined ? this.answer(answer) : this.fail(error as ConnectError),
    );
  }

  private answer(message: Uint8Array): void {
    const { stream, context } = this;
    this.answered = true;
    if (stream.closed || stream.destroyed) {
      return;
    }
    const trailer = statusTrailer(context, undefined);
    stream.respond(responseHeader(context), { waitForTrailers: true });
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
