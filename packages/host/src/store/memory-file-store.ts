// File bytes in memory, for tests and embedders that keep nothing on disk. It follows the
// same contract as LocalFileStore (file-store.spec.ts runs against both).

import { fileNotFound, requirePositiveChunkSize } from "./file-checks.js";
import type { FileStore } from "./file-store.js";

export class MemoryFileStore implements FileStore {
  private readonly files = new Map<string, Uint8Array>();

  async write(fileId: string, data: AsyncIterable<Uint8Array>): Promise<number> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) {
      chunks.push(chunk.slice());
    }
    // Stored only once the data ended, so a failed write leaves nothing, as on disk.
    const content = Buffer.concat(chunks);
    this.files.set(fileId, content);
    return content.byteLength;
  }

  async *read(fileId: string, chunkSize: number): AsyncIterable<Uint8Array> {
    requirePositiveChunkSize(chunkSize);
    const content = this.files.get(fileId);
    if (content === undefined) {
      throw fileNotFound(fileId);
    }
    for (let offset = 0; offset < content.byteLength; offset += chunkSize) {
      yield content.slice(offset, offset + chunkSize);
    }
  }

  async writeAt(fileId: string, offset: number, data: AsyncIterable<Uint8Array>): Promise<number> {
    const held = this.files.get(fileId);
    if (held === undefined && offset > 0) {
      throw fileNotFound(fileId);
    }
    const chunks: Uint8Array[] = [(held ?? new Uint8Array()).subarray(0, offset)];
    let size = 0;
    for await (const chunk of data) {
      chunks.push(chunk.slice());
      size += chunk.byteLength;
    }
    this.files.set(fileId, Buffer.concat(chunks));
    return size;
  }

  async remove(fileId: string): Promise<void> {
    this.files.delete(fileId);
  }
}
