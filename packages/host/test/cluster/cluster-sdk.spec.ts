// The SDK's cluster helpers (`this.cluster`, packages/sdk/src/cluster) on a real cluster: two
// `plugwire serve` processes on one PostgreSQL database, each running its own copy of the probe
// plugin test-fixtures/cluster-sdk (its header says what it does), as separate processes on
// real sockets. The lock is held by one copy at a time, freed when its holder's plugin stops
// and, when its host dies, once it expires; the job runs once a second across both hosts, also
// while a host restarts. Build first: `npx nx run-many -t build`.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  postgresUnderTest,
  TestSchemas,
} from "../../test-fixtures/postgres/postgres-test-database.js";
import { type ClusterNode, loginAdmin, startClusterNode } from "./cluster-nodes.js";

const plugins = fileURLToPath(new URL("../../test-fixtures/cluster-sdk", import.meta.url));
const server = postgresUnderTest();
const serverUrl = "url" in server ? server.url : "";
const unavailable =
  "unavailable" in server ? ` (SKIPPED: ${server.unavailable.split("\n")[0]})` : "";

/** The job's interval in the probe plugin. */
const EVERY_MS = 1_000;

interface Run {
  start: number;
  end: number;
  copy: string;
}

interface LockState {
  copy: string;
  holding: boolean;
  waiting: boolean;
}

describe.skipIf(serverUrl === "")(`this.cluster on two hosts${unavailable}`, () => {
  let schemas: TestSchemas;
  let databaseUrl: string;
  let root: string;
  const started: ClusterNode[] = [];
  let a: ClusterNode;
  let b: ClusterNode;
  let token: string;

  async function start(name: string): Promise<ClusterNode> {
    const node = await startClusterNode({ name, root, plugins, databaseUrl });
    started.push(node);
    return node;
  }

  /** Calls the probe plugin's copy on `node`; waits for the plugin to be up after a start. */
  async function probe<T>(node: ClusterNode, route: string, method = "GET"): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${node.url}/plugins/test.cluster-sdk/${route}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status === 200) return (await response.json()) as T;
      if (attempt === 50) {
        throw new Error(`${route} on ${node.name}: ${response.status} ${await response.text()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const state = (node: ClusterNode) => probe<LockState>(node, "state");
  const runs = (node: ClusterNode) => probe<Run[]>(node, "runs");

  /** Checks that no two runs overlapped and each began a full interval after the last ended. */
  function expectOncePerInterval(recorded: Run[]): void {
    for (let i = 1; i < recorded.length; i++) {
      const previous = recorded[i - 1] as Run;
      const run = recorded[i] as Run;
      expect(run.start - previous.end, `run ${i} after run ${i - 1}`).toBeGreaterThanOrEqual(
        EVERY_MS - 5,
      );
    }
  }

  beforeAll(async () => {
    schemas = new TestSchemas(serverUrl);
    databaseUrl = await schemas.freshUrl();
    root = await realpath(await mkdtemp(join(tmpdir(), "plugwire-cluster-sdk-")));
    a = await start("a");
    b = await start("b");
    token = await loginAdmin(a);
  }, 90_000);

  afterAll(async () => {
    for (const node of started) {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill("SIGKILL");
      }
    }
    await Promise.all(started.map((node) => node.exited));
    await rm(root, { recursive: true, force: true });
    await schemas?.dropAll();
  });

  it("runs the scheduled job once per interval across both hosts, never twice at once", async () => {
    const copies = new Set([(await state(a)).copy, (await state(b)).copy]);
    expect(copies.size).toBe(2);
    await expect.poll(async () => (await runs(a)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = (await runs(a)).length;
    await new Promise((resolve) => setTimeout(resolve, 6 * EVERY_MS));
    const recorded = await runs(b);
    // One run a second (each 50 ms long) on the two hosts together, not one per host.
    expect(recorded.length - first).toBeGreaterThanOrEqual(4);
    expect(recorded.length - first).toBeLessThanOrEqual(7);
    expectOncePerInterval(recorded);
    for (const run of recorded) expect(copies).toContain(run.copy);
  }, 30_000);

  it("holds the lock on one host at a time: the other waits until it is unlocked", async () => {
    await probe(a, "acquire", "POST");
    await expect.poll(async () => (await state(a)).holding).toBe(true);
    await probe(b, "acquire", "POST");
    // B looks about once a second; it must not get the lock A holds.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await state(b)).toMatchObject({ holding: false, waiting: true });
    expect(await state(a)).toMatchObject({ holding: true });
    await probe(a, "release", "POST");
    await expect.poll(async () => (await state(b)).holding, { timeout: 5_000 }).toBe(true);
    expect((await state(a)).holding).toBe(false);
    const taken = await probe<string[]>(a, "keys?prefix=taken:");
    expect(taken.map((key) => key.split(":")[2])).toEqual([
      (await state(a)).copy,
      (await state(b)).copy,
    ]);
  }, 30_000);

  it("frees the lock when its holder's plugin stops (B shut down), well before it would expire", async () => {
    expect((await state(b)).holding).toBe(true);
    await probe(a, "acquire", "POST");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await state(a)).holding).toBe(false);
    const stopping = Date.now();
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
    await expect.poll(async () => (await state(a)).holding, { timeout: 5_000 }).toBe(true);
    // Freed at the plugin's stop, not after the 15 s expiry.
    expect(Date.now() - stopping).toBeLessThan(8_000);
  }, 30_000);

  it("keeps the job to once per interval while a host restarts (its copy reads when the job last ran)", async () => {
    const before = (await runs(a)).length;
    b = await start("b");
    await state(b); // its plugin is up
    await new Promise((resolve) => setTimeout(resolve, 4 * EVERY_MS));
    const recorded = await runs(b);
    expect(recorded.length).toBeGreaterThan(before);
    expectOncePerInterval(recorded);
  }, 60_000);

  it("frees the lock of a host that dies once it expires (15 s after its last renewal)", async () => {
    expect((await state(a)).holding).toBe(true);
    await probe(b, "acquire", "POST");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await state(b)).holding).toBe(false);
    const killed = Date.now();
    a.child.kill("SIGKILL");
    await a.exited;
    // The host is gone and its plugin with it: nobody unlocks, nobody renews.
    await expect.poll(async () => (await state(b)).holding, { timeout: 30_000 }).toBe(true);
    const waited = Date.now() - killed;
    // Renewed every 7.5 s with a 15 s expiry: free between 7.5 and 15 s after the kill (plus
    // B's polling).
    expect(waited).toBeGreaterThan(6_000);
    expect(waited).toBeLessThan(22_000);
    // The job, whose lock may have died with A too, runs on B from then on.
    const count = (await runs(b)).length;
    await expect
      .poll(async () => (await runs(b)).length, { timeout: 20_000 })
      .toBeGreaterThan(count + 1);
    expectOncePerInterval(await runs(b));
  }, 60_000);
});
