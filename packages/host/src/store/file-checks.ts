// What both FileStores check and throw alike, so the two answer the same way.
import { NotFoundError, ValidationError } from "@plugwire/errors";

export function fileNotFound(fileId: string): NotFoundError {
  return new NotFoundError({
    id: "store.file.not_found",
    message: `No content is stored for file "${fileId}".`,
    params: { file_id: fileId },
  });
}

export function requirePositiveChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
    throw new ValidationError({
      id: "store.file.invalid_chunk_size",
      message: `Chunk size ${chunkSize} is not a positive integer; pass the largest chunk to read.`,
      params: { field: "chunk_size" },
    });
  }
}
