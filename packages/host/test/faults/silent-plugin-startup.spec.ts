// Start-up with a plugin that never handshakes: `plugwire serve` answers REST requests while
// that plugin is still within its 10 s start timeout, and a SIGTERM then stops the server at
// once instead of waiting the timeout out.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";

const mainJs = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const silent = fileURLToPath(new URL("../../test-fixtures/supervisor/silent.mjs", import.meta.url));

let root: string;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  await rm(root, { recursive: true, force: true });
});

it("serves REST while a silent plugin is in its start timeout, and stops at once on SIGTERM", async () => {
  root = await mkdtemp(join(tmpdir(), "pw-silent-"));
  // Run as root, serve starts the plugin as its own user, who must reach its folder.
  await chmod(root, 0o755);
  const plugin = join(root, "plugins", "silent");
  await mkdir(plugin, { recursive: true });
  await copyFile(silent, join(plugin, "silent.mjs"));
  await writeFile(
    join(plugin, "plugin.json"),
    JSON.stringify({
      id: "test.silent",
      name: "silent",
      version: "1.0.0",
      server: { executable: "silent.mjs" },
    }),
  );
  const startedAt = Date.now();
  child = spawn(
    process.execPath,
    [
      mainJs,
      "serve",
      "--data",
      join(root, "data"),
      "--plugins",
      join(root, "plugins"),
      "--port",
      "0",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  const exited = once(child, "exit");

  await expect.poll(() => stdout, { timeout: 8_000 }).toMatch(/serving the REST API on \S+/);
  const url = /serving the REST API on (\S+?)\s/.exec(stdout)?.[1] as string;
  const ping = await fetch(`${url}/api/v4/system/ping`);

  expect(ping.status).toBe(200);
  expect(Date.now() - startedAt).toBeLessThan(10_000);
  expect(stdout).not.toContain("test.silent: failed");
  const signalledAt = Date.now();
  child.kill("SIGTERM");
  const [code] = await exited;
  expect(code).toBe(0);
  expect(Date.now() - signalledAt).toBeLessThan(3_000);
});
