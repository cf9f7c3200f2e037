// Running a unary method of the lean server, the same way whether its call came on a stream
// of its own (grpc-server.ts) or on the call channel (channel-server.ts): synchronously up to
// the method's first await, its answer encoded once, what it throws shaped by errorFor.
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { ConnectError, Interceptor, MethodImplSpec } from "@connectrpc/connect";
import { invokeUnaryImplementation } from "@connectrpc/connect/protocol";
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
        : invokeUnaryImplementation(spec, context, request as never, interceptors);
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
