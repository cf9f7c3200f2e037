// Running a unary method of the lean server, the same way whether its call came on a stream
// of its own (grpc-server.ts) or on the call channel (channel-server.ts): synchronously up to
// the method's first await, its answer encoded once, what it throws shaped by errorFor.
// Interceptors registered with the service wrap the method as Connect's handlers wrap it.
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import type {
  ConnectError,
  HandlerContext,
  Interceptor,
  MethodImplSpec,
  UnaryRequest,
  UnaryResponse,
} from "@connectrpc/connect";
import type { LeanHandlerContext } from "./handler-context.js";
import { encodeMessage } from "./message-codec.js";

export type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;

export interface UnaryRoute {
  spec: UnarySpec;
  /** Interceptors registered with the service; when there are any, Connect runs the call. */
  interceptors: Interceptor[];
}

/** Receives a call's outcome: the encoded answer, or the error to answer with. */
export type UnaryOutcome = (
  answer: Uint8Array | undefined,
  error: ConnectError | undefined,
) => void;

/**
 * Calls the method with `request` and hands `done` its outcome, once. `done` runs before the
 * context completes, so the answer is on its way before the method's signal aborts.
 */
export function invokeUnary(
  route: UnaryRoute,
  request: unknown,
  context: LeanHandlerContext,
  errorFor: (reason: unknown) => ConnectError,
  done: UnaryOutcome,
): void {
  const { spec, interceptors } = route;
  const settle = (output: unknown, failure: unknown) => {
    if (failure === undefined) {
      let answer: Uint8Array;
      try {
        answer = encodeMessage(spec.method.output, output as MessageInitShape<DescMessage>);
      } catch (reason) {
        done(undefined, errorFor(reason));
        context.complete();
        return;
      }
      done(answer, undefined);
    } else {
      done(undefined, errorFor(failure));
    }
    context.complete();
  };
  let output: unknown;
  try {
    output =
      interceptors.length === 0
        ? spec.impl(request as never, context)
        : intercepted(spec, context, request, interceptors);
  } catch (reason) {
    settle(undefined, reason);
    return;
  }
  if (isPromiseLike(output)) {
    output.then(
      (value) => settle(value, undefined),
      (reason: unknown) => settle(undefined, reason ?? new Error("rejected")),
    );
  } else {
    settle(output, undefined);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Runs the method inside its interceptors (the first one outermost), each seeing the request
 * and response objects Connect's handlers give them; the headers and trailers of the response
 * the outermost returns are the call's.
 */
async function intercepted(
  spec: UnarySpec,
  context: LeanHandlerContext,
  message: unknown,
  interceptors: Interceptor[],
): Promise<unknown> {
  const { method } = spec;
  const service = method.parent;
  const innermost = async (request: UnaryRequest): Promise<UnaryResponse> => {
    const output = await spec.impl(request.message as never, contextFor(context, request));
    return {
      stream: false,
      service,
      method,
      header: context.responseHeader,
      trailer: context.responseTrailer,
      message: create(method.output, output as MessageInitShape<DescMessage>),
    };
  };
  type UnaryNext = (request: UnaryRequest) => Promise<UnaryResponse>;
  const next = interceptors.reduceRight<UnaryNext>(
    // An interceptor wraps unary and streaming calls alike; here it is given a unary one.
    (inner, interceptor) => interceptor(inner as never) as UnaryNext,
    innermost,
  );
  const response = await next({
    stream: false,
    service,
    method,
    requestMethod: context.requestMethod,
    url: context.url,
    signal: context.signal,
    header: context.requestHeader,
    contextValues: context.values,
    message,
  } as UnaryRequest);
  replaceHeaders(context.responseHeader, response.header);
  replaceHeaders(context.responseTrailer, response.trailer);
  return response.message;
}

/** The method's context, with what an interceptor may have replaced in the request. */
function contextFor(context: LeanHandlerContext, request: UnaryRequest): HandlerContext {
  if (
    request.header === context.requestHeader &&
    request.signal === context.signal &&
    request.contextValues === context.values &&
    request.service === context.service
  ) {
    return context;
  }
  return {
    method: context.method,
    service: request.service,
    requestMethod: context.requestMethod,
    protocolName: context.protocolName,
    url: context.url,
    timeoutMs: context.timeoutMs,
    signal: request.signal,
    requestHeader: request.header,
    values: request.contextValues,
    get responseHeader() {
      return context.responseHeader;
    },
    get responseTrailer() {
      return context.responseTrailer;
    },
  };
}

function replaceHeaders(target: Headers, source: Headers): void {
  if (source === target) {
    return;
  }
  for (const name of [...target.keys()]) {
    target.delete(name);
  }
  source.forEach((value, name) => {
    target.set(name, value);
  });
}
