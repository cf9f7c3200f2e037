// CPU time (user + system) of processes: this one's, and any other's by its /proc entry (Linux).
import { readFileSync } from "node:fs";

/** Microseconds per clock tick of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const tickUs = 10_000;

/** The CPU time process `pid` has used so far, in µs, in steps of 10 ms. */
export function cpuTimeOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // After the command's closing parenthesis: state, ppid, …; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * tickUs;
}

/** The CPU time this process has used so far, in µs. */
export function ownCpuTime(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
