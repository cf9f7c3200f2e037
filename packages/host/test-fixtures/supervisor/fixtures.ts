// Test support for the supervisor specs: manifests for the fixture plugins in this folder, a
// stand-in PluginAPI server that records what each start gave it, a log collector, and the
// cleanup that leaves no process or folder behind.
import { readFileSync } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LogEntry } from "../../src/log.js";
import type { ServerPluginManifest } from "../../src/manifest/manifest.js";
import type { ServeApi } from "../../src/supervisor/plugin-process.js";
import type { PluginState, PluginSupervisor } from "../../src/supervisor/supervisor.js";

const fixturesDir = dirname(fileURLToPath(import.meta.url));

/** Runs registered clean-ups in reverse order; call run() in afterEach. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown> | unknown)[] = [];

  add(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step();
    }
  }
}

/**
 * A manifest for `<name>.mjs` in this folder, run by node, with a fresh plugin folder of its
 * own as working directory (fixtures keep marker files there).
 */
export async function fixtureManifest(
  name: string,
  cleanup: Cleanup,
): Promise<ServerPluginManifest> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "pw-test-")));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  const executable = join(fixturesDir, `${name}.mjs`);
  return {
    id: `test.${name}`,
    name,
    description: `supervisor test fixture ${name}`,
    version: "1.0.0",
    server: { executable, executableRelative: `${name}.mjs`, runtime: "node" },
    dir,
    file: join(dir, "plugin.json"),
  };
}

/** What one start gave serveApi. */
export interface ApiStart {
  socketPath: string;
  token: string;
  pluginId: string;
  closed: boolean;
}

/** A PluginAPI stand-in: a plain listener on the socket, recording every start. */
export function fakeApi(): { serveApi: ServeApi; starts: ApiStart[] } {
  const starts: ApiStart[] = [];
  const serveApi: ServeApi = async (init) => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(init.socketPath, resolve));
    const start: ApiStart = { ...init, closed: false };
    starts.push(start);
    return {
      close: () =>
        new Promise<void>((resolve) => {
          start.closed = true;
          server.close(() => resolve());
        }),
    };
  };
  return { serveApi, starts };
}

/** Collects log entries; `sink` is the log option. */
export function logCollector(): {
  sink: (entry: LogEntry) => void;
  entries: LogEntry[];
} {
  const entries: LogEntry[] = [];
  return { sink: (entry) => entries.push(entry), entries };
}

/** The pid a fixture printed as "pid <n>" or logged as {"msg":"started","pid":n}. */
export function fixturePid(lastOutput: readonly string[]): number {
  for (const line of lastOutput) {
    const match = /^stderr: (?:pid (\d+)|\{.*"msg":"started".*"pid":(\d+))/.exec(line);
    if (match !== null) {
      return Number(match[1] ?? match[2]);
    }
  }
  throw new Error(`no pid in the output:\n${lastOutput.join("\n")}`);
}

/**
 * Whether a process with this id is running. A zombie is not: an orphan killed after its
 * parent died waits as one until init reaps it, which a container's init may never do.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // No /proc (not Linux), or gone meanwhile.
    return process.platform !== "linux";
  }
}

/** Resolves when the supervisor reaches `state`; rejects after `timeoutMs`. */
export function reaches(
  supervisor: PluginSupervisor,
  state: PluginState,
  timeoutMs = 10_000,
): Promise<void> {
  if (supervisor.state === state) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`still ${supervisor.state} after ${timeoutMs} ms, expected ${state}`));
    }, timeoutMs);
    const unsubscribe = supervisor.onStateChange((change) => {
      if (change.state === state) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}
