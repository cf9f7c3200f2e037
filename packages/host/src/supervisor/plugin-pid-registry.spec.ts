import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cleanup, isRunning } from "../../test-fixtures/supervisor/fixtures.js";
import { PluginPidRegistry } from "./plugin-pid-registry.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function registry(): Promise<PluginPidRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "pw-pids-"));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  return new PluginPidRegistry(join(dir, "pids"));
}

function sleeper(): ChildProcess & { pid: number } {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  cleanup.add(() => child.kill("SIGKILL"));
  return child as ChildProcess & { pid: number };
}

describe.skipIf(process.platform !== "linux")("PluginPidRegistry", () => {
  it("ends the recorded processes still running, and forgets every record", async () => {
    const pids = await registry();
    const leftover = sleeper();
    const stopped = sleeper();
    await pids.record(leftover.pid, "com.example.left");
    await pids.record(stopped.pid, "com.example.stopped");
    await pids.forget(stopped.pid);

    const ended = await pids.endLeftovers();
    expect(ended).toEqual([
      {
        pid: leftover.pid,
        pluginId: "com.example.left",
        startTime: expect.stringMatching(/^\d+$/),
      },
    ]);
    await expect.poll(() => leftover.exitCode !== null || leftover.signalCode !== null).toBe(true);
    expect(isRunning(stopped.pid)).toBe(true);
    expect(await readdir(pids.dir)).toEqual([]);
  });

  it("leaves alone a process that has the recorded pid but started at another time", async () => {
    const pids = await registry();
    const other = sleeper();
    await pids.record(other.pid, "com.example.reused");
    // As if the recorded plugin had ended and the system had given its pid to `other`.
    await writeFile(
      join(pids.dir, `${other.pid}.json`),
      JSON.stringify({ pid: other.pid, pluginId: "com.example.reused", startTime: "1" }),
    );

    expect(await pids.endLeftovers()).toEqual([]);
    expect(isRunning(other.pid)).toBe(true);
  });

  it("has nothing to end before anything was recorded", async () => {
    expect(await (await registry()).endLeftovers()).toEqual([]);
  });
});
