import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FileStore } from "./file-store.js";
import { LocalFileStore } from "./local-file-store.js";
import { MemoryFileStore } from "./memory-file-store.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plugwire-files-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* chunksOf(...chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* chunks;
}

async function readAll(files: FileStore, fileId: string, chunkSize: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of files.read(fileId, chunkSize)) {
    chunks.push(chunk);
  }
  return chunks;
}

describe.each([
  ["LocalFileStore", () => new LocalFileStore(join(dir, "files"))],
  ["MemoryFileStore", () => new MemoryFileStore()],
] as const)("%s", (_name, makeStore) => {
  it("gives back the bytes written, in chunks of at most the size asked for", async () => {
    const files = makeStore();
    const content = randomBytes(10_000);
    const size = await files.write("f1", chunksOf(content.subarray(0, 3), content.subarray(3)));
    expect(size).toBe(10_000);
    const chunks = await readAll(files, "f1", 4096);
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
  });

  it("stores an empty file, which reads as no chunks", async () => {
    const files = makeStore();
    expect(await files.write("empty", chunksOf())).toBe(0);
    expect(await readAll(files, "empty", 10)).toEqual([]);
  });

  it("replaces a file written again under the same id", async () => {
    const files = makeStore();
    await files.write("f1", chunksOf(Buffer.from("first version")));
    await files.write("f1", chunksOf(Buffer.from("second")));
    expect(Buffer.concat(await readAll(files, "f1", 100)).toString()).toBe("second");
  });

  it("writes parts at offsets, each replacing what the file held from its offset on", async () => {
    const files = makeStore();
    expect(await files.writeAt("u1", 0, chunksOf(Buffer.from("hello "), Buffer.from("wor")))).toBe(
      9,
    );
    // A part resent from an earlier offset replaces the tail the failed one left.
    expect(await files.writeAt("u1", 6, chunksOf(Buffer.from("there")))).toBe(5);
    expect(Buffer.concat(await readAll(files, "u1", 100)).toString()).toBe("hello there");
  });

  it("takes a part again after one failed, and refuses a later part of a file never started", async () => {
    const files = makeStore();
    async function* failing(): AsyncIterable<Uint8Array> {
      yield Buffer.from("abc");
      throw new Error("connection lost");
    }
    await expect(files.writeAt("u2", 0, failing())).rejects.toThrow("connection lost");
    await files.writeAt("u2", 0, chunksOf(Buffer.from("abcdef")));
    expect(Buffer.concat(await readAll(files, "u2", 100)).toString()).toBe("abcdef");
    await expect(files.writeAt("never", 5, chunksOf(Buffer.from("x")))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("answers NotFoundError for a missing file, and after remove", async () => {
    const files = makeStore();
    await expect(readAll(files, "missing", 10)).rejects.toBeInstanceOf(NotFoundError);
    await files.write("f1", chunksOf(Buffer.from("x")));
    await files.remove("f1");
    await expect(readAll(files, "f1", 10)).rejects.toMatchObject({ id: "store.file.not_found" });
    await files.remove("f1");
  });

  it("keeps nothing of a write whose data fails half-way", async () => {
    const files = makeStore();
    async function* failing(): AsyncIterable<Uint8Array> {
      yield Buffer.from("partial");
      throw new Error("upload broke");
    }
    await expect(files.write("f1", failing())).rejects.toThrow("upload broke");
    await expect(readAll(files, "f1", 10)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses a chunk size that is not a positive integer", async () => {
    const files = makeStore();
    await files.write("f1", chunksOf(Buffer.from("x")));
    await expect(readAll(files, "f1", 0)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("LocalFileStore on disk", () => {
  it("streams into a temporary file while the data still arrives, then renames it", async () => {
    const folder = join(dir, "files");
    const files = new LocalFileStore(folder);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slow(): AsyncIterable<Uint8Array> {
      yield Buffer.alloc(100_000, 1);
      await released;
      yield Buffer.alloc(1, 2);
    }
    const writing = files.write("f1", slow());
    await expect.poll(async () => (await readdir(folder)).length).toBe(1);
    const [partial = ""] = await readdir(folder);
    expect(partial).toMatch(/^\.f1\.[0-9a-f]+\.partial$/);
    await expect.poll(async () => (await stat(join(folder, partial))).size).toBe(100_000);
    release();
    expect(await writing).toBe(100_001);
    expect(await readdir(folder)).toEqual(["f1"]);
    expect((await readFile(join(folder, "f1"))).byteLength).toBe(100_001);
  });

  it("removes the temporary file of a failed write", async () => {
    const folder = join(dir, "files");
    const files = new LocalFileStore(folder);
    async function* failing(): AsyncIterable<Uint8Array> {
      yield Buffer.from("partial");
      throw new Error("upload broke");
    }
    await expect(files.write("f1", failing())).rejects.toThrow("upload broke");
    expect(await readdir(folder)).toEqual([]);
  });

  it("refuses ids that could leave the folder", async () => {
    const files = new LocalFileStore(join(dir, "files"));
    for (const fileId of ["../escape", "a/b", "", ".hidden"]) {
      await expect(files.write(fileId, chunksOf())).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "file_id" },
      });
    }
  });

  it("keeps files across instances on the same folder", async () => {
    await new LocalFileStore(join(dir, "files")).write("f1", chunksOf(Buffer.from("kept")));
    const chunks = await readAll(new LocalFileStore(join(dir, "files")), "f1", 10);
    expect(Buffer.concat(chunks).toString()).toBe("kept");
  });
});
