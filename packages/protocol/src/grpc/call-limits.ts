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

/**
 * The deadlines of all calls in flight, behind one timer set for the earliest. Nearly every
 * call is answered long before its deadline (a hook's is 30 s), so a timer per call, set and
 * then cleared, was pure cost: on the hook path it was the largest item of the host's profile
 * after the codec. A call joins the set and leaves it; the timer, when it fires, fails the
 * calls past their deadline and is set again for the earliest left. It holds the process open
 * only while calls wait, as the timers per call did.
 */
class Deadlines {
  private readonly calls = new Set<CallLimits>();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (performance.now() milliseconds); Infinity without a timer. */
  private dueAt = Number.POSITIVE_INFINITY;

  add(call: CallLimits): void {
    this.calls.add(call);
    if (call.deadlineAt < this.dueAt) {
      this.schedule(call.deadlineAt);
    } else if (this.calls.size === 1) {
      this.timer?.ref();
    }
  }

  delete(call: CallLimits): void {
    if (this.calls.delete(call) && this.calls.size === 0) {
      this.timer?.unref();
    }
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(at - performance.now())));
    if (this.calls.size === 0) this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const expired: CallLimits[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const call of this.calls) {
      if (call.deadlineAt <= now) {
        expired.push(call);
      } else if (call.deadlineAt < next) {
        next = call.deadlineAt;
      }
    }
    for (const call of expired) {
      this.calls.delete(call);
    }
    if (next !== Number.POSITIVE_INFINITY) {
      this.schedule(next);
    }
    for (const call of expired) {
      call.expire();
    }
  }
}

const deadlines = new Deadlines();

export class CallLimits {
  /** When the deadline passes (performance.now() milliseconds); Infinity for none. */
  readonly deadlineAt: number;

  /** @param deadline milliseconds from now; undefined for none */
  constructor(
    private readonly signal: AbortSignal | undefined,
    deadline: number | undefined,
    private readonly fail: (error: ConnectError) => void,
  ) {
    this.deadlineAt =
      deadline === undefined ? Number.POSITIVE_INFINITY : performance.now() + deadline;
    if (deadline !== undefined) {
      deadlines.add(this);
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

  /** The deadline passed. */
  expire(): void {
    this.fail(new ConnectError("the operation timed out", Code.DeadlineExceeded));
  }

  /** Stops watching: the call is over. */
  release(): void {
    if (this.deadlineAt !== Number.POSITIVE_INFINITY) {
      deadlines.delete(this);
    }
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
