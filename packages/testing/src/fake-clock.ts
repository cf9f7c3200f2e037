// The time the fake backend runs on. The store stamps rows and judges KV expiry by it, and the
// PluginAPI service computes expiry times from it, so a test moves time forward instead of
// waiting for it.

/** A clock that stands still until the test moves it. */
export class FakeClock {
  #now: number;

  /** @param start where time begins, in ms since the epoch or as a Date; the real time by default. */
  constructor(start: number | Date = Date.now()) {
    this.#now = toMs(start);
  }

  /** The current fake time in ms since the epoch. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` milliseconds (e.g. past a KV key's expiry). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance(${ms}): time only moves forward; pass a number of ms ≥ 0.`);
    }
    this.#now += ms;
  }

  /** Jumps to `time`, which must not be earlier than now. */
  set(time: number | Date): void {
    const ms = toMs(time);
    if (ms < this.#now) {
      throw new RangeError(
        `set(${new Date(ms).toISOString()}) is before now (${new Date(this.#now).toISOString()}); time only moves forward.`,
      );
    }
    this.#now = ms;
  }
}

function toMs(time: number | Date): number {
  return time instanceof Date ? time.getTime() : time;
}
