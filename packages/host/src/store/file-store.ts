// Where file bytes live; their metadata lives in the Store. Kept apart from the Store so a
// large file never passes through the database and an object store can replace the folder.

export interface FileStore {
  /** Writes the bytes of a file under its id and returns the number of bytes written. */
  write(fileId: string, data: AsyncIterable<Uint8Array>): Promise<number>;
  /** Reads a file's bytes in chunks of at most chunkSize. NotFoundError when missing. */
  read(fileId: string, chunkSize: number): AsyncIterable<Uint8Array>;
  /**
   * Writes bytes into a file from byte `offset` on, dropping whatever it held from there (a part
   * of a resumable upload; the file is created when offset is 0). Not atomic: a part that fails
   * half-way leaves what arrived, and the next part, written at the recorded offset, replaces
   * it. Returns the number of bytes written.
   */
  writeAt(fileId: string, offset: number, data: AsyncIterable<Uint8Array>): Promise<number>;
  remove(fileId: string): Promise<void>;
}
