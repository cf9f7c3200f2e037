// ServeHTTP: small JSON answers per second as an HTTP client sees them, through the host's
// REST server (/plugins/{plugin_id}/...) against a node:http server answering itself; and
// 1 GiB each way, with the memory both processes gained meanwhile.
import { startRestServer } from "@plugwire/host";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { runLoad } from "../child.js";
import { cpuTimeOf, ownCpuTime } from "../cpu-time.js";
import { startDirectServer } from "../http-servers.js";
import { RssWatch } from "../memory.js";
import { median } from "../stats.js";
import { boundRow, type Row, rateRow } from "../table.js";

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
/** Connections the load generator keeps busy for the request rates. */
const concurrency = 16;
const roundMs = 2_000;
const rounds = 3;

export async function serveHttpRate(bench: BenchHost): Promise<Row[]> {
  const rest = await startRestServer(bench.host, { port: 0 });
  const direct = await startDirectServer();
  try {
    const rates = await alternatingRates(
      `${rest.url}/plugins/${benchPluginId}/json`,
      `${direct.origin}/json`,
    );
    return [
      rateRow(
        `ServeHTTP small JSON via the REST proxy, requests/s (${concurrency} connections)`,
        rates.subject,
        rates.baseline,
        "req/s",
        0.8,
      ),
    ];
  } finally {
    await rest.close();
    await direct.close();
  }
}

/**
 * Requests per second of GET `subjectUrl` and of GET `baselineUrl` from the load generator,
 * each warmed up, then in rounds taking turns; the medians of the rounds.
 */
export async function alternatingRates(
  subjectUrl: string,
  baselineUrl: string,
): Promise<{ subject: number; baseline: number }> {
  const load = (url: string, durationMs: number) =>
    runLoad({ kind: "rate", url, concurrency, durationMs });
  await load(subjectUrl, 500);
  await load(baselineUrl, 500);
  const subject: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < rounds; round++) {
    subject.push((await load(subjectUrl, roundMs)).value);
    baseline.push((await load(baselineUrl, roundMs)).value);
  }
  return { subject: median(subject), baseline: median(baseline) };
}

/**
 * 1 GiB each way through fetchPlugin(host, …), the body made and read in this process in 64 KiB
 * chunks: ServeHTTP's own throughput, without an HTTP server in front of it. Each direction
 * runs three times; the table has the median rate and the largest RSS growth.
 */
export async function serveHttpTransfer(bench: BenchHost): Promise<Row[]> {
  const pluginPid = bench.pluginPid();
  const rows: Row[] = [];
  for (const direction of ["upload", "download"] as const) {
    const rates: number[] = [];
    let hostGrowth = 0;
    let pluginGrowth = 0;
    const hostCpu: number[] = [];
    const pluginCpu: number[] = [];
    for (let run = 0; run < transferRuns; run++) {
      const watch = new RssWatch([process.pid, pluginPid]);
      const hostCpuBefore = ownCpuTime();
      const pluginCpuBefore = cpuTimeOf(pluginPid);
      const start = performance.now();
      const moved = direction === "upload" ? await upload(bench) : await download(bench);
      const seconds = (performance.now() - start) / 1000;
      hostCpu.push((ownCpuTime() - hostCpuBefore) / (GiB / MiB));
      pluginCpu.push((cpuTimeOf(pluginPid) - pluginCpuBefore) / (GiB / MiB));
      const [host = 0, plugin = 0] = watch.stop();
      if (moved !== GiB) {
        throw new Error(`${direction} moved ${moved} bytes, not ${GiB}`);
      }
      rates.push(GiB / seconds / 1e6);
      hostGrowth = Math.max(hostGrowth, host);
      pluginGrowth = Math.max(pluginGrowth, plugin);
    }
    rows.push(
      boundRow(
        `1 GiB ${direction} through ServeHTTP (median of ${transferRuns})`,
        median(rates),
        "MB/s",
        {
          min: 300,
        },
      ),
      {
        figure: `1 GiB ${direction}: CPU per MiB, host (with the bench's body) / plugin (median)`,
        measured: `${median(hostCpu).toFixed(0)} / ${median(pluginCpu).toFixed(0)} µs`,
        baseline: "—",
        ratio: "—",
        target: "report",
        verdict: "report",
      },
      boundRow(`1 GiB ${direction}: host RSS growth (largest)`, hostGrowth, "MiB", { max: 64 }),
      boundRow(`1 GiB ${direction}: plugin RSS growth (largest)`, pluginGrowth, "MiB", { max: 64 }),
    );
  }
  return rows;
}

const transferRuns = 3;
const chunkBytes = 64 * 1024;

async function upload(bench: BenchHost): Promise<number> {
  let left = GiB;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) {
        controller.close();
        return;
      }
      left -= chunkBytes;
      controller.enqueue(new Uint8Array(chunkBytes));
    },
  });
  const response = await bench.fetch("/upload", {
    method: "POST",
    body,
    duplex: "half",
  } as RequestInit);
  return ((await response.json()) as { bytes: number }).bytes;
}

async function download(bench: BenchHost): Promise<number> {
  const response = await bench.fetch(`/download?bytes=${GiB}`);
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    bytes += chunk.byteLength;
  }
  return bytes;
}
