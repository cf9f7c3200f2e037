// What the ServeHTTP figure could reach at best on this machine: requests forwarded by a
// node:http server in this process over one long-lived HTTP/2 stream to a process answering
// them (floor-server.ts), with nothing else on the way (no protocol, no REST server, no
// plugin runtime), against the direct node:http server of the ServeHTTP figure. Once with a
// ready-made answer, once with the Fetch API objects a ServeHTTP handler's types imply.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchHost } from "../bench-host.js";
import { firstLine } from "../child.js";
import { startDirectServer } from "../http-servers.js";
import { type Row, times } from "../table.js";
import { alternatingRates } from "./serve-http.js";

export async function serveHttpFloor(_bench: BenchHost, dir: string): Promise<Row[]> {
  const direct = await startDirectServer();
  const rows: Row[] = [];
  try {
    for (const mode of ["bare", "fetch"] as const) {
      const floor = await startFloor(join(dir, `floor-${mode}.sock`), mode);
      try {
        const { subject: rate, baseline: base } = await alternatingRates(
          `${floor.origin}/json`,
          `${direct.origin}/json`,
        );
        rows.push({
          figure:
            mode === "bare"
              ? "ServeHTTP floor: node:http → one HTTP/2 stream → a process answering, req/s"
              : "ServeHTTP floor, the answering process making Request + Response.json, req/s",
          measured: `${Math.round(rate)} req/s`,
          baseline: `${Math.round(base)} req/s`,
          ratio: times(rate / base),
          target: "report",
          verdict: "report",
        });
      } finally {
        await floor.close();
      }
    }
  } finally {
    await direct.close();
  }
  return rows;
}

interface Floor {
  origin: string;
  close(): Promise<void>;
}

/** The far end in its own process, and the forwarding node:http server in this one. */
async function startFloor(socketPath: string, mode: "bare" | "fetch"): Promise<Floor> {
  const script = fileURLToPath(new URL("../floor-server.js", import.meta.url));
  const child = spawn(process.execPath, [script, socketPath, mode], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  if ((await firstLine(child)) !== "ready") {
    throw new Error("the floor server did not start");
  }
  const session = http2.connect("http://localhost", {
    createConnection: () => net.connect(socketPath),
  });
  const stream = session.request({ ":method": "POST", ":path": "/" });
  const waiting = new Map<number, http.ServerResponse>();
  let nextId = 0;
  let partial: Buffer = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer) => {
    const data = partial.byteLength > 0 ? Buffer.concat([partial, chunk]) : chunk;
    let offset = 0;
    while (offset + 8 <= data.byteLength) {
      const length = data.readUInt32LE(offset + 4);
      if (offset + 8 + length > data.byteLength) break;
      const id = data.readUInt32LE(offset);
      const res = waiting.get(id);
      waiting.delete(id);
      res?.writeHead(200, ["content-type", "application/json", "content-length", String(length)]);
      res?.end(data.toString("latin1", offset + 8, offset + 8 + length), "latin1");
      offset += 8 + length;
    }
    partial = data.subarray(offset);
  });
  const server = http.createServer((_request, res) => {
    const id = nextId++ >>> 0;
    waiting.set(id, res);
    const frame = Buffer.allocUnsafe(4);
    frame.writeUInt32LE(id, 0);
    stream.write(frame);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stream.close();
      session.close();
      await stop(child);
    },
  };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.stdin?.end();
  await exited;
}
