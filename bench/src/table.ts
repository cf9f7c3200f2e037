// The one table `npm run bench` prints: each figure, its baseline from the same run, the ratio,
// the target and whether it is met.
import type { Latency } from "./stats.js";

export type Verdict = "met" | "NOT MET" | "report" | "not measurable";

export interface Row {
  figure: string;
  measured: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

const us = (value: number) => `${Math.round(value)} µs`;
const times = (value: number) => `${value.toFixed(2)}×`;
const judge = (ok: boolean): Verdict => (ok ? "met" : "NOT MET");

/** Two rows, p50 and p99, of a latency against its baseline. */
export function latencyRows(
  figure: string,
  subject: Latency,
  baseline: Latency,
  p50Max: number,
  p99Max: number,
): Row[] {
  const p50 = subject.p50 / baseline.p50;
  const p99 = subject.p99 / baseline.p99;
  return [
    {
      figure: `${figure}, p50 (n=${subject.samples})`,
      measured: us(subject.p50),
      baseline: us(baseline.p50),
      ratio: times(p50),
      target: `≤ ${p50Max}×`,
      verdict: judge(p50 <= p50Max),
    },
    {
      figure: `${figure}, p99`,
      measured: us(subject.p99),
      baseline: us(baseline.p99),
      ratio: times(p99),
      target: `≤ ${p99Max}×`,
      verdict: judge(p99 <= p99Max),
    },
  ];
}

/** A rate against its baseline, with a floor on the ratio. */
export function rateRow(
  figure: string,
  subject: number,
  baseline: number,
  unit: string,
  minRatio: number,
): Row {
  const ratio = subject / baseline;
  return {
    figure,
    measured: `${Math.round(subject)} ${unit}`,
    baseline: `${Math.round(baseline)} ${unit}`,
    ratio: times(ratio),
    target: `≥ ${minRatio}×`,
    verdict: judge(ratio >= minRatio),
  };
}

/** A figure with an absolute bound and no baseline. */
export function boundRow(
  figure: string,
  value: number,
  unit: string,
  bound: { min?: number; max?: number },
): Row {
  const ok =
    (bound.min === undefined || value >= bound.min) &&
    (bound.max === undefined || value <= bound.max);
  return {
    figure,
    measured: `${value.toFixed(1)} ${unit}`,
    baseline: "—",
    ratio: "—",
    target: bound.min !== undefined ? `≥ ${bound.min} ${unit}` : `≤ ${bound.max} ${unit}`,
    verdict: judge(ok),
  };
}

/** A figure that could not be measured, and why. */
export function missingRow(figure: string, why: string): Row {
  return {
    figure,
    measured: "—",
    baseline: "—",
    ratio: "—",
    target: why,
    verdict: "not measurable",
  };
}

export { times, us };

/** The rows as a Markdown table (readable in a terminal, pasteable into BENCHMARKS.md). */
export function formatTable(rows: readonly Row[]): string {
  const head = ["figure", "measured", "baseline (same run)", "ratio", "target", "met?"];
  const cells = (row: Row) => [
    row.figure,
    row.measured,
    row.baseline,
    row.ratio,
    row.target,
    row.verdict,
  ];
  const all = [head, ...rows.map(cells)];
  const widths = head.map((_, column) => Math.max(...all.map((line) => line[column]?.length ?? 0)));
  const line = (values: string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [
    line(head),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...all.slice(1).map(line),
  ].join("\n");
}
