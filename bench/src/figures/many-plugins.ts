// Many plugins at once (issue 19): real servers run 10–30 plugins. Twenty copies of the bench
// plugin (each its own process, MessageWillBePosted + MessageHasBeenPosted) under ids of their
// own, in a host started for this figure:
// - start: the host made and all twenty enabled (restoreEnabledPlugins, in parallel) until all
//   are active, with the CPU time of each plugin and of the host; the host's RSS and the sum of
//   the plugins' RSS one second later;
// - fan-out: one MessageHasBeenPosted to all twenty until each has answered, against one
//   plugin's, taking turns;
// - create post over REST with ten of them active (running throughout, warmed up) against a
//   second host without plugins, in rounds taking turns: its latency, and the CPU time per post
//   of this process (hosts and client) and of the plugins;
//   beside it, the same post with ten idle ping-pong processes in the hooks' places
//   (post-floor.ts), the machine's floor for the pattern, in the same rounds.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost, type Host, MemoryFileStore, startRestServer } from "@plugwire/host";
import { bundledPlugin } from "../bench-host.js";
import { cpuTimeOf, ownCpuTime } from "../cpu-time.js";
import { hasBeenPostedRequest } from "../hook-request.js";
import { latencyPair } from "../measure.js";
import { MiB, rssOf } from "../memory.js";
import { exactCpuTimeOf, PingPongGroup } from "../post-floor.js";
import { hostWithoutPlugins, poster } from "../poster.js";
import { latency } from "../stats.js";
import { boundRow, type Row, times, us } from "../table.js";

const pluginCount = 20;
const postingPlugins = 10;
const idOf = (i: number) => `com.plugwire.many-${String(i).padStart(2, "0")}`;

export async function manyPlugins(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), "pw-many-"));
  const pluginsDir = join(dir, "plugins");
  const ids = Array.from({ length: pluginCount }, (_, i) => idOf(i));
  for (const id of ids) await writePlugin(join(pluginsDir, id), id);
  const troubles: string[] = [];
  let host: Host | undefined;
  try {
    const started = performance.now();
    const hostCpuBefore = ownCpuTime();
    host = await createHost({
      dataDir: join(dir, "data"),
      files: new MemoryFileStore(),
      log: (entry) => {
        if (entry.level === "warn" || entry.level === "error") troubles.push(entry.msg);
      },
      pluginLogLevel: "warn",
      healthCheckIntervalMs: 3_600_000,
    });
    await host.loadPluginsFrom(pluginsDir);
    const results = await host.restoreEnabledPlugins({ enableByDefault: ids });
    const startMs = performance.now() - started;
    const hostCpuMs = (ownCpuTime() - hostCpuBefore) / 1000;
    const failed = results.filter((result) => result.outcome !== "enabled");
    if (failed.length > 0) {
      throw new Error(`${failed.length} plugins did not start: ${JSON.stringify(failed[0])}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const hostRss = rssOf(process.pid) / MiB;
    const pluginPids = pluginProcesses(pluginsDir);
    const pluginsRss = pluginPids.reduce((sum, pid) => sum + rssOf(pid), 0) / MiB;
    // What the plugins used until now: their start, then a second idle.
    const pluginCpuMs = sum(pluginPids.map(cpuTimeOf)) / 1000 / pluginPids.length;

    const rows: Row[] = [
      boundRow(`${pluginCount} plugins enabled at host start: until all active`, startMs, "ms", {
        max: 2_000,
      }),
      {
        figure: `${pluginCount} plugins: CPU of a plugin's start (mean) / the host's for all`,
        measured: `${pluginCpuMs.toFixed(0)} ms / ${hostCpuMs.toFixed(0)} ms`,
        baseline: "—",
        ratio: "—",
        target: "report",
        verdict: "report",
      },
      {
        ...boundRow(`${pluginCount} plugins: host process RSS`, hostRss, "MiB", {}),
        target: "report",
        verdict: "report",
      },
      {
        ...boundRow(
          `${pluginCount} plugins: sum of the plugins' RSS (${pluginPids.length} processes)`,
          pluginsRss,
          "MiB",
          {},
        ),
        target: "report",
        verdict: "report",
      },
      ...(await fanOut(host, ids)),
      ...(await createPostWithPlugins(
        host,
        dir,
        pluginsDir,
        ids.slice(0, postingPlugins),
        ids.slice(postingPlugins),
      )),
    ];
    if (troubles.length > 0) process.stderr.write(`${troubles.join("\n")}\n`);
    return rows;
  } finally {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One MessageHasBeenPosted to every plugin until all answered, against one plugin's. */
async function fanOut(host: Host, ids: readonly string[]): Promise<Row[]> {
  const targets = ids.map((id) => {
    const target = host.get(id);
    if (target === undefined) throw new Error(`plugin ${id} is not loaded`);
    return target;
  });
  const request = hasBeenPostedRequest();
  const [one] = targets;
  if (one === undefined) throw new Error("no plugin");
  const pair = await latencyPair(
    () => Promise.all(targets.map((target) => target.callHook("MessageHasBeenPosted", request))),
    () => one.callHook("MessageHasBeenPosted", request),
    { warmup: 100, rounds: 6, perRound: 100, capMs: 30_000 },
  );
  const all = latency(pair.subject);
  const single = latency(pair.baseline);
  return [
    {
      figure: `hook fan-out: one MessageHasBeenPosted to ${targets.length} plugins, p50 (n=${all.samples})`,
      measured: us(all.p50),
      baseline: `${us(single.p50)} (one plugin)`,
      ratio: times(all.p50 / single.p50),
      target: "report",
      verdict: "report",
    },
    {
      figure: `hook fan-out to ${targets.length} plugins, p99`,
      measured: us(all.p99),
      baseline: `${us(single.p99)} (one plugin)`,
      ratio: times(all.p99 / single.p99),
      target: "report",
      verdict: "report",
    },
  ];
}

/**
 * POST /api/v4/posts with the `posting` plugins active (each implements both message hooks)
 * and `idle` ones disabled, against the same on a second host of this process without plugins,
 * and against that with as many idle ping-pong processes in the hooks' places (post-floor.ts:
 * the machine's floor for the pattern), in rounds taking turns. The plugins run throughout, as
 * on a real server (stopping them between rounds measured freshly started processes whose
 * code V8 had not optimized yet), and are warmed up first, as the ping-pong processes are.
 */
async function createPostWithPlugins(
  host: Host,
  dir: string,
  pluginsDir: string,
  posting: readonly string[],
  idle: readonly string[],
): Promise<Row[]> {
  await Promise.all(idle.map((id) => host.disablePlugin(id)));
  const bare = await hostWithoutPlugins(join(dir, "data-without-plugins"));
  const server = await startRestServer(host, { port: 0 });
  const floor = await PingPongGroup.start(pluginsDir, posting.length);
  try {
    const postWithPlugins = await poster(host, server.url);
    const postWithout = await poster(bare.host, bare.url);
    await warmUp(host, posting, warmUpCalls);
    await floor.warm(warmUpCalls);
    const modes = ["plugins", "none", "floor"] as const;
    type Mode = (typeof modes)[number];
    const post = (mode: Mode) =>
      mode === "plugins" ? postWithPlugins() : postWithout(mode === "floor" ? floor : undefined);
    const latencies: Record<Mode, number[]> = { plugins: [], none: [], floor: [] };
    /** CPU time in µs of the timed posts: this process's in each mode, the plugins', the ping-pong processes'. */
    const cpu = { plugins: 0, none: 0, floor: 0, pluginProcesses: 0, floorProcesses: 0 };
    const plugins = pluginProcesses(pluginsDir);
    if (plugins.length !== posting.length) {
      throw new Error(`${plugins.length} plugin processes run, not ${posting.length}`);
    }
    const rounds = 6;
    const postsPerRound = 200;
    const settled = async () => {
      await host.app.settled();
      await bare.host.app.settled();
      await floor.settled();
    };
    for (let round = 0; round < rounds; round++) {
      const mode = modes[round % modes.length] as Mode;
      for (let i = 0; i < (round < modes.length ? 100 : 20); i++) await post(mode);
      await settled();
      const others = mode === "plugins" ? plugins : mode === "floor" ? floor.pids : [];
      const othersBefore = sum(others.map(exactCpuTimeOf));
      const before = exactCpuTimeOf(process.pid);
      for (let i = 0; i < postsPerRound; i++) latencies[mode].push(await post(mode));
      // The MessageHasBeenPosted calls (or ping-pongs) still running belong to these posts.
      await settled();
      cpu[mode] += exactCpuTimeOf(process.pid) - before;
      const othersCpu = sum(others.map(exactCpuTimeOf)) - othersBefore;
      if (mode === "plugins") cpu.pluginProcesses += othersCpu;
      if (mode === "floor") cpu.floorProcesses += othersCpu;
    }
    const subject = latency(latencies.plugins);
    const baseline = latency(latencies.none);
    const machine = latency(latencies.floor);
    const addedMs = (subject.p50 - baseline.p50) / 1000;
    const perPost = (mode: Mode) => cpu[mode] / latencies[mode].length;
    const plus = (us: number) => `${us < 0 ? "" : "+"}${(us / 1000).toFixed(2)} ms`;
    const n = posting.length;
    return [
      {
        figure: `create post over REST, ${n} plugins with WillBePosted + HasBeenPosted, p50 (n=${subject.samples})`,
        measured: us(subject.p50),
        baseline: `${us(baseline.p50)} (no plugin)`,
        ratio: plus(subject.p50 - baseline.p50),
        target: "≤ +3 ms",
        verdict: addedMs <= 3 ? "met" : "NOT MET",
      },
      {
        figure: `floor: the same post with ${n} idle ping-pong processes in the hooks' places (${n} round trips one after another, then ${n} at once), p50 (n=${machine.samples})`,
        measured: us(machine.p50),
        baseline: `${us(baseline.p50)} (no plugin)`,
        ratio: plus(machine.p50 - baseline.p50),
        target: "report",
        verdict: "report",
      },
      {
        figure: `create post over REST, ${n} plugins, p99`,
        measured: us(subject.p99),
        baseline: `${us(baseline.p99)} (no plugin)`,
        ratio: plus(subject.p99 - baseline.p99),
        target: "report",
        verdict: "report",
      },
      {
        figure: `floor: the same post with ${n} ping-pong processes, p99`,
        measured: us(machine.p99),
        baseline: `${us(baseline.p99)} (no plugin)`,
        ratio: plus(machine.p99 - baseline.p99),
        target: "report",
        verdict: "report",
      },
      {
        figure: `create post over REST, ${n} plugins: CPU per post of the host process (with its REST client)`,
        measured: us(perPost("plugins")),
        baseline: `${us(perPost("none"))} (no plugin)`,
        ratio: plus(perPost("plugins") - perPost("none")),
        target: "report",
        verdict: "report",
      },
      {
        figure: `floor: CPU per post of the host process with ${n} ping-pong processes`,
        measured: us(perPost("floor")),
        baseline: `${us(perPost("none"))} (no plugin)`,
        ratio: plus(perPost("floor") - perPost("none")),
        target: "report",
        verdict: "report",
      },
      {
        figure: `create post over REST, ${n} plugins: CPU per post of the plugins, together`,
        measured: us(cpu.pluginProcesses / latencies.plugins.length),
        baseline: `${us(cpu.floorProcesses / latencies.floor.length)} (${n} ping-pong processes)`,
        ratio: times(
          cpu.pluginProcesses /
            latencies.plugins.length /
            (cpu.floorProcesses / latencies.floor.length),
        ),
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    await floor.stop();
    await server.close();
    await bare.close();
  }
}

/**
 * Calls per plugin (each hook) before the timed posts: ten plugins get two calls a post, and
 * their code runs unoptimized for the first thousand or so (in one sitting, the plugins' CPU
 * per post fell by about half over the first 1,000 posts).
 */
const warmUpCalls = 2_000;

/** `count` MessageWillBePosted and MessageHasBeenPosted calls to each plugin, the plugins in parallel. */
async function warmUp(host: Host, ids: readonly string[], count: number): Promise<void> {
  const request = hasBeenPostedRequest();
  await Promise.all(
    ids.map(async (id) => {
      const plugin = host.get(id);
      if (plugin === undefined) throw new Error(`plugin ${id} is not loaded`);
      for (let i = 0; i < count; i++) {
        await plugin.callHook("MessageWillBePosted", request);
        await plugin.callHook("MessageHasBeenPosted", request);
      }
    }),
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function writePlugin(dir: string, id: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = {
    id,
    name: `Bench ${id}`,
    version: "0.1.0",
    server: { executable: "plugin.mjs", runtime: "node" },
  };
  await writeFile(join(dir, "plugin.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, "plugin.mjs"), bundledPlugin());
}

/** This process's children running from a folder under `pluginsDir` (Linux's /proc). */
function pluginProcesses(pluginsDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === process.pid && readlinkSync(`/proc/${pid}/cwd`).startsWith(pluginsDir)) {
        pids.push(pid);
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}
