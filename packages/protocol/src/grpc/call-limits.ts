// What ends a client call before its answer: its deadline passing, or its caller's signal
// aborting. Either fails the call with Connect's error for it.
import { Code, ConnectError } from "@connectrpc/connect";

export class CallLimits {
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort: (() => void) | undefined;

  /** @param deadline milliseconds from now; undefined for none */
  constructor(
    private readonly signal: AbortSignal | undefined,
    deadline: number | undefined,
    fail: (error: ConnectError) => void,
  ) {
    if (deadline !== undefined) {
      this.timer = setTimeout(
        () => fail(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
        deadline,
      );
    }
    if (signal !== undefined) {
      this.onAbort = () => fail(abortError(signal));
      signal.addEventListener("abort", this.onAbort);
    }
  }

  /** Stops watching: the call is over. */
  release(): void {
    clearTimeout(this.timer);
    if (this.onAbort !== undefined) {
      this.signal?.removeEventListener("abort", this.onAbort);
    }
  }
}

/** The error a call fails with when its caller's signal aborts: the signal's reason, as Connect's. */
export function abortError(signal: AbortSignal): ConnectError {
  return ConnectError.from(signal.reason ?? abortedWithoutReason(), Code.Canceled);
}

function abortedWithoutReason(): Error {
  const error = new Error("This operation was aborted");
  error.name = "AbortError";
  return error;
}
