// A plugin flooding its output while nobody reads the host's own stderr: the host reads the
// flood at the pace of its read budget, logs what fits the log budget, drops the rest, and its
// memory stays flat.
// The host runs as a process of its own (the built supervisor), so that its stderr is a pipe
// this spec can leave unread.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, expect, it } from "vitest";
import { faultFixturesDir, faultManifest } from "../../test-fixtures/faults/faults.js";
import { Cleanup } from "../../test-fixtures/supervisor/fixtures.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const MiB = 1024 * 1024;
const unreadMs = 10_000;

it("grows the host by at most 32 MiB while a plugin writes 200 MiB and the host's stderr is not read for 10 s", async () => {
  const manifest = await faultManifest("flood-output", cleanup);
  const host = spawn(
    process.execPath,
    [`${faultFixturesDir}/output-host.mjs`, JSON.stringify(manifest)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const hostExited = new Promise((resolve) => host.once("exit", resolve));
  cleanup.add(async () => {
    host.kill("SIGKILL");
    await hostExited;
  });

  let baseline = 0;
  let peak = 0;
  let floodStarted = 0;
  await new Promise<void>((resolve, reject) => {
    host.once("exit", (code) => reject(new Error(`the host exited with ${code}`)));
    createInterface({ input: host.stdout }).on("line", (line) => {
      const [what, value, pid] = line.split(" ");
      if (what === "active") {
        baseline = Number(value);
        floodStarted = performance.now();
        cleanup.add(() => {
          try {
            process.kill(Number(pid), "SIGKILL");
          } catch {
            // Already gone.
          }
        });
      } else if (what === "rss") {
        peak = Math.max(peak, Number(value));
        if (performance.now() - floodStarted >= unreadMs) {
          resolve();
        }
      }
    });
  });

  expect(baseline).toBeGreaterThan(0);
  expect((peak - baseline) / MiB).toBeLessThan(32);

  // Now read what the host logged: the budget's share of the flood, and the count of the rest.
  let logged = "";
  host.stderr.on("data", (data: Buffer) => {
    logged += data.toString();
  });
  await expect
    .poll(() => logged, { timeout: 10_000 })
    .toMatch(/"msg":"dropped \d+ lines \(\d+ bytes\) of the plugin's output/);
}, 30_000);
