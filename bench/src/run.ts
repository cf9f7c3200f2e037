// `npm run bench`: runs every figure of issue 6 against its baseline in the same run and
// prints one table. `node dist/run.js <name>…` runs only the named figures.
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { BenchHost } from "./bench-host.js";
import { apiCallRate } from "./figures/api-rate.js";
import { kvGetManyCost, usersByIdsCost } from "./figures/batch-calls.js";
import { clusterLatency } from "./figures/cluster-latency.js";
import { createPostCost } from "./figures/create-post.js";
import { floorLatency } from "./figures/floor.js";
import { manyPlugins } from "./figures/many-plugins.js";
import { metricsCost } from "./figures/metrics-cost.js";
import { processCosts } from "./figures/process-costs.js";
import { apiCallLatency, hookDispatchLatency } from "./figures/rpc-latency.js";
import { sandboxCosts } from "./figures/sandbox-costs.js";
import { serveHttpRate, serveHttpTransfer } from "./figures/serve-http.js";
import { serveHttpFloor } from "./figures/serve-http-floor.js";
import { storeCreatePostCost } from "./figures/store-create-post.js";
import { formatTable, missingRow, type Row } from "./table.js";

type Figure = (bench: BenchHost, dir: string) => Promise<Row[]>;

const figures: Record<string, Figure> = {
  "api-latency": apiCallLatency,
  "hook-latency": hookDispatchLatency,
  floor: floorLatency,
  "api-rate": apiCallRate,
  transfer: serveHttpTransfer,
  "serve-http": serveHttpRate,
  "serve-http-floor": serveHttpFloor,
  "kv-many": kvGetManyCost,
  "users-by-ids": usersByIdsCost,
  "create-post": createPostCost,
  "store-create-post": storeCreatePostCost,
  "cluster-latency": clusterLatency,
  "process-costs": processCosts,
  "sandbox-costs": sandboxCosts,
  "metrics-cost": metricsCost,
  "many-plugins": manyPlugins,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in figures));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown figure(s) ${unknown.join(", ")}; known: ${Object.keys(figures).join(", ")}\n`,
  );
  process.exit(2);
}

const started = performance.now();
const rows: Row[] = [];
const dir = await mkdtemp(join(tmpdir(), "pw-raw-"));
try {
  for (const [name, figure] of Object.entries(figures)) {
    if (wanted.length > 0 && !wanted.includes(name)) {
      continue;
    }
    process.stderr.write(`running ${name}…\n`);
    // A fresh host and plugin process for each figure, so no figure inherits another's heap.
    const bench = await BenchHost.start();
    try {
      rows.push(...(await figure(bench, dir)));
    } catch (reason) {
      const message = reason instanceof Error ? reason.message : String(reason);
      rows.push({ ...missingRow(name, `failed: ${message}`), verdict: "NOT MET" });
    } finally {
      const troubles = bench.troubles();
      await bench.close();
      if (troubles.length > 0) {
        process.stderr.write(`${troubles.join("\n")}\n`);
      }
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const cpu = cpus();
process.stdout.write(
  [
    `Plugwire benchmarks — Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${process.platform}, codec: ${process.env.PLUGWIRE_CODEC === "protobuf-es" ? "protobuf-es" : "fast-codec"}`,
    "",
    formatTable(rows),
    "",
    `${rows.filter((row) => row.verdict === "met").length} met, ${rows.filter((row) => row.verdict === "NOT MET").length} not met; ran in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    "",
  ].join("\n"),
);
