// The sandbox as createHost (and so `plugwire serve`) sets it up: a hostile plugin loaded next to
// a well-behaved one tries to read the other plugin's environment (its API token), the database
// file and the host's environment. Under Node's permission model (the default) each read is
// refused; run as its own user (the host being root) each is refused by the kernel too; and the
// data folder, the database and each plugin's data folder have the modes that keep them private.
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createHost, type Host, type HostOptions } from "../../src/host.js";
import { PluginPidRegistry } from "../../src/supervisor/plugin-pid-registry.js";
import type { PluginProcessError } from "../../src/supervisor/plugin-process-error.js";
import { faultFixturesDir } from "../../test-fixtures/faults/faults.js";

const isRoot = process.getuid?.() === 0;
const notRoot = "SKIPPED: the uid cases need the tests to run as root (CI does)";
const wellBehaved = fileURLToPath(new URL("../../test-fixtures/e2e/kv-writer", import.meta.url));
const PROBE_ID = "test.fault.probe";
const pluginIds = { first: 70_200, count: 10 };

let root: string;
let host: Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  await rm(root, { recursive: true, force: true });
});

/** A host on a fresh data folder with the well-behaved plugin active; returns its pid. */
async function hostWithAnotherPlugin(sandbox: HostOptions["sandbox"]) {
  root = await mkdtemp(join(tmpdir(), "pw-sandbox-"));
  // Plugins of their own users must reach their folders inside it.
  await chmod(root, 0o755);
  const dataDir = join(root, "data");
  const pidRegistry = new PluginPidRegistry(join(root, "pids"));
  host = await createHost({ dataDir, pidRegistry, sandbox, log: () => undefined });
  await host.loadPlugin(wellBehaved);
  await host.enablePlugin("com.test.kv-writer");
  const [record] = await readdir(pidRegistry.dir);
  const other = JSON.parse(await readFile(join(pidRegistry.dir, record as string), "utf8"));
  return { dataDir, otherPid: other.pid as number };
}

/** Loads the probe with these targets and enables it; answers its lines by label. */
async function probe(host: Host, reads: Record<string, string>, writes: Record<string, string>) {
  const dir = join(root, "probe");
  await mkdir(dir, { mode: 0o755 });
  await copyFile(join(faultFixturesDir, "isolation-probe.mjs"), join(dir, "probe.mjs"));
  await writeFile(join(dir, "targets.json"), JSON.stringify({ reads, writes }));
  await writeFile(
    join(dir, "plugin.json"),
    JSON.stringify({
      id: PROBE_ID,
      name: "probe",
      version: "1.0.0",
      server: { executable: "probe.mjs" },
    }),
  );
  await host.loadPlugin(dir);
  // The probe exits without a handshake: its start fails and quotes what it printed.
  const failure = await host.enablePlugin(PROBE_ID).then(
    () => {
      throw new Error("the probe started");
    },
    (reason: PluginProcessError) => reason,
  );
  const results: Record<string, string> = {};
  for (const line of failure.lastOutput) {
    const match = /^stderr: probe (\S+) (.*)$/.exec(line);
    if (match !== null) results[match[1] as string] = match[2] as string;
  }
  return results;
}

function targets(dataDir: string, otherPid: number) {
  return {
    reads: {
      otherEnviron: `/proc/${otherPid}/environ`,
      database: join(dataDir, "plugwire.db"),
      hostEnviron: `/proc/${process.pid}/environ`,
    },
    writes: { ownData: join(dataDir, "plugin-data", PROBE_ID, "kept") },
  };
}

describe("a hostile plugin loaded by createHost", () => {
  it("under the default permission model reads neither another plugin's environment, nor the database, nor the host's environment", async () => {
    const { dataDir, otherPid } = await hostWithAnotherPlugin(undefined);
    const { reads, writes } = targets(dataDir, otherPid);

    const results = await probe(host as Host, reads, writes);

    expect(results).toEqual({
      otherEnviron: "denied ERR_ACCESS_DENIED",
      database: "denied ERR_ACCESS_DENIED",
      hostEnviron: "denied ERR_ACCESS_DENIED",
      ownData: "written",
    });
    expect(host?.status(PROBE_ID).sandbox).toEqual({
      nodePermissions: true,
      requestedPermissions: [],
      grantedPermissions: [],
      dataDir: join(dataDir, "plugin-data", PROBE_ID),
    });
  });

  it("finds the data folder 0700 and the database 0600 when plugins run as the host's user", async () => {
    const { dataDir } = await hostWithAnotherPlugin(undefined);

    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, "plugwire.db"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, "plugin-data", "com.test.kv-writer"))).mode & 0o777).toBe(
      0o700,
    );
  });

  it.skipIf(!isRoot)(
    `run as its own user, without the permission model, is refused the same reads by the kernel${isRoot ? "" : ` — ${notRoot}`}`,
    async () => {
      const { dataDir, otherPid } = await hostWithAnotherPlugin({
        nodePermissions: false,
        pluginIds,
      });
      const { reads, writes } = targets(dataDir, otherPid);

      const results = await probe(host as Host, reads, writes);

      expect(results).toEqual({
        otherEnviron: "denied EACCES",
        database: "denied EACCES",
        hostEnviron: "denied EACCES",
        ownData: "written",
      });
      const probeUid = host?.status(PROBE_ID).sandbox.uid as number;
      expect(probeUid).toBeGreaterThanOrEqual(pluginIds.first);
      expect(probeUid).not.toBe(host?.status("com.test.kv-writer").sandbox.uid);
      // Plugins traverse the data folder to their own data folder, and can list nothing there.
      expect((await stat(dataDir)).mode & 0o777).toBe(0o711);
      expect((await stat(join(dataDir, "plugwire.db"))).mode & 0o777).toBe(0o600);
      const own = await stat(join(dataDir, "plugin-data", PROBE_ID));
      expect({ mode: own.mode & 0o777, uid: own.uid }).toEqual({ mode: 0o700, uid: probeUid });
    },
  );
});
