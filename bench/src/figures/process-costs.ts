// What a plugin process costs before it does anything: the time and the CPU from spawn to
// active, and the memory it holds while idle, each against a bare node process.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { cpuTimeOf } from "../cpu-time.js";
import { MiB, rssOf } from "../memory.js";
import { median } from "../stats.js";
import type { Row } from "../table.js";
import { times } from "../table.js";

const starts = 8;
const idleMs = 1_000;

async function bareNodeStartMs(): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await once(child, "exit");
  return performance.now() - start;
}

/** The CPU time, in µs, of a node process that starts and ends at once, as it reports it. */
async function bareNodeCpuUs(): Promise<number> {
  const child = spawn(
    process.execPath,
    ["-e", "const u = process.cpuUsage(); process.stdout.write(String(u.user + u.system))"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  await once(child, "exit");
  return Number(output);
}

async function bareNodeIdleRss(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 60_000)"], {
    stdio: "ignore",
  });
  try {
    await delay(idleMs);
    return rssOf(child.pid ?? 0);
  } finally {
    child.kill();
    await once(child, "exit");
  }
}

export async function processCosts(bench: BenchHost): Promise<Row[]> {
  await bench.host.disablePlugin(benchPluginId);
  const plugin: number[] = [];
  const bare: number[] = [];
  const pluginCpu: number[] = [];
  const bareCpu: number[] = [];
  await bareNodeStartMs();
  for (let i = 0; i < starts; i++) {
    const start = performance.now();
    await bench.host.enablePlugin(benchPluginId);
    plugin.push(performance.now() - start);
    pluginCpu.push(cpuTimeOf(bench.pluginPid()));
    await bench.host.disablePlugin(benchPluginId);
    bare.push(await bareNodeStartMs());
    bareCpu.push(await bareNodeCpuUs());
  }
  await bench.host.enablePlugin(benchPluginId);
  const pid = bench.pluginPid();
  await delay(idleMs);
  const idleRss = rssOf(pid) / MiB;
  const bareRss = (await bareNodeIdleRss()) / MiB;
  const coldRatio = median(plugin) / median(bare);
  return [
    {
      figure: `cold start: spawn → handshake → active (median of ${starts})`,
      measured: `${median(plugin).toFixed(0)} ms`,
      baseline: `${median(bare).toFixed(0)} ms (node -e 0)`,
      ratio: times(coldRatio),
      target: "≤ 3×",
      verdict: coldRatio <= 3 ? "met" : "NOT MET",
    },
    {
      figure: `cold start: the plugin process's CPU until active (median of ${starts}, 10 ms steps)`,
      measured: `${(median(pluginCpu) / 1000).toFixed(0)} ms`,
      baseline: `${(median(bareCpu) / 1000).toFixed(0)} ms (node -e, its own)`,
      ratio: times(median(pluginCpu) / median(bareCpu)),
      target: "report",
      verdict: "report",
    },
    {
      figure: "RSS of an idle plugin process",
      measured: `${idleRss.toFixed(1)} MiB`,
      baseline: `${bareRss.toFixed(1)} MiB (bare node)`,
      ratio: times(idleRss / bareRss),
      target: "≤ 60 MiB",
      verdict: idleRss <= 60 ? "met" : "NOT MET",
    },
  ];
}
