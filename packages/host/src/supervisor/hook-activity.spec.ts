import { describe, expect, it } from "vitest";
import { HookActivity } from "./hook-activity.js";

const MINUTE = 60_000;

describe("HookActivity", () => {
  it("counts calls, failures and timeouts per hook and minute, every minute of the window present", () => {
    let now = 10 * MINUTE + 5_000;
    const activity = new HookActivity({ minutes: 3, now: () => now });
    activity.record("MessageWillBePosted", 2, "ok");
    activity.record("MessageWillBePosted", 4, "failed");
    now += MINUTE;
    activity.record("MessageWillBePosted", 30_000, "timeout");
    activity.record("OnActivate", 10, "ok");
    const report = activity.report();
    expect(report.map((r) => r.hook)).toEqual(["MessageWillBePosted", "OnActivate"]);
    const [posted] = report;
    expect(posted?.minutes.map((m) => m.start)).toEqual([9 * MINUTE, 10 * MINUTE, 11 * MINUTE]);
    expect(posted?.minutes.map((m) => [m.calls, m.failures, m.timeouts])).toEqual([
      [0, 0, 0],
      [2, 1, 0],
      [1, 0, 1],
    ]);
    expect(posted?.minutes[2]?.p99Ms).toBe(30_000);
  });

  it("answers nearest-rank p50 and p99 of a minute's latencies", () => {
    const activity = new HookActivity({ now: () => 0 });
    for (let ms = 1; ms <= 100; ms += 1) activity.record("ServeHTTP", ms, "ok");
    const minute = activity.report()[0]?.minutes.at(-1);
    expect(minute?.p50Ms).toBe(50);
    expect(minute?.p99Ms).toBe(99);
  });

  it("forgets minutes older than the window, and hooks with none left", () => {
    let now = 0;
    const activity = new HookActivity({ minutes: 2, now: () => now });
    activity.record("OnDeactivate", 1, "ok");
    now += 2 * MINUTE;
    expect(activity.report()).toEqual([]);
  });

  it("keeps a bounded sample of latencies however many calls a minute has", () => {
    const activity = new HookActivity({ samplesPerMinute: 10, now: () => 0 });
    for (let i = 0; i < 1000; i += 1) activity.record("ExecuteCommand", 5, "ok");
    const minute = activity.report()[0]?.minutes.at(-1);
    expect(minute?.calls).toBe(1000);
    expect(minute?.p50Ms).toBe(5);
  });
});
