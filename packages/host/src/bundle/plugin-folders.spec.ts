// The plugins folder changes only by renames, so a reader never sees half a plugin.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moveFolder, removeFolder, replaceFolder } from "./plugin-folders.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "plugwire-folders-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function folderWith(path: string, content: string): Promise<string> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, "file.txt"), content);
  return path;
}

describe("moveFolder", () => {
  it("renames within a file system", async () => {
    const source = await folderWith(join(root, "staged"), "new");
    await moveFolder(source, join(root, "plugin"));
    expect(await readdir(root)).toEqual(["plugin"]);
  });

  // /dev/shm is a tmpfs on Linux, so a rename from there to tmpdir() crosses file systems.
  it.skipIf(!existsSync("/dev/shm"))(
    "copies across file systems next to the target, then renames, leaving nothing hidden",
    async () => {
      const elsewhere = await mkdtemp("/dev/shm/plugwire-folders-");
      try {
        const source = await folderWith(join(elsewhere, "staged"), "new");
        await moveFolder(source, join(root, "plugin"));
        expect(await readdir(root)).toEqual(["plugin"]);
        expect(await readFile(join(root, "plugin", "file.txt"), "utf8")).toBe("new");
      } finally {
        await rm(elsewhere, { recursive: true, force: true });
      }
    },
  );
});

describe("replaceFolder", () => {
  it("puts the new folder in place of the old and deletes the old", async () => {
    await folderWith(join(root, "plugin"), "old");
    const source = await folderWith(join(root, "staged"), "new");

    await replaceFolder(source, join(root, "plugin"));

    expect(await readdir(root)).toEqual(["plugin"]);
    expect(await readFile(join(root, "plugin", "file.txt"), "utf8")).toBe("new");
  });

  it("puts the old folder back when the new one cannot be moved", async () => {
    await folderWith(join(root, "plugin"), "old");

    await expect(replaceFolder(join(root, "missing"), join(root, "plugin"))).rejects.toThrow();

    expect(await readdir(root)).toEqual(["plugin"]);
    expect(await readFile(join(root, "plugin", "file.txt"), "utf8")).toBe("old");
  });
});

describe("removeFolder", () => {
  it("deletes the folder, and does nothing for one already gone", async () => {
    await folderWith(join(root, "plugin"), "old");
    await removeFolder(join(root, "plugin"));
    await removeFolder(join(root, "plugin"));
    expect(await readdir(root)).toEqual([]);
  });
});
