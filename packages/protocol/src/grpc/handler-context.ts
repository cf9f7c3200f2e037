// The HandlerContext a method of the lean server gets: Connect's interface, with the signal,
// the header objects and the context values made when the method first reads them; most
// methods read none of them.
import type * as http2 from "node:http2";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import { addWebHeaders, webHeaders } from "./node-headers.js";

/** Milliseconds per unit of a grpc-timeout value: hours down to nanoseconds. */
const timeoutUnits: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/**
 * The call's deadline in milliseconds from its grpc-timeout header (at most 8 digits and a
 * unit, gRPC's format); a malformed one fails the call.
 */
export function timeoutOf(header: http2.IncomingHttpHeaders): number | undefined {
  const value = header["grpc-timeout"];
  if (typeof value !== "string") {
    return undefined;
  }
  const parts = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (parts === null) {
    throw new ConnectError(
      `protocol error: invalid grpc timeout value: ${value}`,
      Code.InvalidArgument,
    );
  }
  return Number(parts[1]) * (timeoutUnits[parts[2] as string] as number);
}

/**
 * Why a call's signal aborts once the call is over, as Connect's aborts then too; made on first
 * use, since a ConnectError loads the Fetch API, which a plugin may not need while it starts.
 */
let callComplete: ConnectError | undefined;
/** Stands for callComplete until a signal needs the error itself. */
const completed = Symbol("completed");

function deadlineExceeded(): ConnectError {
  return new ConnectError("the operation timed out", Code.DeadlineExceeded);
}

/**
 * Connect's HandlerContext for one call; its signal aborts on the deadline, when the stream
 * closes early, and once the call is complete.
 */
export class LeanHandlerContext implements HandlerContext {
  readonly requestMethod = "POST";
  readonly protocolName = "grpc";
  readonly service: DescService;
  readonly timeoutMs: () => number | undefined;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  /** When the call's time is up (Date.now() milliseconds), if the client set a deadline. */
  private readonly deadline: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private requestHeaderObject: Headers | undefined;
  private responseHeaderObject: Headers | undefined;
  private responseTrailerObject: Headers | undefined;
  private valuesObject: ContextValues | undefined;

  constructor(
    readonly method: DescMethod,
    private readonly rawHeader: http2.IncomingHttpHeaders,
    timeoutMs: number | undefined,
  ) {
    this.service = method.parent;
    if (timeoutMs === undefined) {
      this.timeoutMs = () => undefined;
    } else {
      const deadline = Date.now() + timeoutMs;
      this.deadline = deadline;
      this.timeoutMs = () => deadline - Date.now();
    }
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      this.checkDeadline();
      if (this.abortReason !== undefined) {
        this.controller.abort(this.reasonOf(this.abortReason));
      } else if (this.deadline !== undefined) {
        // The deadline's timer exists only once someone holds the signal it aborts.
        this.timer = setTimeout(() => this.abort(deadlineExceeded()), this.deadline - Date.now());
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
    // A call that ran past its deadline says so, though no timer watched it.
    this.checkDeadline();
    this.abort(completed);
  }

  /** Takes the deadline as the abort reason once it has passed. */
  private checkDeadline(): void {
    if (
      this.abortReason === undefined &&
      this.deadline !== undefined &&
      Date.now() >= this.deadline
    ) {
      this.abort(deadlineExceeded());
    }
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
