// The SDK's cluster helpers (`this.cluster`) against the fake backend, which runs the host's
// real KV store: two Cluster objects on one backend, and two harnesses sharing one backend,
// stand for a plugin's copies on two hosts.
import { Cluster, HookName, hook, Logger, Plugin } from "@plugwire/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakePluginAPI, type FakePluginAPI } from "./fake-api/fake-plugin-api.js";
import { createPluginHarness } from "./harness/plugin-harness.js";

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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("cluster locks", () => {
  it("are held by one copy at a time, under the KV key mutex_<name>", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    const held = await a.lock("report");
    expect(held.held).toBe(true);
    expect(await backend.client().kvGet("mutex_report")).toBeDefined();
    expect(await b.tryLock("report")).toBeUndefined();
    expect(await a.tryLock("report")).toBeUndefined();
    expect(await b.tryLock("other")).toBeDefined();
    await held.unlock();
    expect(held.held).toBe(false);
    expect(await backend.client().kvGet("mutex_report")).toBeUndefined();
    expect(await b.tryLock("report")).toBeDefined();
    expect(await a.tryLock("report")).toBeUndefined();
    await expect(a.lock("")).rejects.toThrow(RangeError);
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
    await pause(300);
    expect(taken).toBe(false);
    await held.unlock();
    // The waiter looks again about once a second (± 250 ms).
    await waiting;
    expect(taken).toBe(true);
  });

  it("free themselves 15 s after their holder stopped renewing them", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    const stale = await a.lock("report");
    backend.clock.advance(14_000);
    expect(await b.tryLock("report")).toBeUndefined();
    backend.clock.advance(2_000);
    const taken = await b.tryLock("report");
    expect(taken).toBeDefined();
    // The copy whose lock expired cannot free the new holder's.
    await stale.unlock();
    expect(await a.tryLock("report")).toBeUndefined();
  });

  it("are all freed by close(), as when the plugin stops, and waiting lock() calls give up", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    await a.lock("one");
    await a.lock("two");
    await b.lock("three");
    const waiting = a.lock("three");
    await a.close();
    await expect(waiting).rejects.toThrow("the plugin is stopping");
    expect(await b.tryLock("one")).toBeDefined();
    expect(await b.tryLock("two")).toBeDefined();
    // Usable again after close(), as a plugin activated again.
    expect(await a.tryLock("four")).toBeDefined();
  });
});

describe("cluster jobs", () => {
  it("run once per interval across the copies, never two at once", async () => {
    const runs: { copy: number; start: number; end: number }[] = [];
    let running = 0;
    let overlapped = false;
    for (const [index, copy] of copies.entries()) {
      copy.schedule("tick", 200, async () => {
        running += 1;
        overlapped ||= running > 1;
        const start = Date.now();
        await pause(5);
        runs.push({ copy: index, start, end: Date.now() });
        running -= 1;
      });
    }
    await pause(2_100);
    await Promise.all(copies.map((copy) => copy.close()));
    expect(overlapped).toBe(false);
    // About one run per 200 ms (the first at once), not one per copy.
    expect(runs.length).toBeGreaterThanOrEqual(7);
    expect(runs.length).toBeLessThanOrEqual(12);
    for (let i = 1; i < runs.length; i++) {
      expect((runs[i]?.start ?? 0) - (runs[i - 1]?.end ?? 0)).toBeGreaterThanOrEqual(190);
    }
  });

  it("keep when they last finished in KV, so a copy started later does not run early", async () => {
    const [a, b] = copies as [Cluster, Cluster];
    let count = 0;
    const job = a.schedule("daily", 60_000, () => {
      count += 1;
    });
    await pause(100);
    await job.close();
    expect(count).toBe(1);
    const metadata = await backend.client().kvGetJSON<{ LastFinished: string }>("cron_daily");
    expect(Date.now() - Date.parse(metadata?.LastFinished ?? "")).toBeLessThan(1_000);
    // The lock the job ran under is freed.
    expect(await backend.client().kvGet("mutex_cron_daily")).toBeUndefined();
    b.schedule("daily", 60_000, () => {
      count += 1;
    });
    await pause(200);
    expect(count).toBe(1);
    // Metadata in Mattermost's form (a Go plugin's, say) counts as well.
    await backend
      .client()
      .kvSetJSON("cron_hourly", { LastFinished: "2000-01-01T00:00:00.123456789Z" });
    b.schedule("hourly", 3_600_000, () => {
      count += 10;
    });
    await pause(200);
    expect(count).toBe(11);
  });

  it("count a run that throws as run, and refuse an interval that is not positive", async () => {
    const [a] = copies as [Cluster];
    const logs: string[] = [];
    const logged = new Cluster(backend.client(), new Logger((entry) => logs.push(entry.msg)));
    copies.push(logged);
    let count = 0;
    logged.schedule("failing", 150, () => {
      count += 1;
      throw new Error("boom");
    });
    await pause(400);
    // Ran at once and again 150 ms after each failure: it was not retried sooner.
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(3);
    expect(logs).toContain("cluster job failed");
    expect(() => a.schedule("bad", 0, () => undefined)).toThrow(RangeError);
    expect(() => a.schedule("bad", Number.NaN, () => undefined)).toThrow(RangeError);
  });
});

/** A plugin that holds the lock "import" while active and counts a job's runs in KV. */
class Importer extends Plugin {
  @hook(HookName.OnActivate)
  async activate() {
    await this.cluster.lock("import");
    this.cluster.schedule("count", 150, async () => {
      const runs = (await this.api.kvGetJSON<number>("runs")) ?? 0;
      await this.api.kvSetJSON("runs", runs + 1);
    });
  }
}

describe("two copies of a plugin in harnesses sharing one backend", () => {
  it("hold the lock one at a time, freed when the holder is deactivated", async () => {
    await using first = await createPluginHarness(Importer);
    await using second = await createPluginHarness(Importer, { backend: first.api });
    expect(second.pluginId).toBe(first.pluginId);
    await first.activate();
    let secondActive = false;
    const activating = second.activate().then(() => {
      secondActive = true;
    });
    await pause(1_200);
    expect(secondActive).toBe(false);
    // Importer has no OnDeactivate: the harness frees its lock as the SDK does at Shutdown.
    await first.deactivate();
    await activating;
    expect(secondActive).toBe(true);
    // One count job ran on the two copies, once per interval.
    await pause(600);
    const runs = (await first.api.client().kvGetJSON<number>("runs")) ?? 0;
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(runs).toBeLessThanOrEqual(20);
  });
});

/** A plugin with an OnDeactivate of its own, which still holds its lock while that runs. */
class Holder extends Plugin {
  heldDuringDeactivate: boolean | undefined;
  private lock: Awaited<ReturnType<Cluster["lock"]>> | undefined;

  @hook(HookName.OnActivate)
  async activate() {
    this.lock = await this.cluster.lock("holder");
  }

  @hook(HookName.OnDeactivate)
  deactivate() {
    this.heldDuringDeactivate = this.lock?.held;
  }
}

describe("a plugin's own OnDeactivate", () => {
  it("runs while its locks are held; the SDK frees them after it", async () => {
    await using t = await createPluginHarness(Holder);
    await t.activate();
    expect(await t.api.client().kvGet("mutex_holder")).toBeDefined();
    // The hook itself, as the host calls it (not the harness's deactivate()).
    await t.hooks.OnDeactivate();
    expect(t.plugin.heldDuringDeactivate).toBe(true);
    expect(await t.api.client().kvGet("mutex_holder")).toBeUndefined();
  });
});
