// File bytes in a folder on disk, one file per id. A write streams into a temporary file in
// the same folder, flushes it to disk and renames it into place, so a reader sees either
// the whole file or none of it, and an upload that fails half-way leaves nothing behind.

import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { ValidationError } from "@plugwire/errors";
import { fileNotFound, requirePositiveChunkSize } from "./file-checks.js";
import type { FileStore } from "./file-store.js";

export class LocalFileStore implements FileStore {
  constructor(private readonly dir: string) {}

  async write(fileId: string, data: AsyncIterable<Uint8Array>): Promise<number> {
    const target = this.pathOf(fileId);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = join(this.dir, `.${fileId}.${randomBytes(6).toString("hex")}.partial`);
    const handle = await open(temporary, "wx", 0o600);
    let size = 0;
    try {
      await pipeline(
        async function* countBytes() {
          for await (const chunk of data) {
            size += chunk.byteLength;
            yield chunk;
          }
        },
        // flush: the bytes reach the disk before the rename makes the file visible.
        handle.createWriteStream({ flush: true }),
      );
      await rename(temporary, target);
    } catch (error) {
      // The stream closes the handle when it ends or fails; this covers a failure before it.
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
    return size;
  }

  async *read(fileId: string, chunkSize: number): AsyncIterable<Uint8Array> {
    requirePositiveChunkSize(chunkSize);
    const handle = await open(this.pathOf(fileId), "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? fileNotFound(fileId) : error;
    });
    try {
      for (;;) {
        // A fresh buffer per chunk: the reader may keep a chunk after asking for the next.
        const chunk = Buffer.allocUnsafe(chunkSize);
        const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
        if (bytesRead === 0) {
          return;
        }
        yield chunk.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }

  async writeAt(fileId: string, offset: number, data: AsyncIterable<Uint8Array>): Promise<number> {
    const target = this.pathOf(fileId);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await open(target, offset === 0 ? "w" : "r+", 0o600).catch(
      (error: NodeJS.ErrnoException) => {
        throw error.code === "ENOENT" ? fileNotFound(fileId) : error;
      },
    );
    let size = 0;
    try {
      await handle.truncate(offset);
      await pipeline(
        async function* countBytes() {
          for await (const chunk of data) {
            size += chunk.byteLength;
            yield chunk;
          }
        },
        handle.createWriteStream({ start: offset, flush: true }),
      );
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return size;
  }

  async remove(fileId: string): Promise<void> {
    await rm(this.pathOf(fileId), { force: true });
  }

  private pathOf(fileId: string): string {
    // Ids become file names, so nothing that could leave the folder or hide a file is allowed.
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(fileId)) {
      throw new ValidationError({
        id: "store.file.invalid_id",
        message: `File id "${fileId}" is not 1 to 64 letters, digits, "-" or "_"; use an id from newId().`,
        params: { field: "file_id" },
      });
    }
    return join(this.dir, fileId);
  }
}
