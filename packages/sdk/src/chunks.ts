// Every byte stream of the protocol (UploadFile, GetFile, ServeHTTP bodies) travels in frames
// of at most MAX_CHUNK_BYTES.
import { MAX_CHUNK_BYTES } from "@plugwire/protocol";

/** Views of `data` of at most MAX_CHUNK_BYTES each, without copying; nothing for empty data. */
export function* splitChunks(data: Uint8Array): Generator<Uint8Array> {
  if (data.byteLength <= MAX_CHUNK_BYTES) {
    if (data.byteLength > 0) {
      yield data;
    }
    return;
  }
  for (let offset = 0; offset < data.byteLength; offset += MAX_CHUNK_BYTES) {
    yield data.subarray(offset, offset + MAX_CHUNK_BYTES);
  }
}

/** Joins chunks into one array. */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) {
    return chunks[0] as Uint8Array;
  }
  let length = 0;
  for (const chunk of chunks) {
    length += chunk.byteLength;
  }
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
