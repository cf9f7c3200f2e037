// What one plugin's hooks did over the last minutes: per hook and per minute, the calls, the
// failures, the timeouts and the latencies, so an admin sees a slow or failing hook (the
// console's Activity page, GET /api/v4/plugins/{plugin_id}/activity). Kept in memory, bounded:
// a fixed number of minutes, and at most so many latencies a minute (a uniform sample beyond).

/** How a hook call ended. */
export type HookOutcome = "ok" | "failed" | "timeout";

/** One hook's calls within one minute. */
export interface HookMinute {
  /** The minute's start, ms since the epoch. */
  start: number;
  calls: number;
  /** Calls that threw, timeouts not included. */
  failures: number;
  timeouts: number;
  /** Median latency in ms; 0 without calls. */
  p50Ms: number;
  /** 99th percentile latency in ms; 0 without calls. */
  p99Ms: number;
}

/** One hook's minutes, oldest first, every minute of the window present. */
export interface HookActivityReport {
  hook: string;
  minutes: HookMinute[];
}

export interface HookActivityOptions {
  /** Minutes kept. Default 15. */
  minutes?: number;
  /** Latencies kept per hook and minute for the percentiles. Default 512. */
  samplesPerMinute?: number;
  /** The clock; Date.now unless set. */
  now?: () => number;
}

const MINUTE_MS = 60_000;

interface Bucket {
  start: number;
  calls: number;
  failures: number;
  timeouts: number;
  latencies: number[];
}

export class HookActivity {
  private readonly byHook = new Map<string, Bucket[]>();
  private readonly minutes: number;
  private readonly samplesPerMinute: number;
  private readonly now: () => number;

  constructor(options: HookActivityOptions = {}) {
    this.minutes = options.minutes ?? 15;
    this.samplesPerMinute = options.samplesPerMinute ?? 512;
    this.now = options.now ?? Date.now;
  }

  /** Records one call of `hook` that took `latencyMs` and ended as `outcome`. */
  record(hook: string, latencyMs: number, outcome: HookOutcome): void {
    const start = minuteOf(this.now());
    let buckets = this.byHook.get(hook);
    if (buckets === undefined) {
      buckets = [];
      this.byHook.set(hook, buckets);
    }
    let bucket = buckets.at(-1);
    if (bucket === undefined || bucket.start !== start) {
      bucket = { start, calls: 0, failures: 0, timeouts: 0, latencies: [] };
      buckets.push(bucket);
      const oldest = start - (this.minutes - 1) * MINUTE_MS;
      while ((buckets[0]?.start ?? start) < oldest) buckets.shift();
    }
    bucket.calls += 1;
    if (outcome === "failed") bucket.failures += 1;
    if (outcome === "timeout") bucket.timeouts += 1;
    // Reservoir sampling: every call of the minute has the same chance to be among the kept.
    if (bucket.latencies.length < this.samplesPerMinute) {
      bucket.latencies.push(latencyMs);
    } else {
      const slot = Math.floor(Math.random() * bucket.calls);
      if (slot < this.samplesPerMinute) bucket.latencies[slot] = latencyMs;
    }
  }

  /** Every hook called within the window, by name, each with every minute of the window. */
  report(): HookActivityReport[] {
    const last = minuteOf(this.now());
    const first = last - (this.minutes - 1) * MINUTE_MS;
    const reports: HookActivityReport[] = [];
    for (const [hook, buckets] of [...this.byHook].sort(([a], [b]) => a.localeCompare(b))) {
      const recent = new Map(buckets.filter((b) => b.start >= first).map((b) => [b.start, b]));
      if (recent.size === 0) continue;
      const minutes: HookMinute[] = [];
      for (let start = first; start <= last; start += MINUTE_MS) {
        const bucket = recent.get(start);
        const sorted = [...(bucket?.latencies ?? [])].sort((a, b) => a - b);
        minutes.push({
          start,
          calls: bucket?.calls ?? 0,
          failures: bucket?.failures ?? 0,
          timeouts: bucket?.timeouts ?? 0,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
        });
      }
      reports.push({ hook, minutes });
    }
    return reports;
  }
}

function minuteOf(time: number): number {
  return time - (time % MINUTE_MS);
}

/** The nearest-rank percentile of ascending `sorted`, rounded to 0.1 ms. */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, rank)] as number) * 10) / 10;
}
