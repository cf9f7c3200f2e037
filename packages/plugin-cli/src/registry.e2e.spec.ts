// Consumers install from a registry. Every publishable package of this workspace is packed and
// published to a throwaway Verdaccio on a loopback port; then, in temporary folders outside the
// workspace, a plugin project is made with `npm create @plugwire/plugin`, installed, built,
// tested and packed; `@plugwire/host` is installed on its own and serves; the packed plugin is
// deployed to it and driven over REST. Only `@plugwire/*` comes from Verdaccio (the consumers'
// npm config maps the scope to it); everything else falls through to the npm registry this
// machine uses, through npm's own cache.
//
// Without a reachable npm registry it is skipped, except under CI=true or
// PLUGWIRE_TEST_REQUIRE_REGISTRY=1 (as .ci/run sets), where it fails.
import { type SpawnOptions, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = resolve(here, "../../..");
const require = createRequire(import.meta.url);

const PLUGIN_ID = "com.example.todo";
const TRIGGER = "todo";
const ADMIN = { username: "root", password: "registry-admin-1" };

const required = process.env.CI === "true" || process.env.PLUGWIRE_TEST_REQUIRE_REGISTRY === "1";
const upstream = await upstreamRegistry();
const reachable = await fetch(new URL("-/ping", upstream), { signal: AbortSignal.timeout(10_000) })
  .then((response) => response.ok)
  .catch(() => false);
if (!reachable && required) {
  throw new Error(
    `the npm registry ${upstream} does not answer; the registry e2e spec needs it for third-party packages`,
  );
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end; throws, with all it printed, when it fails. */
async function run(command: string, args: string[], options: SpawnOptions): Promise<Run> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ")} (in ${options.cwd}) exited ${code}:\n${output}`);
  }
  return { code, output };
}

/** The registry the machine's npm uses, for everything but `@plugwire/*`. */
async function upstreamRegistry(): Promise<string> {
  const { output } = await run("npm", ["config", "get", "registry"], {
    cwd: tmpdir(),
    env: cleanEnv(),
  });
  const url = output.trim();
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * This process's environment without what npm and vitest put there for the run of this spec
 * (npm_config_*, npm_package_*, VITEST*, colours): the consumers' npm starts as a user's would.
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|INIT_CWD$|NODE_ENV$|TEST$|FORCE_COLOR$)/i.test(key)) env[key] = value;
  }
  // Plain output, for the messages of a failure and for the checks on it.
  return { ...env, NO_COLOR: "1", ...extra };
}

/** A loopback port nothing listens on at the moment. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Verdaccio {
  url: string;
  stop(): Promise<void>;
}

/** Verdaccio on a free loopback port, its storage and config in `dir`, serving only what is published to it. */
async function startVerdaccio(dir: string): Promise<Verdaccio> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const config = join(dir, "config.yaml");
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(join(dir, "storage"))}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(join(dir, "htpasswd"))}`,
      "packages:",
      "  '@plugwire/*':",
      "    access: $all",
      "    publish: $authenticated",
      "max_body_size: 200mb",
      "web:",
      "  enable: false",
      "middlewares:",
      "  audit:",
      "    enabled: false",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const bin = join(dirname(require.resolve("verdaccio/package.json")), "bin/verdaccio");
  const child = spawn(
    process.execPath,
    [bin, "--config", config, "--listen", `127.0.0.1:${port}`],
    {
      cwd: dir,
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  const url = `http://127.0.0.1:${port}/`;
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  for (const deadline = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited at start:\n${output}`);
    const ok = await fetch(`${url}-/ping`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Verdaccio did not answer on ${url} in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, stop };
}

/** Adds a user to Verdaccio as `npm adduser` does; resolves with its token. */
async function addUser(registry: string, name: string, password: string): Promise<string> {
  const response = await fetch(`${registry}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password, type: "user", roles: [] }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || body.token === undefined) {
    throw new Error(
      `adding a user to Verdaccio answered ${response.status}: ${JSON.stringify(body)}`,
    );
  }
  return body.token;
}

/** The workspace's packages that are not private: those a release publishes. */
async function publishablePackages(): Promise<{ name: string; dir: string }[]> {
  const root = JSON.parse(await readFile(join(workspaceRoot, "package.json"), "utf8"));
  const found: { name: string; dir: string }[] = [];
  for (const workspace of root.workspaces as string[]) {
    const dir = join(workspaceRoot, workspace);
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    if (pkg.private !== true) found.push({ name: pkg.name, dir });
  }
  return found;
}

/**
 * better-sqlite3's binary, built by this workspace's install, as a local prebuild for the
 * consumers' installs (what its install script would otherwise download from GitHub or compile
 * for minutes): `npm_config_better_sqlite3_local_prebuilds` names the folder.
 */
async function betterSqlitePrebuilds(dir: string, hostDependency: string): Promise<string> {
  const packageDir = dirname(require.resolve("better-sqlite3/package.json"));
  const { version } = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
  expect(version, "the workspace's better-sqlite3 is the one @plugwire/host depends on").toBe(
    hostDependency,
  );
  await mkdir(dir, { recursive: true });
  const { platform, arch } = process;
  await tar.create(
    {
      gzip: true,
      cwd: packageDir,
      file: join(
        dir,
        `better-sqlite3-v${version}-node-v${process.versions.modules}-${platform}-${arch}.tar.gz`,
      ),
    },
    ["build/Release/better_sqlite3.node"],
  );
  return dir;
}

let root: string;
let verdaccio: Verdaccio | undefined;
/** The environment of every consumer's npm: the scope mapped to Verdaccio, its token. */
let consumerEnv: NodeJS.ProcessEnv;
/** What the first spec published: each package's version and tarball integrity, by name. */
const published = new Map<string, { version: string; integrity: string }>();
const startedAt = performance.now();

beforeAll(async () => {
  if (!reachable) return;
  root = await mkdtemp(join(tmpdir(), "plugwire-registry-"));
  // Plugins run as users of their own when the tests run as root: they must reach their bundle.
  await chmod(root, 0o755);
  expect(relative(workspaceRoot, root).startsWith(".."), `${root} is outside the workspace`).toBe(
    true,
  );
  verdaccio = await startVerdaccio(join(root, "verdaccio"));
  const token = await addUser(verdaccio.url, "ci", "ci-password-1");
  const registryHost = verdaccio.url.replace(/^http:/, "");
  // A global config of its own, so the user's own npm config (cache, node-gyp's headers) stays.
  const npmrc = join(root, "npmrc");
  await writeFile(
    npmrc,
    `@plugwire:registry=${verdaccio.url}\n${registryHost}:_authToken=${token}\n`,
  );
  const host = JSON.parse(
    await readFile(join(workspaceRoot, "packages/host/package.json"), "utf8"),
  );
  consumerEnv = cleanEnv({
    npm_config_globalconfig: npmrc,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_better_sqlite3_local_prebuilds: await betterSqlitePrebuilds(
      join(root, "prebuilds"),
      host.dependencies["better-sqlite3"],
    ),
  });
}, 120_000);

afterAll(async () => {
  await verdaccio?.stop();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  if (reachable) {
    process.stdout.write(
      `registry e2e: ${Math.round((performance.now() - startedAt) / 1000)} s in all\n`,
    );
  }
});

describe.skipIf(!reachable)("consumers installing from a registry", () => {
  it("every publishable package packs with its exports, bin, README and LICENSE, and publishes", async () => {
    const tarballs = join(root, "tarballs");
    await mkdir(tarballs);
    for (const { name, dir } of await publishablePackages()) {
      const { output } = await run("npm", ["pack", "--json", "--pack-destination", tarballs], {
        cwd: dir,
        env: cleanEnv({ npm_config_update_notifier: "false" }),
      });
      const [packed] = JSON.parse(output.slice(output.indexOf("["))) as {
        filename: string;
        version: string;
        integrity: string;
        files: { path: string }[];
      }[];
      const files = packed.files.map((file) => file.path);
      const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
      expect(files, name).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE"]));
      for (const target of shippedTargets(pkg))
        expect(files, `${name}: ${target}`).toContain(target);
      published.set(name, { version: packed.version, integrity: packed.integrity });
      await run("npm", ["publish", join(tarballs, packed.filename), "--tag", "latest"], {
        cwd: root,
        env: consumerEnv,
      });
    }
    expect([...published.keys()]).toEqual(
      expect.arrayContaining([
        "@plugwire/protocol",
        "@plugwire/errors",
        "@plugwire/sdk",
        "@plugwire/console",
        "@plugwire/host",
        "@plugwire/testing",
        "@plugwire/create-plugin",
        "@plugwire/plugin-cli",
      ]),
    );
    const listed = await (await fetch(`${verdaccio?.url}@plugwire%2fhost`)).json();
    expect(listed).toMatchObject({ "dist-tags": { latest: "0.1.0" } });
  }, 300_000);

  it("makes, installs, builds, tests and packs a plugin project with npm create", async () => {
    const projects = join(root, "projects");
    await mkdir(projects);
    // npm create installs @plugwire/create-plugin into npm's npx cache, where a package of the
    // same version from an earlier run would stand in for it: a cache of its own here.
    await run(
      "npm",
      [
        "create",
        "@plugwire/plugin",
        "todo",
        "--",
        "--id",
        PLUGIN_ID,
        "--name",
        "Todo",
        "--description",
        "Keeps todos.",
        "--yes",
      ],
      {
        cwd: projects,
        env: { ...consumerEnv, npm_config_yes: "true", npm_config_cache: join(root, "npx-cache") },
      },
    );
    const project = join(projects, "todo");
    await run("npm", ["install"], { cwd: project, env: consumerEnv });
    await expectInstalledAsPublished(project, [
      "@plugwire/sdk",
      "@plugwire/testing",
      "@plugwire/plugin-cli",
      "@plugwire/host",
    ]);
    await run("npm", ["run", "build"], { cwd: project, env: consumerEnv });
    await run("npm", ["run", "typecheck"], { cwd: project, env: consumerEnv });
    const test = await run("npm", ["test"], { cwd: project, env: { ...consumerEnv, CI: "true" } });
    expect(test.output).toMatch(/Tests\s+\d+ passed/);
    await run("npm", ["run", "pack"], { cwd: project, env: consumerEnv });
    expect(await readdir(join(project, "dist"))).toContain(`${PLUGIN_ID}-0.1.0.tar.gz`);
  }, 600_000);

  it("deploys the packed plugin to a host installed from the registry, and drives it over REST", async () => {
    const server = join(root, "server");
    await mkdir(server);
    await writeFile(
      join(server, "package.json"),
      JSON.stringify({ name: "plugwire-server", private: true, type: "module" }),
    );
    await run("npm", ["install", "@plugwire/host"], { cwd: server, env: consumerEnv });
    await expectInstalledAsPublished(server, [
      "@plugwire/host",
      "@plugwire/console",
      "@plugwire/errors",
      "@plugwire/protocol",
    ]);
    const serve = spawn(
      join(server, "node_modules/.bin/plugwire"),
      ["serve", "--data", join(server, "data"), "--port", "0"],
      {
        cwd: server,
        env: cleanEnv({
          PLUGWIRE_ADMIN_USERNAME: ADMIN.username,
          PLUGWIRE_ADMIN_PASSWORD: ADMIN.password,
        }),
      },
    );
    let output = "";
    serve.stdout.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
    serve.stderr.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
    try {
      await expect.poll(() => output, { timeout: 60_000 }).toContain("Press Ctrl+C to stop.");
      const url = /serving the REST API on (http:\/\/\S+)/.exec(output)?.[1] as string;
      const login = await fetch(`${url}/api/v4/users/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login_id: ADMIN.username, password: ADMIN.password }),
      });
      expect(login.status).toBe(200);
      const token = login.headers.get("token") as string;
      const api = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${url}/api/v4${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };

      await run("npm", ["run", "deploy"], {
        cwd: join(root, "projects/todo"),
        env: { ...consumerEnv, PLUGWIRE_URL: url, PLUGWIRE_TOKEN: token },
      });
      const statuses = await api("GET", "/plugins/statuses");
      expect(statuses.body).toEqual(
        expect.arrayContaining([expect.objectContaining({ plugin_id: PLUGIN_ID, state: 2 })]),
      );

      const team = await api("POST", "/teams", {
        name: "consumers",
        display_name: "Consumers",
        type: "O",
      });
      expect(team.status).toBe(201);
      const channel = await api("POST", "/channels", {
        team_id: team.body.id,
        name: "trying",
        display_name: "Trying",
        type: "O",
      });
      expect(channel.status).toBe(201);
      const command = async () =>
        api("POST", "/commands/execute", { channel_id: channel.body.id, command: `/${TRIGGER}` });
      const route = async () =>
        (await fetch(`${url}/plugins/${PLUGIN_ID}/api/greeting`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((response) => response.json())) as { greeting: string };

      expect((await command()).body).toMatchObject({ text: `Hello, @${ADMIN.username}!` });
      expect(await route()).toMatchObject({ greeting: "Hello" });

      // The setting, saved over REST, reaches the running plugin.
      expect((await api("PUT", `/plugins/${PLUGIN_ID}/config`, { greeting: "Hej" })).status).toBe(
        200,
      );
      await expect.poll(async () => (await route()).greeting).toBe("Hej");
      expect((await command()).body).toMatchObject({ text: `Hej, @${ADMIN.username}!` });
    } finally {
      serve.kill("SIGTERM");
      await once(serve, "exit");
    }
  }, 600_000);
});

/** Each of `names` is installed in `dir` from the very tarball the first spec published. */
async function expectInstalledAsPublished(dir: string, names: string[]): Promise<void> {
  const lock = JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8"));
  for (const name of names) {
    const { version, integrity } = published.get(name) ?? {};
    expect(lock.packages[`node_modules/${name}`], name).toMatchObject({ version, integrity });
  }
}

/** The files a package.json's exports, types and bin point at, as they must be in its tarball. */
function shippedTargets(pkg: {
  exports?: Record<string, Record<string, string>>;
  types?: string;
  bin?: Record<string, string>;
}): string[] {
  const targets = new Set<string>();
  for (const conditions of Object.values(pkg.exports ?? {})) {
    for (const [condition, target] of Object.entries(conditions)) {
      // The workspace's own condition points at sources, for this repository's tests only.
      if (condition !== "@plugwire/source") targets.add(target);
    }
  }
  if (pkg.types !== undefined) targets.add(pkg.types);
  for (const target of Object.values(pkg.bin ?? {})) targets.add(target);
  return [...targets].map((target) => target.replace(/^\.\//, ""));
}
