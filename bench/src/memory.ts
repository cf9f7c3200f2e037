// Resident set sizes: of this process, and of any other by its /proc entry (Linux).
import { readFileSync } from "node:fs";

const MiB = 1024 * 1024;

/** The resident set size of process `pid` in bytes, from /proc/<pid>/status. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match?.[1] === undefined) {
    throw new Error(`no VmRSS in /proc/${pid}/status`);
  }
  return Number(match[1]) * 1024;
}

/** Samples the RSS of each process every few milliseconds and keeps the peak growth. */
export class RssWatch {
  private readonly start: number[];
  private readonly peak: number[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(rssOf);
    this.peak = [...this.start];
    this.timer = setInterval(() => this.sample(), 20);
  }

  /** Stops sampling; the growth of each process's peak over its start, in MiB. */
  stop(): number[] {
    clearInterval(this.timer);
    this.sample();
    return this.peak.map((peak, i) => (peak - (this.start[i] ?? 0)) / MiB);
  }

  private sample(): void {
    this.pids.forEach((pid, i) => {
      this.peak[i] = Math.max(this.peak[i] ?? 0, rssOf(pid));
    });
  }
}

export { MiB };
