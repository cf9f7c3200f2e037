// A host killed with SIGKILL cannot stop its plugins. A plugin whose main thread is busy does
// not notice its stdin lifeline end either: the kernel ends it (the parent-death signal set
// through setpriv), and whatever survives is ended by the next host start, from the pid
// registry. The host runs as a process of its own (the built supervisor), so it can be killed.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, expect, it } from "vitest";
import { PluginPidRegistry } from "../../src/supervisor/plugin-pid-registry.js";
import { faultFixturesDir, faultManifest } from "../../test-fixtures/faults/faults.js";
import { Cleanup, isRunning } from "../../test-fixtures/supervisor/fixtures.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Starts a host with the busy plugin; answers the host and the plugin's pid once active. */
async function startHost(options: { killWithHost?: boolean; pidRegistryDir?: string }) {
  const manifest = await faultManifest("busy", cleanup);
  const host = spawn(
    process.execPath,
    [
      join(faultFixturesDir, "supervisor-host.mjs"),
      JSON.stringify(manifest),
      JSON.stringify(options),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const hostExited = new Promise((resolve) => host.once("exit", resolve));
  cleanup.add(async () => {
    host.kill("SIGKILL");
    await hostExited;
  });
  const pluginPid = await new Promise<number>((resolve, reject) => {
    host.once("exit", (code) => reject(new Error(`the host exited with ${code}`)));
    createInterface({ input: host.stdout }).on("line", (line) => {
      const [what, pid] = line.split(" ");
      if (what === "active") {
        resolve(Number(pid));
      }
    });
  });
  cleanup.add(() => {
    if (isRunning(pluginPid)) {
      process.kill(pluginPid, "SIGKILL");
    }
  });
  // Busy from now on.
  await new Promise((resolve) => setTimeout(resolve, 200));
  host.kill("SIGKILL");
  await hostExited;
  return pluginPid;
}

it.skipIf(process.platform !== "linux")(
  "ends a busy SDK plugin within 2 s after its host is killed with SIGKILL",
  async () => {
    const pluginPid = await startHost({});
    await expect.poll(() => isRunning(pluginPid), { timeout: 2_000, interval: 50 }).toBe(false);
  },
);

it.skipIf(process.platform !== "linux")(
  "ends, at the next start, a plugin left running by a killed host",
  async () => {
    const pidRegistryDir = await mkdtemp(join(tmpdir(), "pw-pids-"));
    cleanup.add(() => rm(pidRegistryDir, { recursive: true, force: true }));
    // Without the parent-death signal, the busy plugin outlives its host.
    const pluginPid = await startHost({ killWithHost: false, pidRegistryDir });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isRunning(pluginPid)).toBe(true);

    const ended = await new PluginPidRegistry(pidRegistryDir).endLeftovers();
    expect(ended).toEqual([
      { pid: pluginPid, pluginId: "test.fault.busy", startTime: expect.any(String) },
    ]);
    await expect.poll(() => isRunning(pluginPid), { timeout: 2_000, interval: 50 }).toBe(false);
    expect(await readdir(pidRegistryDir)).toEqual([]);
  },
);
