// The far end of the ServeHTTP floor (figures/serve-http-floor.ts), as its own process:
// `node floor-server.js <socket path> <bare|fetch>` serves one HTTP/2 stream on a Unix socket,
// prints "ready" once it listens, and exits when its stdin closes. Each request is a 4-byte
// id; each answer the id, the body's length (4 bytes) and the body, written once a handler
// turn has passed, as an async handler would answer. "bare" answers a ready-made body;
// "fetch" first does what a ServeHTTP handler's Fetch API types cost per request: makes a
// Request, answers with Response.json and reads that body, as the SDK does.
import { once } from "node:events";
import { rmSync } from "node:fs";
import * as http2 from "node:http2";
import { smallJson } from "./http-servers.js";

const [socketPath, mode] = process.argv.slice(2);
if (socketPath === undefined || (mode !== "bare" && mode !== "fetch")) {
  throw new Error("usage: floor-server.js <socket path> <bare|fetch>");
}
const idBytes = 4;
const bareBody = Buffer.from(smallJson);

async function answerBody(): Promise<Uint8Array> {
  if (mode === "bare") {
    return bareBody;
  }
  const request = new Request("http://localhost/json", {
    method: "GET",
    headers: [
      ["host", "127.0.0.1"],
      ["connection", "keep-alive"],
    ],
  });
  if (new URL(request.url).pathname !== "/json") {
    throw new Error("unexpected path");
  }
  const response = Response.json(JSON.parse(smallJson));
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const next = await reader.read();
    if (next.done) return Buffer.concat(parts);
    parts.push(next.value);
  }
}

async function answer(stream: http2.ServerHttp2Stream, id: number): Promise<void> {
  const body = await answerBody();
  const record = Buffer.allocUnsafe(8 + body.byteLength);
  record.writeUInt32LE(id, 0);
  record.writeUInt32LE(body.byteLength, 4);
  record.set(body, 8);
  if (!stream.destroyed) stream.write(record);
}

rmSync(socketPath, { force: true });
const server = http2.createServer();
server.on("stream", (stream) => {
  stream.respond({ ":status": 200 });
  let partial: Buffer = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer) => {
    const data = partial.byteLength > 0 ? Buffer.concat([partial, chunk]) : chunk;
    let offset = 0;
    for (; offset + idBytes <= data.byteLength; offset += idBytes) {
      void answer(stream, data.readUInt32LE(offset));
    }
    partial = data.subarray(offset);
  });
});
server.listen(socketPath);
await once(server, "listening");
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.once("end", () => {
  server.close();
  process.exit(0);
});
