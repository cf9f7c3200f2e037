// The suite's helper processes: the HTTP load generator and the raw HTTP/2 server.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { LoadResult, LoadTask } from "./http-load.js";

const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Runs one task of the load generator in its own process. */
export async function runLoad(task: LoadTask): Promise<LoadResult> {
  const child = spawn(process.execPath, [script("./http-load.js"), JSON.stringify(task)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await firstLine(child);
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0 || line === undefined) {
    throw new Error(`the load generator exited with ${code} for ${JSON.stringify(task)}`);
  }
  return JSON.parse(line) as LoadResult;
}

/** Starts the raw HTTP/2 server on `socketPath` in its own process; stop() ends it. */
export async function startRawH2Process(socketPath: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [script("./raw-h2-server.js"), socketPath], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  if ((await firstLine(child)) !== "ready") {
    throw new Error("the raw HTTP/2 server did not start");
  }
  return {
    stop: async () => {
      const exited = once(child, "exit");
      child.stdin?.end();
      await exited;
    },
  };
}

/** Starts the ping-pong server (ping-pong.ts) on `socketPath` in its own process. */
export async function startPingPongProcess(socketPath: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [script("./ping-pong-server.js"), socketPath], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  if ((await firstLine(child)) !== "ready") {
    throw new Error("the ping-pong server did not start");
  }
  return {
    stop: async () => {
      const exited = once(child, "exit");
      child.stdin?.end();
      await exited;
    },
  };
}

/** The first line a child prints on stdout; undefined if it closes stdout first. */
export async function firstLine(child: ChildProcess): Promise<string | undefined> {
  if (child.stdout === null) {
    return undefined;
  }
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    return line;
  }
  return undefined;
}
