// What a plugin costs the posting pipeline: POST /api/v4/posts over REST with the bench plugin
// active (it implements MessageWillBePosted, which the post waits for, and
// MessageHasBeenPosted, which follows it) against the same on a second host of this process
// without plugins, in rounds taking turns: latency, and the CPU time per post of this process
// (hosts and client) and of the plugin. The plugin runs throughout and is warmed up first, as on
// a real server (disabling it between rounds measured freshly started processes whose code V8
// had not optimized yet).
import { join } from "node:path";
import { startRestServer } from "@plugwire/host";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { hasBeenPostedRequest } from "../hook-request.js";
import { exactCpuTimeOf } from "../post-floor.js";
import { hostWithoutPlugins, poster } from "../poster.js";
import { latency } from "../stats.js";
import { type Row, us } from "../table.js";

const rounds = 6;
const postsPerRound = 300;
const warmup = 200;
/** Calls of each hook before the timed posts, so that the plugin's code is optimized. */
const warmUpCalls = 2_000;

/** A difference in µs as signed milliseconds. */
const plusMs = (us: number) => `${us < 0 ? "" : "+"}${(us / 1000).toFixed(2)} ms`;

export async function createPostCost(bench: BenchHost, dir: string): Promise<Row[]> {
  const { host } = bench;
  await host.enablePlugin(benchPluginId);
  const server = await startRestServer(host, { port: 0 });
  const bare = await hostWithoutPlugins(join(dir, "create-post-without-plugins"));
  try {
    const postWithPlugin = await poster(host, server.url);
    const postWithout = await poster(bare.host, bare.url);
    const plugin = host.get(benchPluginId);
    if (plugin === undefined) throw new Error("the bench plugin is not loaded");
    const request = hasBeenPostedRequest();
    for (let i = 0; i < warmUpCalls; i++) {
      await plugin.callHook("MessageWillBePosted", request);
      await plugin.callHook("MessageHasBeenPosted", request);
    }
    const pluginPid = bench.pluginPid();
    const withPlugin: number[] = [];
    const without: number[] = [];
    /** CPU time in µs of the timed posts: this process's with and without, the plugin's. */
    const cpu = { withPlugin: 0, without: 0, plugin: 0 };
    for (let round = 0; round < rounds; round++) {
      const active = round % 2 === 0;
      const post = active ? postWithPlugin : postWithout;
      for (let i = 0; i < (round < 2 ? warmup : 20); i++) {
        await post();
      }
      await host.app.settled();
      const pluginBefore = active ? exactCpuTimeOf(pluginPid) : 0;
      const before = exactCpuTimeOf(process.pid);
      for (let i = 0; i < postsPerRound; i++) {
        (active ? withPlugin : without).push(await post());
      }
      // The MessageHasBeenPosted call still running belongs to these posts.
      await host.app.settled();
      cpu[active ? "withPlugin" : "without"] += exactCpuTimeOf(process.pid) - before;
      if (active) cpu.plugin += exactCpuTimeOf(pluginPid) - pluginBefore;
    }
    const subject = latency(withPlugin);
    const baseline = latency(without);
    const addedMs = (subject.p50 - baseline.p50) / 1000;
    const hostCpu = cpu.withPlugin / withPlugin.length;
    const hostCpuWithout = cpu.without / without.length;
    return [
      {
        figure: `create post over REST, plugin with WillBePosted + HasBeenPosted, p50 (n=${subject.samples})`,
        measured: us(subject.p50),
        baseline: `${us(baseline.p50)} (no plugin)`,
        ratio: plusMs(subject.p50 - baseline.p50),
        target: "≤ +1 ms",
        verdict: addedMs <= 1 ? "met" : "NOT MET",
      },
      {
        figure: "create post over REST, p99 (report)",
        measured: us(subject.p99),
        baseline: `${us(baseline.p99)} (no plugin)`,
        ratio: plusMs(subject.p99 - baseline.p99),
        target: "report",
        verdict: "report",
      },
      {
        figure:
          "create post over REST, plugin: CPU per post of the host process (with its REST client)",
        measured: us(hostCpu),
        baseline: `${us(hostCpuWithout)} (no plugin)`,
        ratio: plusMs(hostCpu - hostCpuWithout),
        target: "report",
        verdict: "report",
      },
      {
        figure: "create post over REST, plugin: CPU per post of the plugin",
        measured: us(cpu.plugin / withPlugin.length),
        baseline: "—",
        ratio: "—",
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    await bare.close();
    await server.close();
  }
}
