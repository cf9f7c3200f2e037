import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cleanup } from "../../test-fixtures/supervisor/fixtures.js";
import { PluginUsers } from "./plugin-users.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function idsFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pw-users-"));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  return join(dir, "data", "plugin-ids.json");
}

describe("PluginUsers", () => {
  it("gives each plugin its own id from the range, kept across host starts", async () => {
    const file = await idsFile();
    const users = await PluginUsers.open(file, { first: 70_000, count: 2 });
    expect(await users.userFor("a")).toEqual({ uid: 70_000, gid: 70_000 });
    expect(await users.userFor("b")).toEqual({ uid: 70_001, gid: 70_001 });
    expect(await users.userFor("a")).toEqual({ uid: 70_000, gid: 70_000 });
    await expect(users.userFor("c")).rejects.toThrow(
      'no free id left for plugin "c" in 70000–70001; widen the plugin id range',
    );

    const next = await PluginUsers.open(file, { first: 70_000, count: 2 });
    expect(await next.userFor("b")).toEqual({ uid: 70_001, gid: 70_001 });
  });

  it("refuses a range reaching into the system's ids", async () => {
    await expect(PluginUsers.open(await idsFile(), { first: 0, count: 10 })).rejects.toThrow(
      "must start at 1000 or above",
    );
  });
});
