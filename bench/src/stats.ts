// Summaries of timed samples: the percentiles the table reports.

/** Latency samples in microseconds, summarized. */
export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/** The p50 and p99 of `samples` (nearest-rank). */
export function latency(samples: readonly number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), samples: sorted.length };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

/** The median of a few whole-run figures, e.g. requests per second of each round. */
export function median(values: readonly number[]): number {
  return latency(values).p50;
}

/** Microseconds since an arbitrary origin, for timing one call. */
export function nowUs(): number {
  return performance.now() * 1000;
}
