// A real host with the bench plugin loaded and active: SQLite in a temporary folder, the
// plugin folder written next to it, and the plugin's ServeHTTP reachable as a function.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createHost,
  fetchPlugin,
  type Host,
  type HostOptions,
  type LogEntry,
  MemoryFileStore,
} from "@plugwire/host";
import { buildSync } from "esbuild";

export const benchPluginId = "com.plugwire.bench";

/** The bench plugin's entry, built next to this file. */
const pluginEntry = fileURLToPath(new URL("./plugins/bench-plugin.js", import.meta.url));

let pluginBundle: Uint8Array | undefined;

/**
 * The bench plugin in one file, bundled with the options of the plugin build in the README
 * ("Build a plugin", apps/hello-plugin's `bundle` script), so the figures measure a plugin as
 * its authors ship it.
 */
export function bundledPlugin(): Uint8Array {
  pluginBundle ??= buildSync({
    entryPoints: [pluginEntry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    // The codec switch (PLUGWIRE_CODEC, protocol's message-codec.ts) is read at start; a
    // plugin process does not inherit the host's environment, so the bundle gets this one's.
    define: { "process.env.PLUGWIRE_CODEC": JSON.stringify(process.env.PLUGWIRE_CODEC ?? "") },
    write: false,
    logLevel: "warning",
  }).outputFiles[0].contents;
  return pluginBundle;
}

export class BenchHost {
  private constructor(
    readonly host: Host,
    private readonly dir: string,
    private readonly problems: LogEntry[],
  ) {}

  /** A host with the bench plugin loaded and active; `options` change the host's defaults. */
  static async start(options: Partial<HostOptions> = {}): Promise<BenchHost> {
    const dir = await mkdtemp(join(tmpdir(), "pw-bench-"));
    // A plugin of its own user (sandbox.pluginIds) must reach its folder in here.
    await chmod(dir, 0o755);
    const pluginDir = join(dir, "plugin");
    await writePluginFolder(pluginDir);
    const problems: LogEntry[] = [];
    const host = await createHost({
      dataDir: dir,
      files: new MemoryFileStore(),
      // Only trouble is kept: the suite prints it if a figure fails.
      log: (entry) => {
        if (entry.level === "warn" || entry.level === "error") problems.push(entry);
      },
      pluginLogLevel: "warn",
      healthCheckIntervalMs: 3_600_000,
      ...options,
    });
    await host.loadPlugin(pluginDir);
    await host.enablePlugin(benchPluginId);
    return new BenchHost(host, dir, problems);
  }

  /** Sends a request to the plugin's ServeHTTP, as the REST proxy would. */
  fetch(path: string, init?: RequestInit): Promise<Response> {
    const base = `/plugins/${benchPluginId}`;
    return fetchPlugin(this.host, benchPluginId, new Request(`http://bench${base}${path}`, init), {
      basePath: base,
    });
  }

  /** POSTs `body` as JSON to the plugin and parses its JSON answer. */
  async call<T>(path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(path, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as T;
  }

  /**
   * The plugin process's id, found among this process's children by its working folder
   * (Linux's /proc), so that asking does not wake the plugin.
   */
  pluginPid(): number {
    const pluginDir = join(this.dir, "plugin");
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || parentOf(pid) !== process.pid) {
        continue;
      }
      try {
        if (readlinkSync(`/proc/${pid}/cwd`) === pluginDir) {
          return pid;
        }
      } catch {
        // The process ended meanwhile.
      }
    }
    throw new Error("the bench plugin's process is not running");
  }

  /** What the host and the plugin logged at warn or above. */
  troubles(): string[] {
    return this.problems.map((entry) => `${entry.level} ${entry.pluginId ?? "host"}: ${entry.msg}`);
  }

  async close(): Promise<void> {
    await this.host.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The parent of process `pid`, from /proc/<pid>/stat; undefined once it has ended. */
function parentOf(pid: number): number | undefined {
  try {
    // The command name, in parentheses, may itself hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

async function writePluginFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = {
    id: benchPluginId,
    name: "Bench",
    version: "0.1.0",
    server: { executable: "plugin.mjs", runtime: "node" },
  };
  await writeFile(join(dir, "plugin.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, "plugin.mjs"), bundledPlugin());
}
