// A plugin project as its author lives it, outside this repository: created by
// @plugwire/create-plugin in a temporary folder, type-checked, tested with its own vitest
// config, packed, deployed to a real `plugwire serve` over REST and run under `dev`, where a
// source change restarts it. The project's node_modules is this repository's (the packages are
// resolved from their built dist/, as from a registry install).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createPluginProject } from "@plugwire/create-plugin";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDev } from "./dev.js";
import { readProject } from "./project.js";

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, "../../..");
const cliJs = resolve(here, "../dist/main.js");
const plugwireJs = resolve(repositoryRoot, "packages/host/dist/cli/main.js");
const PLUGIN_ID = "com.example.todo";

let root: string;
let project: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `args` with node in `cwd` to the end. */
async function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "plugwire-project-"));
  await chmod(root, 0o755);
  project = join(root, "todo");
  await createPluginProject(project, { id: PLUGIN_ID, name: "Todo", description: "Keeps todos." });
  await symlink(join(repositoryRoot, "node_modules"), join(project, "node_modules"), "dir");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("a created plugin project", () => {
  it("has the files a project needs, with its id and name filled in", async () => {
    const manifest = JSON.parse(await readFile(join(project, "plugin.json"), "utf8"));
    expect(manifest).toMatchObject({ id: PLUGIN_ID, name: "Todo", description: "Keeps todos." });
    const pkg = JSON.parse(await readFile(join(project, "package.json"), "utf8"));
    expect(Object.keys(pkg.scripts)).toEqual(
      expect.arrayContaining(["build", "test", "pack", "deploy", "dev"]),
    );
    expect(pkg.type).toBe("module");
    expect(await readFile(join(project, ".gitignore"), "utf8")).toContain("node_modules/");
  });

  it("type-checks and passes its own tests with its own vitest config", async () => {
    const tsc = await node([join(repositoryRoot, "node_modules/typescript/bin/tsc")], project);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
    const vitest = await node(
      [join(repositoryRoot, "node_modules/vitest/vitest.mjs"), "run"],
      project,
      { CI: "true" },
    );
    expect(vitest.stdout + vitest.stderr).toContain("3 passed");
    expect(vitest.code).toBe(0);
  }, 120_000);

  it("packs into a bundle holding the manifest and one self-contained server file", async () => {
    const run = await node([cliJs, "pack"], project);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const archive = join(project, "dist", `${PLUGIN_ID}-0.1.0.tar.gz`);
    const entries: string[] = [];
    await tar.list({ file: archive, onReadEntry: (entry) => void entries.push(entry.path) });
    expect(entries).toEqual(
      expect.arrayContaining([
        `${PLUGIN_ID}/plugin.json`,
        `${PLUGIN_ID}/dist/plugin.mjs`,
        `${PLUGIN_ID}/dist/plugin.mjs.map`,
      ]),
    );
    // Bundled: the SDK is inside, nothing is imported from node_modules at run time.
    const bundle = await readFile(join(project, "dist/plugin.mjs"), "utf8");
    expect(bundle).not.toMatch(/from ["']@plugwire\//);
  }, 60_000);

  it("deploys to a running server over REST, which then serves its route", async () => {
    const data = join(root, "server-data");
    const passwordFile = join(root, "admin-password");
    await writeFile(passwordFile, "admin-password-1\n", { mode: 0o600 });
    const server = spawn(process.execPath, [plugwireJs, "serve", "--data", data, "--port", "0"], {
      env: {
        ...process.env,
        PLUGWIRE_ADMIN_USERNAME: "root",
        PLUGWIRE_ADMIN_PASSWORD: "admin-password-1",
      },
    });
    let output = "";
    server.stdout.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
    try {
      await expect.poll(() => output, { timeout: 30_000 }).toContain("Press Ctrl+C to stop.");
      const url = /serving the REST API on (http:\/\/\S+)/.exec(output)?.[1] as string;
      const login = await fetch(`${url}/api/v4/users/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login_id: "root", password: "admin-password-1" }),
      });
      const token = login.headers.get("token") as string;
      expect(token).toBeTruthy();

      const refused = await node([cliJs, "deploy", "--url", url], project, {
        PLUGWIRE_TOKEN: "",
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("PLUGWIRE_TOKEN");

      // Twice: the second upload replaces the first.
      for (let i = 0; i < 2; i++) {
        const run = await node([cliJs, "deploy"], project, {
          PLUGWIRE_URL: url,
          PLUGWIRE_TOKEN: token,
        });
        expect(run.stderr).toBe("");
        expect(run.stdout).toContain(`enabled ${PLUGIN_ID}`);
      }
      const answer = await fetch(`${url}/plugins/${PLUGIN_ID}/api/greeting`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ greeting: "Hello" });
    } finally {
      server.kill("SIGTERM");
      await once(server, "exit");
    }
  }, 120_000);

  it("runs under dev, where a change to the source restarts the plugin in place", async () => {
    const lines: string[] = [];
    const session = await startDev(await readProject(project), {
      port: 0,
      dataDir: join(root, "dev-data"),
      print: (line) => lines.push(line),
    });
    try {
      const greeting = async () =>
        (await (await fetch(`${session.url}/plugins/${PLUGIN_ID}/api/greeting`)).json()) as {
          greeting: string;
        };
      expect((await greeting()).greeting).toBe("Hello");
      const source = join(project, "src/plugin.ts");
      const restarted = session.nextRestart();
      const code = await readFile(source, "utf8");
      await writeFile(source, code.replace("{ greeting: this.greeting(),", '{ greeting: "Hej",'));
      await restarted;
      expect(lines.join("\n")).toMatch(/rebuilt and restarted com\.example\.todo in \d+ ms/);
      expect((await greeting()).greeting).toBe("Hej");

      // A build error keeps the last good build running.
      const broken = session.nextRestart();
      await writeFile(source, `${code}\nthis is not TypeScript(`);
      await broken;
      expect(lines.join("\n")).toContain("keeps running the last good build");
      expect((await greeting()).greeting).toBe("Hej");
      await writeFile(source, code);
    } finally {
      await session.close();
    }
  }, 120_000);

  it("runs under dev --inspect with the inspector on the plugin's process", async () => {
    const port = await freePort();
    const dev = spawn(process.execPath, [cliJs, "dev", "--port", "0", `--inspect=${port}`], {
      cwd: project,
    });
    let output = "";
    dev.stdout.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
    dev.stderr.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
    try {
      await expect.poll(() => output, { timeout: 60_000 }).toContain(`${PLUGIN_ID} is running`);
      const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
        url: string;
      }[];
      expect(targets.map((target) => target.url)).toEqual([
        pathToFileURL(join(project, "dist/plugin.mjs")).href,
      ]);
      expect(output).toContain(`Debugger listening on ws://127.0.0.1:${port}/`);
    } finally {
      dev.kill("SIGTERM");
      await once(dev, "exit");
    }
    expect(dev.exitCode).toBe(0);
  }, 90_000);
});

/** A loopback port nothing listens on at the moment. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
