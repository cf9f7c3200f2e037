// CallStats: counts and latency buckets recorded with a few additions, read back as figures.
import { describe, expect, it } from "vitest";
import { CallStats, CallStatsTable, LATENCY_BUCKETS_SECONDS } from "./call-stats.js";

describe("CallStats", () => {
  it("counts calls, failures and timeouts, and sums their durations in seconds", () => {
    const stats = new CallStats();
    stats.succeeded(2);
    stats.failed(10);
    stats.failed(30_000, true);

    expect(stats).toMatchObject({ calls: 3, failures: 2, timeouts: 1 });
    expect(stats.totalSeconds).toBeCloseTo(30.012);
  });

  it("puts each duration in the first bucket whose bound holds it, the bound included", () => {
    const stats = new CallStats();
    stats.succeeded(0.5); // 0.0005 s: the first bound exactly
    stats.succeeded(0.6);
    stats.succeeded(31_000); // past the last bound

    expect([...stats.buckets]).toEqual([
      1,
      1,
      ...new Array(LATENCY_BUCKETS_SECONDS.length - 2).fill(0),
      1,
    ]);
  });

  it("answers quantiles to a bucket's precision", () => {
    const stats = new CallStats();
    expect(stats.quantileSeconds(0.5)).toBe(0);
    for (let i = 0; i < 99; i++) stats.succeeded(3);
    stats.succeeded(400);

    expect(stats.quantileSeconds(0.5)).toBe(0.005);
    expect(stats.quantileSeconds(0.99)).toBe(0.005);
    expect(stats.quantileSeconds(1)).toBe(0.5);
    stats.succeeded(60_000);
    expect(stats.quantileSeconds(1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("CallStatsTable", () => {
  it("keeps one CallStats per subject and name, listed in the order first recorded", () => {
    const table = new CallStatsTable();
    const row = table.row("com.example.a");
    row.of("OnActivate").succeeded(1);
    row.of("OnActivate").succeeded(1);
    table.row("com.example.b").of("ServeHTTP").failed(1);

    expect(table.row("com.example.a")).toBe(row);
    expect(
      [...table.entries()].map(([subject, name, stats]) => [subject, name, stats.calls]),
    ).toEqual([
      ["com.example.a", "OnActivate", 2],
      ["com.example.b", "ServeHTTP", 1],
    ]);
  });
});
