// `plugwire serve` processes on one PostgreSQL database, for the multi-node specs: the built
// CLI (build first: `npx nx run-many -t build`) as a child process per node, each with its own
// data folder and a free port, all loading one plugins folder and sharing one files folder
// (two-nodes.spec.ts and cluster-sdk.spec.ts start their hosts with it).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const mainJs = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("../../../..", import.meta.url));

/** The administrator every node creates at its first start (the first one wins). */
export const CLUSTER_ADMIN = {
  PLUGWIRE_ADMIN_USERNAME: "root",
  PLUGWIRE_ADMIN_PASSWORD: "cluster-admin-pw",
};

export interface ClusterNode {
  name: string;
  child: ChildProcess;
  /** Where its REST API is served, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  /** Its exit code, once it exited (null when a signal ended it). */
  exited: Promise<number | null>;
}

export interface ClusterNodeOptions {
  name: string;
  /** The folder under which the node's data folder and the shared files folder are made. */
  root: string;
  /** The folder of plugins it loads. */
  plugins: string;
  databaseUrl: string;
}

/** Starts a node and resolves once it serves. */
export async function startClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  const { name, root } = options;
  const child = spawn(
    process.execPath,
    [
      mainJs,
      "serve",
      "--data",
      join(root, name),
      "--plugins",
      options.plugins,
      "--plugin-read-path",
      repositoryRoot,
      "--files",
      join(root, "shared-files"),
      "--port",
      "0",
      "--rate-limit",
      "off",
    ],
    {
      env: { ...process.env, ...CLUSTER_ADMIN, PLUGWIRE_DATABASE_URL: options.databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8").on("data", (text: string) => {
      output += text;
    });
  }
  const exited = once(child, "exit").then(([code]) => code as number | null);
  // Also called from beforeAll, where expect.poll is not allowed.
  for (const deadline = Date.now() + 30_000; !output.includes("Press Ctrl+C to stop."); ) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`host ${name} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /serving the REST API on (http:\/\/\S+)/.exec(output)?.[1] as string;
  return { name, child, url, output: () => output, exited };
}

/** Logs the administrator in on `node` and answers the session token. */
export async function loginAdmin(node: ClusterNode): Promise<string> {
  const login = await fetch(`${node.url}/api/v4/users/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      login_id: CLUSTER_ADMIN.PLUGWIRE_ADMIN_USERNAME,
      password: CLUSTER_ADMIN.PLUGWIRE_ADMIN_PASSWORD,
    }),
  });
  const token = login.headers.get("token");
  if (login.status !== 200 || token === null) {
    throw new Error(`login on ${node.name} answered ${login.status}: ${await login.text()}`);
  }
  return token;
}
