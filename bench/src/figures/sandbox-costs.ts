// What the plugin sandbox costs (issue 16): the cold start (spawn → handshake → active) and
// the idle RSS of the bench plugin with Node's permission model, and, where the host runs as
// root, also under a user of its own (setpriv --reuid), each against the same plugin with
// neither, in the same run.
import { setTimeout as delay } from "node:timers/promises";
import type { SandboxPolicy } from "@plugwire/host";
import { BenchHost, benchPluginId } from "../bench-host.js";
import { MiB, rssOf } from "../memory.js";
import { median } from "../stats.js";
import { type Row, times } from "../table.js";

const starts = 6;
const idleMs = 1_000;

interface Cost {
  coldMs: number;
  idleRssMiB: number;
}

async function costOf(sandbox: SandboxPolicy): Promise<Cost> {
  const bench = await BenchHost.start({ sandbox });
  try {
    const cold: number[] = [];
    for (let i = 0; i < starts; i++) {
      await bench.host.disablePlugin(benchPluginId);
      const start = performance.now();
      await bench.host.enablePlugin(benchPluginId);
      cold.push(performance.now() - start);
    }
    await delay(idleMs);
    return { coldMs: median(cold), idleRssMiB: rssOf(bench.pluginPid()) / MiB };
  } finally {
    await bench.close();
  }
}

function rows(name: string, subject: Cost, baseline: Cost): Row[] {
  return [
    {
      figure: `cold start, ${name} (median of ${starts})`,
      measured: `${subject.coldMs.toFixed(0)} ms`,
      baseline: `${baseline.coldMs.toFixed(0)} ms (no sandbox)`,
      ratio: times(subject.coldMs / baseline.coldMs),
      target: "report",
      verdict: "report",
    },
    {
      figure: `RSS of an idle plugin, ${name}`,
      measured: `${subject.idleRssMiB.toFixed(1)} MiB`,
      baseline: `${baseline.idleRssMiB.toFixed(1)} MiB (no sandbox)`,
      ratio: times(subject.idleRssMiB / baseline.idleRssMiB),
      target: "report",
      verdict: "report",
    },
  ];
}

export async function sandboxCosts(): Promise<Row[]> {
  const none = await costOf({ nodePermissions: false });
  const permissions = await costOf({ nodePermissions: true });
  const result = rows("Node's permission model", permissions, none);
  if (process.getuid?.() === 0) {
    const ownUser = await costOf({ nodePermissions: true, pluginIds: { first: 70_900, count: 1 } });
    result.push(...rows("permission model and own user", ownUser, none));
  } else {
    result.push({
      figure: "cold start and idle RSS, permission model and own user",
      measured: "—",
      baseline: "—",
      ratio: "—",
      target: "report",
      verdict: "not measurable",
    });
  }
  return result;
}
