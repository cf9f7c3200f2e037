// Two real SDK plugins under one real host: each reaches the store through the Plugin API
// with its own identity, neither reads the other's KV keys, a forged or missing token is
// refused, and no host secret reaches a plugin's environment.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHost, type Host } from "../../src/host.js";
import { ManifestError } from "../../src/manifest/manifest-error.js";
import { MemoryFileStore } from "../../src/store/memory-file-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../test-fixtures/e2e");
const writer = "com.test.kv-writer";
const reader = "com.test.kv-reader";
const text = (bytes: Uint8Array | undefined) =>
  bytes ? new TextDecoder().decode(bytes) : undefined;

let dataDir: string;
let host: Host;

beforeAll(async () => {
  process.env.PLUGWIRE_E2E_HOST_SECRET = "must-not-leak";
  dataDir = await mkdtemp(join(tmpdir(), "pw-e2e-"));
  host = await createHost({
    store: await openSqliteStore({ path: join(dataDir, "plugwire.db") }),
    files: new MemoryFileStore(),
    log: () => {},
  });
  await host.loadPlugin(join(fixtures, "kv-writer"));
  await host.loadPlugin(join(fixtures, "kv-reader"));
  await host.enablePlugin(writer);
  await host.enablePlugin(reader);
  await host.app.savePluginConfig({}, reader, { probe: true });
  await host.app.settled();
});

afterAll(async () => {
  delete process.env.PLUGWIRE_E2E_HOST_SECRET;
  await host?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function observed(): Promise<Record<string, unknown>> {
  const raw = text(await host.store.kvGet(reader, "observed"));
  expect(raw, "the reader plugin recorded nothing").toBeDefined();
  return JSON.parse(raw as string);
}

describe("the Plugin API", () => {
  it("writes a plugin's KV calls to the store under that plugin's id", async () => {
    expect(text(await host.store.kvGet(writer, "secret"))).toBe("from-writer");
    expect(await host.store.kvGet(reader, "secret")).toBeUndefined();
  });

  it("never lets one plugin read another's keys", async () => {
    const seen = await observed();
    expect(seen.secret).toBeNull();
    expect(seen.keys).toEqual([]);
  });

  it("refuses a forged token and a missing token as Unauthenticated", async () => {
    const seen = await observed();
    expect(seen.forgedToken).toBe("UnauthenticatedError");
    expect(seen.noToken).toBe("UnauthenticatedError");
  });
});

describe("the plugin's environment", () => {
  it("does not carry the host's variables", async () => {
    expect((await observed()).envHasHostSecret).toBe(false);
  });
});

describe("loading", () => {
  it("refuses a manifest whose executable points outside the plugin folder", async () => {
    const attempt = host.loadPlugin(join(fixtures, "escaping"));
    await expect(attempt).rejects.toBeInstanceOf(ManifestError);
    await expect(attempt).rejects.toMatchObject({ field: "server.executable" });
    expect(host.statuses().map((s) => s.id)).not.toContain("com.test.escaping");
  });
});
