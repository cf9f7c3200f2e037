// Counts and latencies of calls (hooks, Plugin API methods, REST requests), kept in plain
// numbers so that recording one costs a few additions: the hot paths record, and only a scrape
// (metrics-registry.ts) or a reader of the in-process figures turns them into anything more.

/** Upper bounds of the latency buckets, in seconds: 0.5 ms to 30 s, the hook deadline. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The calls of one kind: how many, how many failed or timed out, and how long they took. */
export class CallStats {
  calls = 0;
  /** Calls that failed, timed-out ones included. */
  failures = 0;
  /** Calls that failed because the callee did not answer in time. */
  timeouts = 0;
  /** The sum of all calls' durations, in seconds. */
  totalSeconds = 0;
  /** How many calls fell in each bucket (not cumulative); the last one is over 30 s. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1);

  /** A call that answered, after `ms` milliseconds. */
  succeeded(ms: number): void {
    this.observe(ms / 1000);
  }

  /** A call that failed after `ms` milliseconds; `timedOut` when it missed its deadline. */
  failed(ms: number, timedOut = false): void {
    this.failures++;
    if (timedOut) this.timeouts++;
    this.observe(ms / 1000);
  }

  /**
   * The duration below which a fraction `q` (0 to 1) of the calls finished, to a bucket's
   * precision: the upper bound of the bucket holding it (Infinity past 30 s); 0 without calls.
   */
  quantileSeconds(q: number): number {
    if (this.calls === 0) return 0;
    const rank = q * this.calls;
    let seen = 0;
    for (let i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++) {
      seen += this.buckets[i] as number;
      if (seen >= rank) return LATENCY_BUCKETS_SECONDS[i] as number;
    }
    return Number.POSITIVE_INFINITY;
  }

  private observe(seconds: number): void {
    this.calls++;
    this.totalSeconds += seconds;
    let i = 0;
    while (i < LATENCY_BUCKETS_SECONDS.length && seconds > (LATENCY_BUCKETS_SECONDS[i] as number)) {
      i++;
    }
    (this.buckets[i] as number)++;
  }
}

/** The stats of one subject (a plugin, a route) by name (a hook, a method, a status). */
export class CallStatsRow {
  private readonly byName = new Map<string, CallStats>();

  /** The stats of `name`, created on first use. */
  of(name: string): CallStats {
    let stats = this.byName.get(name);
    if (stats === undefined) {
      stats = new CallStats();
      this.byName.set(name, stats);
    }
    return stats;
  }

  entries(): IterableIterator<[string, CallStats]> {
    return this.byName.entries();
  }
}

/** Stats by subject and name: hooks by plugin, API methods by plugin. */
export class CallStatsTable {
  private readonly rows = new Map<string, CallStatsRow>();

  /** The row of `subject`, created on first use; hold on to it to record without a lookup. */
  row(subject: string): CallStatsRow {
    let row = this.rows.get(subject);
    if (row === undefined) {
      row = new CallStatsRow();
      this.rows.set(subject, row);
    }
    return row;
  }

  /** Every subject, name and stats recorded so far. */
  *entries(): Generator<[subject: string, name: string, stats: CallStats]> {
    for (const [subject, row] of this.rows) {
      for (const [name, stats] of row.entries()) yield [subject, name, stats];
    }
  }
}
