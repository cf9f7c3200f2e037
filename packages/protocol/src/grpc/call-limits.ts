// What ends a client call before its answer: its deadline passing, or its caller's signal
// aborting. Either fails the call with Connect's error for it.
import { Code, ConnectError } from "@connectrpc/connect";

/**
 * The calls watching each signal. A signal is often shared by many calls (the host passes one
 * signal per client connection to every plugin request on it): an "abort" listener is added
 * once per signal, and each call joins or leaves its set, which costs far less than adding
 * and removing an EventTarget listener per call.
 */
const watching = new WeakMap<AbortSignal, Set<CallLimits>>();

export class CallLimits {
  private readonly timer: NodeJS.Timeout | undefined;

  /** @param deadline milliseconds from now; undefined for none */
  constructor(
    private readonly signal: AbortSignal | undefined,
    deadline: number | undefined,
    private readonly fail: (error: ConnectError) => void,
  ) {
    if (deadline !== undefined) {
      this.timer = setTimeout(
        () => fail(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
        deadline,
      );
    }
    if (signal !== undefined) {
      let calls = watching.get(signal);
      if (calls === undefined) {
        const watchers = new Set<CallLimits>();
        calls = watchers;
        watching.set(signal, watchers);
        signal.addEventListener(
          "abort",
          () => {
            watching.delete(signal);
            for (const call of watchers) {
              call.fail(abortError(signal));
            }
            watchers.clear();
          },
          { once: true },
        );
      }
      calls.add(this);
    }
  }

  /** Stops watching: the call is over. */
  release(): void {
    clearTimeout(this.timer);
    if (this.signal !== undefined) {
      watching.get(this.signal)?.delete(this);
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
