// The SDK's cluster helpers (`this.cluster`) against the fake backend, which runs the host's
// real KV store: two Cluster objects on one backend stand for a plugin's copies on two hosts.
import { Cluster, Logger } from "@plugwire/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakePluginAPI, type FakePluginAPI } from "./fake-api/fake-plugin-api.js";

let backend: FakePluginAPI;
let copies: Cluster[];

beforeEach(async () => {
  backend = await createFakePluginAPI();
  const logger = new Logger(() => undefined);
  copies = [new Cluster(backend.client(), logger), new Cluster(backend.client(), logger)];
});

afterEach(async () => {
  await Promise.all(copies.map((copy) => copy.close()));
  await backend.close();
});

describe("cluster locks", () => {
  it("are held by one copy at a time", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    const held = await a.lock("report");
    expect(await b.tryLock("report")).toBeUndefined();
    expect(await b.tryLock("other")).toBeDefined();
    await held.unlock();
    expect(await b.tryLock("report")).toBeDefined();
    expect(await a.tryLock("report")).toBeUndefined();
  });

  it("make lock() wait until the holder unlocks, and give up when aborted", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    const held = await a.lock("report");
    const aborted = new AbortController();
    const giveUp = b.lock("report", { signal: aborted.signal });
    aborted.abort(new Error("not now"));
    await expect(giveUp).rejects.toThrow("not now");
    const waiting = b.lock("report");
    let taken = false;
    void waiting.then(() => {
      taken = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(taken).toBe(false);
    await held.unlock();
    await waiting;
    expect(taken).toBe(true);
  });

  it("free themselves 15 s after their holder stopped renewing them", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    await a.lock("report");
    backend.clock.advance(14_000);
    expect(await b.tryLock("report")).toBeUndefined();
    backend.clock.advance(2_000);
    expect(await b.tryLock("report")).toBeDefined();
  });

  it("are all freed by close(), as when the plugin stops", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    await a.lock("one");
    await a.lock("two");
    await a.close();
    expect(await b.tryLock("one")).toBeDefined();
    expect(await b.tryLock("two")).toBeDefined();
  });
});

describe("cluster jobs", () => {
  it("run once per interval across the copies, never two at once", async () => {
    const runs: { copy: number; start: number; end: number }[] = [];
    let running = 0;
    let overlapped = false;
    for (const [index, copy] of copies.entries()) {
      copy.schedule("tick", 100, async () => {
        running += 1;
        overlapped ||= running > 1;
        const start = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 5));
        runs.push({ copy: index, start, end: Date.now() });
        running -= 1;
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await Promise.all(copies.map((copy) => copy.close()));
    expect(overlapped).toBe(false);
    // About one run per 100 ms (the first at once), not one per copy.
    expect(runs.length).toBeGreaterThanOrEqual(7);
    expect(runs.length).toBeLessThanOrEqual(12);
    for (let i = 1; i < runs.length; i++) {
      expect((runs[i]?.start ?? 0) - (runs[i - 1]?.end ?? 0)).toBeGreaterThanOrEqual(90);
    }
  });

  it("stop at close(), and refuse an interval that is not positive", async () => {
    const [a] = copies as [Cluster];
    let count = 0;
    const job = a.schedule("once", 60_000, () => {
      count += 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await job.close();
    expect(count).toBe(1);
    expect(() => a.schedule("bad", 0, () => undefined)).toThrow(RangeError);
  });
});
