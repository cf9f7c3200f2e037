// The HTTP client of the ServeHTTP figures, run as its own process so that its work does not
// count against either server: `node http-load.js '<json task>'` prints one JSON line.
import * as http from "node:http";

export type LoadTask =
  /** GET `url` with `concurrency` requests outstanding for `durationMs`. */
  | { kind: "rate"; url: string; concurrency: number; durationMs: number }
  /** POST `bytes` to `url` in 64 KiB chunks. */
  | { kind: "upload"; url: string; bytes: number }
  /** GET `url` and read the answer to its end. */
  | { kind: "download"; url: string };

export interface LoadResult {
  /** Requests per second (rate), or bytes moved (upload, download). */
  value: number;
  seconds: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.once("end", () =>
          response.statusCode === 200
            ? resolve(bytes)
            : reject(new Error(`${url}: ${response.statusCode}`)),
        );
        response.once("error", reject);
      })
      .once("error", reject);
  });
}

async function rate(url: string, concurrency: number, durationMs: number): Promise<LoadResult> {
  let completed = 0;
  const start = performance.now();
  const stopAt = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        await get(url);
        completed++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { value: completed / seconds, seconds };
}

function upload(url: string, bytes: number): Promise<LoadResult> {
  const chunk = Buffer.alloc(64 * 1024);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent }, (response) => {
      response.resume();
      response.once("end", () => {
        if (response.statusCode !== 200) {
          reject(new Error(`${url}: ${response.statusCode}`));
          return;
        }
        resolve({ value: bytes, seconds: (performance.now() - start) / 1000 });
      });
    });
    request.once("error", reject);
    let left = bytes;
    const write = () => {
      while (left > 0) {
        const size = Math.min(chunk.length, left);
        left -= size;
        if (!request.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
          request.once("drain", write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

async function download(url: string): Promise<LoadResult> {
  const start = performance.now();
  const bytes = await get(url);
  return { value: bytes, seconds: (performance.now() - start) / 1000 };
}

async function run(task: LoadTask): Promise<LoadResult> {
  switch (task.kind) {
    case "rate":
      return rate(task.url, task.concurrency, task.durationMs);
    case "upload":
      return upload(task.url, task.bytes);
    case "download":
      return download(task.url);
  }
}

const task = JSON.parse(process.argv[2] ?? "{}") as LoadTask;
process.stdout.write(`${JSON.stringify(await run(task))}\n`);
agent.destroy();
