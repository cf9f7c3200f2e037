// `plugwire` as people run it: the built dist/cli/main.js as a child process, talked to over
// HTTP and stopped with signals. Build first: `npx nx run-many -t build`.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRecordingPlugin } from "../test-fixtures/recording-plugin.js";
import { HOST_VERSION } from "../version.js";

const mainJs = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const appsDir = fileURLToPath(new URL("../../../../apps", import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running: Run[] = [];
const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
let root: string;
let dataDir: string;
let pluginsDir: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "plugwire-cli-")));
  // Run as root, serve starts each plugin as its own user, who must reach the plugin folders.
  await chmod(root, 0o755);
  dataDir = join(root, "data");
  pluginsDir = join(root, "plugins");
  await writeRecordingPlugin(join(pluginsDir, "recorder"), { id: "test.cli" });
});

afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null) run.child.kill("SIGKILL");
  }
  await rm(root, { recursive: true, force: true });
});

function plugwire(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [mainJs, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const run = { child, stdout: () => stdout, stderr: () => stderr, exited };
  running.push(run);
  return run;
}

/** Starts `plugwire serve` on a free port; resolves with the run and its URL once it serves and its plugins have started. */
async function serve(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const run = plugwire(
    // The test plugin imports the SDK from this repository by its path.
    [
      "serve",
      "--data",
      dataDir,
      "--plugins",
      pluginsDir,
      "--port",
      "0",
      "--plugin-read-path",
      repositoryRoot,
      ...args,
    ],
    env,
  );
  await expect.poll(() => run.stdout(), { timeout: 20_000 }).toContain("Press Ctrl+C to stop.");
  const url = /serving the REST API on (http:\/\/\S+)/.exec(run.stdout())?.[1] as string;
  return { run, url };
}

async function stop(run: Run, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  run.child.kill(signal);
  return run.exited;
}

async function login(url: string, loginId: string, password: string) {
  return fetch(`${url}/api/v4/users/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login_id: loginId, password }),
  });
}

describe("plugwire --help, --version and bad command lines", () => {
  it("--help prints the usage and exits 0", async () => {
    const run = plugwire(["--help"]);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain("Usage: plugwire serve --data <dir>");
    expect(run.stdout()).toContain("--admin-password <pw>");
  });

  it("serve --help does too, and --version prints the host's version", async () => {
    const help = plugwire(["serve", "--help"]);
    const version = plugwire(["--version"]);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain("Usage: plugwire serve");
    expect(await version.exited).toBe(0);
    expect(version.stdout().trim()).toBe(HOST_VERSION);
  });

  it.each([
    [["serve", "--data", "d", "--prot", "1"], "unknown option --prot; did you mean --port?"],
    [["serve", "--plugins", "p"], "--data is required"],
    [
      ["serve", "--data", "d", "--port", "http"],
      '--port must be a number from 0 to 65535 (got "http")',
    ],
    [
      ["serve", "--data", "d", "--admin-username", "root"],
      "--admin-password-file (or --admin-password, or PLUGWIRE_ADMIN_PASSWORD) is required",
    ],
    [["start"], 'unknown command "start"'],
  ])("%j exits 2 saying: %s", async (args, message) => {
    const run = plugwire(args);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(`plugwire: ${message}`);
    expect(run.stderr()).toContain("plugwire --help");
  });

  it("exits 1 naming the folder when --plugins does not exist", async () => {
    const run = plugwire(["serve", "--data", dataDir, "--plugins", join(root, "nope")]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`--plugins ${join(root, "nope")}: no such folder`);
  });
});

describe("plugwire serve", () => {
  it("tells where the data is, which plugins it found and how each started, serves, and stops cleanly on SIGTERM", async () => {
    await mkdir(join(pluginsDir, "not-a-plugin"));
    const { run, url } = await serve();

    const out = run.stdout();
    expect(out).toContain(`Data folder: ${dataDir}`);
    expect(out).toContain(`test.cli 1.0.0  ${join(pluginsDir, "recorder")}`);
    expect(out).toMatch(/✗ .*not-a-plugin was not loaded: .*no plugin manifest found/);
    expect(out).toMatch(/test\.cli: active \(\d+ ms\)/);
    const ping = await fetch(`${url}/api/v4/system/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ status: "OK" });

    expect(await stop(run, "SIGTERM")).toBe(0);
    expect(run.stdout()).toContain("SIGTERM received: shutting down");
    expect(run.stdout()).toContain("Stopped.");
    expect(run.stderr()).toMatch(/\[test\.cli\] OnDeactivate/);
  });

  it("creates the first system admin from the environment, without printing the password, once", async () => {
    const admin = {
      PLUGWIRE_ADMIN_USERNAME: "root",
      PLUGWIRE_ADMIN_PASSWORD: "s3cret-admin-pw",
    };
    const first = await serve([], admin);
    expect(first.run.stdout()).toContain('Created the system admin "root"');
    const response = await login(first.url, "root", admin.PLUGWIRE_ADMIN_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.headers.get("token")).toBeTruthy();
    expect(await response.json()).toMatchObject({
      username: "root",
      roles: expect.stringContaining("system_admin"),
    });
    expect(await stop(first.run)).toBe(0);

    const second = await serve([], { ...admin, PLUGWIRE_ADMIN_PASSWORD: "another-password" });
    expect(second.run.stdout()).not.toContain("Created the system admin");
    expect((await login(second.url, "root", "another-password")).status).toBe(401);
    expect(await stop(second.run)).toBe(0);

    for (const run of [first.run, second.run]) {
      expect(run.stdout() + run.stderr()).not.toContain("s3cret-admin-pw");
      expect(run.stdout() + run.stderr()).not.toContain("another-password");
    }
  });

  it("keeps a plugin an admin disabled disabled at the next start", async () => {
    const credentials = ["--admin-username", "root", "--admin-password", "s3cret-admin-pw"];
    const first = await serve(credentials);
    const token = (await login(first.url, "root", "s3cret-admin-pw")).headers.get("token");
    const disabled = await fetch(`${first.url}/api/v4/plugins/test.cli/disable`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(disabled.status).toBe(200);
    expect(await stop(first.run)).toBe(0);

    const second = await serve(credentials);
    expect(second.run.stdout()).toContain("test.cli: disabled");
    expect(second.run.stderr()).not.toMatch(/\[test\.cli\] OnActivate/);
    expect(await stop(second.run)).toBe(0);
  });

  it("exits at once on a second signal while the shutdown waits for a plugin", async () => {
    const stuck = join(pluginsDir, "stuck");
    await mkdir(stuck);
    await writeFile(
      join(stuck, "plugin.json"),
      JSON.stringify({
        id: "test.stuck",
        name: "Stuck",
        version: "1.0.0",
        server: { executable: "main.mjs" },
      }),
    );
    // OnDeactivate never returns, so the shutdown waits for the hook's deadline.
    await writeFile(
      join(stuck, "main.mjs"),
      `import { definePlugin, runPlugin } from ${JSON.stringify(new URL("../../../sdk/dist/index.js", import.meta.url).href)};
runPlugin(definePlugin({ OnDeactivate: () => new Promise(() => {}) }));
`,
    );
    const { run } = await serve();
    expect(run.stdout()).toContain("test.stuck: active");

    run.child.kill("SIGTERM");
    await expect.poll(() => run.stdout()).toContain("shutting down");
    expect(await stop(run, "SIGTERM")).toBe(143);
    expect(run.stderr()).toContain("SIGTERM again: exiting without finishing the shutdown");
  });

  it("exits 1 saying so when the port is taken", async () => {
    const blocker = createServer();
    blocker.listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const { port } = blocker.address() as { port: number };
    try {
      const run = plugwire(["serve", "--data", dataDir, "--port", String(port)]);
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toContain(`plugwire: port ${port} on 127.0.0.1 is in use`);
      expect(run.stdout()).toContain("Stopped.");
    } finally {
      blocker.close();
    }
  });
});

const hasCurl = (() => {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

// The demo serves the built Hello plugin, which this package's build does not produce.
const helloBuilt = existsSync(join(appsDir, "hello-plugin", "dist", "main.js"));

describe("plugwire serve --demo (npm start)", () => {
  it.skipIf(!hasCurl || !helloBuilt)(
    "creates the demo workspace and prints curl commands that work as printed",
    async () => {
      const run = plugwire([
        "serve",
        "--data",
        dataDir,
        "--plugins",
        appsDir,
        "--port",
        "0",
        "--demo",
      ]);
      await expect.poll(() => run.stdout(), { timeout: 20_000 }).toContain("Press Ctrl+C to stop.");
      const out = run.stdout();
      expect(out).toContain('Created the system admin "admin"');
      expect(out).toContain("Demo credentials (for this local demo only): admin / plugwire-demo");
      const consoleUrl = /Admin console \(plugins, settings, logs, activity\): (\S+)/.exec(
        out,
      )?.[1];
      expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console$/);
      expect((await fetch(consoleUrl as string)).headers.get("content-type")).toBe(
        "text/html; charset=utf-8",
      );
      expect(out).toContain("com.plugwire.hello: active");

      // Run the printed commands, each printing its result after a marker.
      const printed = out.slice(out.indexOf("Try it:"), out.indexOf("Press Ctrl+C"));
      const script = printed
        .split("\n")
        .map((line) => line.replace(/^ {2}/, ""))
        .map((line) => (line.startsWith("curl ") ? `echo; echo "=== $((n=n+1))"; ${line}` : line))
        .filter((line) => line !== "Try it:")
        .join("\n");
      const output = execFileSync("bash", ["-c", `set -e\nn=0\n${script}\necho`], {
        encoding: "utf8",
      });
      const [, badword, hello, http] = output.split(/\n=== \d+\n/);
      expect(JSON.parse(badword as string)).toMatchObject({
        id: "plugin.message_will_be_posted.rejected",
        status_code: 400,
        message: expect.stringContaining('"badword" is not allowed here'),
      });
      expect(JSON.parse(hello as string)).toMatchObject({ text: "Hello from Plugwire! 👋" });
      expect(JSON.parse(http as string)).toMatchObject({
        message: "Hello from Plugwire!",
        user_id: expect.stringMatching(/^[a-z0-9]{26}$/),
      });
      expect(await stop(run, "SIGINT")).toBe(0);
    },
  );
});
