// `plugwire serve --database postgres://…`: the built CLI as a child process keeping its data in
// a schema of the run's throwaway PostgreSQL (see test-fixtures/postgres), not in the SQLite
// file of its data folder. Build first: `npx nx run-many -t build`.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  postgresUnderTest,
  TestSchemas,
} from "../../test-fixtures/postgres/postgres-test-database.js";

const mainJs = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const server = postgresUnderTest();
const serverUrl = "url" in server ? server.url : "";
const unavailable =
  "unavailable" in server ? ` (SKIPPED: ${server.unavailable.split("\n")[0]})` : "";

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

describe.skipIf(serverUrl === "")(`plugwire serve on PostgreSQL${unavailable}`, () => {
  let schemas: TestSchemas;
  let root: string;
  const running: Run[] = [];

  beforeAll(() => {
    schemas = new TestSchemas(serverUrl);
  });
  afterAll(async () => {
    await schemas.dropAll();
  });
  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "plugwire-cli-pg-")));
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
      env: { ...process.env, PLUGWIRE_DATABASE_URL: "", ...env },
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

  async function serve(dataDir: string, args: string[], env: NodeJS.ProcessEnv) {
    const run = plugwire(["serve", "--data", dataDir, "--port", "0", ...args], env);
    await expect
      .poll(() => run.stdout() + run.stderr(), { timeout: 20_000 })
      .toMatch(/serving the REST API on http:\/\/\S+/);
    const url = /serving the REST API on (http:\/\/\S+)/.exec(run.stdout())?.[1] as string;
    return { run, url };
  }

  const login = (url: string, password: string) =>
    fetch(`${url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login_id: "root", password }),
    });

  it("keeps users in the database named by --database or PLUGWIRE_DATABASE_URL, whatever the data folder", async () => {
    expect(existsSync(mainJs), `build first: ${mainJs} is missing`).toBe(true);
    const databaseUrl = await schemas.freshUrl();
    const admin = { PLUGWIRE_ADMIN_USERNAME: "root", PLUGWIRE_ADMIN_PASSWORD: "s3cret-admin-pw" };

    const first = await serve(join(root, "one"), ["--database", databaseUrl], admin);
    expect(first.run.stdout()).toContain('Created the system admin "root"');
    expect(first.run.stdout()).toContain("database:           postgresql://postgres@localhost/");
    expect((await login(first.url, "s3cret-admin-pw")).status).toBe(200);
    first.run.child.kill("SIGTERM");
    expect(await first.run.exited).toBe(0);
    expect(existsSync(join(root, "one", "plugwire.db"))).toBe(false);

    // Another data folder, the environment form: the same users, so the same database.
    const second = await serve(join(root, "two"), [], {
      ...admin,
      PLUGWIRE_DATABASE_URL: databaseUrl,
    });
    expect(second.run.stdout()).not.toContain("Created the system admin");
    expect((await login(second.url, "s3cret-admin-pw")).status).toBe(200);
    second.run.child.kill("SIGTERM");
    expect(await second.run.exited).toBe(0);
  });

  it("exits 1 naming the database, without its password, when it can't connect", async () => {
    const run = plugwire([
      "serve",
      "--data",
      join(root, "data"),
      "--database",
      "postgres://someone:hunter2@127.0.0.1:1/nowhere",
    ]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(
      "plugwire: Can't connect to the PostgreSQL database postgres://someone:***@127.0.0.1:1/nowhere",
    );
    expect(run.stdout() + run.stderr()).not.toContain("hunter2");
  });
});
