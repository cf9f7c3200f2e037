// API calls per second with 64 calls in flight from one plugin, against raw node:http2 round
// trips from the same process with as many in flight.
import { join } from "node:path";
import type { BenchHost } from "../bench-host.js";
import type { ApiRateRequest } from "../plugins/bench-plugin.js";
import { startRawH2Server } from "../raw-h2.js";
import { median } from "../stats.js";
import { type Row, rateRow } from "../table.js";

export async function apiCallRate(bench: BenchHost, dir: string): Promise<Row[]> {
  const rawSocket = join(dir, "raw-rate.sock");
  const raw = await startRawH2Server(rawSocket);
  try {
    const request: ApiRateRequest = { rawSocket, inFlight: 64, roundMs: 1_500, rounds: 3 };
    const rates = await bench.call<{ subject: number[]; baseline: number[] }>("/api-rate", request);
    return [
      rateRow(
        "API calls/s, 64 in flight (GetServerVersion)",
        median(rates.subject),
        median(rates.baseline),
        "calls/s",
        0.6,
      ),
    ];
  } finally {
    await raw.close();
  }
}
