// A host given its own clock computes KV expiry with it, so tests can move time forward
// instead of waiting: the plugin's key expires when the host's clock says so.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHost, type Host } from "../../src/host.js";
import { MemoryFileStore } from "../../src/store/memory-file-store.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../test-fixtures/e2e");
const writer = "com.test.kv-writer";
let time = 1_700_000_000_000;
let dataDir: string;
let host: Host;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pw-clock-"));
  host = await createHost({
    dataDir,
    files: new MemoryFileStore(),
    now: () => time,
    log: () => {},
  });
  await host.loadPlugin(join(fixtures, "kv-writer"));
  await host.enablePlugin(writer);
});

afterAll(async () => {
  await host?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it("expires a plugin's KV key when the host's clock passes its expiry", async () => {
  expect(await host.store.kvGet(writer, "for-a-minute")).toBeDefined();
  time += 59_000;
  expect(await host.store.kvGet(writer, "for-a-minute")).toBeDefined();
  time += 2_000;
  expect(await host.store.kvGet(writer, "for-a-minute")).toBeUndefined();
  expect(await host.store.kvGet(writer, "secret")).toBeDefined();
});
