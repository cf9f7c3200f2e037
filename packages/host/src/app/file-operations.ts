// Uploaded files: the bytes stream into the FileStore as they arrive, so a file never sits whole
// in memory, and its metadata is stored only once every byte is. Files belong to a channel
// until a post in it lists them (PostOperations.createPost links them).
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type FileInfo, FileInfoSchema } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { newId } from "./ids.js";
import { mimeTypeOf } from "./mime-type.js";

/** Largest upload unless the host sets another limit: 100 MiB, Mattermost's default. */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** What an upload is and where it goes. */
export interface FileUpload {
  channelId: string;
  /** The file's name; any folder a client sent along is dropped. */
  name: string;
  /** Who the file is recorded as uploaded by ("" for a plugin without a bot). */
  creatorId: string;
  /** Largest size accepted: 413 beyond it, and nothing is kept. */
  maxBytes: number;
}

export interface FileOperations extends Pick<Store, "getFileInfo"> {
  /** Stores an upload: the bytes to the FileStore, then the metadata. The channel must exist. */
  uploadFile(
    actor: Actor,
    upload: FileUpload,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo>;
  /** The file's bytes, in chunks of at most chunkBytes. */
  readFile(fileId: string, chunkBytes: number): AsyncIterable<Uint8Array>;
}

export class Files implements Omit<FileOperations, "getFileInfo"> {
  constructor(private readonly core: AppCore) {}

  async uploadFile(
    _actor: Actor,
    upload: FileUpload,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo> {
    const name = baseName(upload.name);
    // A missing channel is refused before any byte is stored.
    await this.core.store.getChannel(upload.channelId);
    const fileId = newId();
    const size = await this.core.files.write(fileId, capped(content, upload.maxBytes));
    const extension = extensionOf(name);
    try {
      return await this.core.store.saveFileInfo(
        create(FileInfoSchema, {
          id: fileId,
          creatorId: upload.creatorId,
          channelId: upload.channelId,
          name,
          extension,
          size: BigInt(size),
          mimeType: mimeTypeOf(extension),
        }),
      );
    } catch (error) {
      await this.core.files.remove(fileId);
      throw error;
    }
  }

  readFile(fileId: string, chunkBytes: number): AsyncIterable<Uint8Array> {
    return this.core.files.read(fileId, chunkBytes);
  }
}

/** The content, refused with 413 once it passes maxBytes. */
async function* capped(
  content: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of content) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new ValidationError({
        id: "api.upload_file.too_large",
        message: `The file is larger than the ${maxBytes}-byte upload limit; upload a smaller file.`,
        statusCode: 413,
        params: { field: "data", max_bytes: maxBytes },
      });
    }
    yield chunk;
  }
}

/** The name without any folder a client may have sent along. */
function baseName(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
  if (base === "") {
    throw new ValidationError({
      message: `"${name}" names a folder, not a file; give the file's name.`,
      params: { field: "name" },
    });
  }
  return base;
}

/** Lower-case extension without the dot; empty when the name has none. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}
