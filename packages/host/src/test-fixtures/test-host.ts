// A host on a fresh temporary data folder (SQLite store, files, pluginsDir), collecting its log
// in memory, for the plugin-management, proxy and bundle specs.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHost, type Host, type HostOptions } from "../host.js";
import type { LogEntry } from "../log.js";

export interface TestHost {
  host: Host;
  /** Parent of data/, plugins/ and anything else the spec puts there. */
  root: string;
  dataDir: string;
  pluginsDir: string;
  logs: LogEntry[];
  /** The messages a plugin logged, in order. */
  pluginMessages(pluginId: string): string[];
  /** Closes the host and starts a new one on the same folders (a server restart). */
  restart(): Promise<Host>;
  /** Closes the host and deletes the folders. */
  dispose(): Promise<void>;
}

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export async function startTestHost(options: Partial<HostOptions> = {}): Promise<TestHost> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "plugwire-host-")));
  const dataDir = join(root, "data");
  const pluginsDir = join(root, "data", "plugins");
  const logs: LogEntry[] = [];
  const open = () =>
    createHost({
      dataDir,
      pluginsDir,
      log: (entry) => logs.push(entry),
      stopGracePeriodMs: 2_000,
      // Test plugins import the SDK from this repository by its path.
      sandbox: { readablePaths: [repositoryRoot] },
      ...options,
    });
  const host = await open().catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw error;
  });
  const testHost: TestHost = {
    host,
    root,
    dataDir,
    pluginsDir,
    logs,
    pluginMessages: (pluginId) =>
      logs.filter((entry) => entry.pluginId === pluginId).map((entry) => entry.msg),
    async restart() {
      await testHost.host.close();
      testHost.host = await open();
      return testHost.host;
    },
    async dispose() {
      await testHost.host.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return testHost;
}
