// The two ways the suite times calls: one at a time for latency, many in flight for rate.
// A figure and its baseline take turns in short rounds, so drift of the machine (frequency,
// other load, garbage collection) falls on both alike.
import { setTimeout as delay } from "node:timers/promises";
import { nowUs } from "./stats.js";

export interface LatencyPlan {
  /** Calls of each kind before timing starts. */
  warmup: number;
  /** Rounds of the two kinds taking turns. */
  rounds: number;
  /** Timed calls of each kind per round. */
  perRound: number;
  /** Stops early once this much time has passed, whatever the rounds left. */
  capMs: number;
  /**
   * A pause before each timed call, so that it finds both processes idle, as a call to one of
   * many plugins does (none unless set).
   */
  pauseMs?: number;
}

/** Latency samples in microseconds of a figure and of its baseline. */
export interface LatencyPair {
  subject: number[];
  baseline: number[];
}

/** Times `subject` and `baseline` one call at a time, taking turns by rounds. */
export async function latencyPair(
  subject: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  plan: LatencyPlan,
): Promise<LatencyPair> {
  for (let i = 0; i < plan.warmup; i++) {
    await subject();
    await baseline();
  }
  const pair: LatencyPair = { subject: [], baseline: [] };
  const stopAt = Date.now() + plan.capMs;
  for (let round = 0; round < plan.rounds && Date.now() < stopAt; round++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    const order =
      round % 2 === 0 ? (["subject", "baseline"] as const) : (["baseline", "subject"] as const);
    for (const kind of order) {
      const call = kind === "subject" ? subject : baseline;
      const samples = pair[kind];
      for (let i = 0; i < plan.perRound; i++) {
        if (plan.pauseMs !== undefined) await delay(plan.pauseMs);
        const start = nowUs();
        await call();
        samples.push(nowUs() - start);
      }
    }
  }
  return pair;
}

/** Calls per second with `inFlight` calls always outstanding, over `durationMs`. */
export async function callRate(
  call: () => Promise<unknown>,
  inFlight: number,
  durationMs: number,
): Promise<number> {
  let completed = 0;
  const start = performance.now();
  const stopAt = start + durationMs;
  const worker = async () => {
    while (performance.now() < stopAt) {
      await call();
      completed++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (completed * 1000) / (performance.now() - start);
}
