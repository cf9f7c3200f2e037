// Where file bytes live; their metadata lives in the Store. Kept apart from the Store so a
// large file never passes through the database and an object store can replace the folder.

export interface FileStore {
  /** Writes the bytes of a file under its id and returns the number of bytes written. */
  write(fileId: string, data: AsyncIterable<Uint8Array>): Promise<number>;
  /** Reads a file's bytes in chunks of at most chunkSize. NotFoundError when missing. */
  read(fileId: string, chunkSize: number): AsyncIterable<Uint8Array>;
  remove(fileId: string): Promise<void>;
}
