// The two streaming calls of the PluginAPI. UploadFile takes a head frame and then data
// frames, and streams them into the FileStore as they arrive, so a file never sits whole in
// memory; its metadata is stored only once every byte is. GetFile answers with the metadata
// first and then the bytes, read from the FileStore a chunk at a time.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  type FileInfo,
  FileInfoSchema,
  type GetFileResponseSchema,
  MAX_CHUNK_BYTES,
  type UploadFileRequest,
} from "@plugwire/protocol";
import type { FileStore } from "../store/file-store.js";
import { newId } from "../store/ids.js";
import type { Store } from "../store/store.js";
import { mimeTypeOf } from "./mime-type.js";
import { required } from "./request-validation.js";

/** Largest upload unless the host sets another limit: 100 MiB, Mattermost's default. */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface UploadTarget {
  store: Store;
  files: FileStore;
  maxUploadBytes: number;
  /** Who the file is recorded as uploaded by. */
  creatorId: string;
}

/** Stores an upload: bytes to the FileStore, then metadata to the Store. */
export async function receiveUpload(
  requests: AsyncIterable<UploadFileRequest>,
  target: UploadTarget,
): Promise<FileInfo> {
  const frames = requests[Symbol.asyncIterator]();
  const first = await frames.next();
  if (first.done || first.value.frame.case !== "head") {
    throw uploadError("head", "The first UploadFile frame must be the head (channel_id and name).");
  }
  const head = first.value.frame.value;
  const channelId = required(head.channelId, "head.channel_id");
  const name = baseName(required(head.name, "head.name"));
  // A missing channel is refused before any byte is stored.
  await target.store.getChannel(channelId);

  const fileId = newId();
  const size = await target.files.write(fileId, dataOf(frames, target.maxUploadBytes));
  const extension = extensionOf(name);
  try {
    return await target.store.saveFileInfo(
      create(FileInfoSchema, {
        id: fileId,
        creatorId: target.creatorId,
        channelId,
        name,
        extension,
        size: BigInt(size),
        mimeType: mimeTypeOf(extension),
      }),
    );
  } catch (error) {
    await target.files.remove(fileId);
    throw error;
  }
}

/** The data frames after the head, checked one by one while they stream through. */
async function* dataOf(
  frames: AsyncIterator<UploadFileRequest>,
  maxBytes: number,
): AsyncIterable<Uint8Array> {
  let total = 0;
  for (let next = await frames.next(); !next.done; next = await frames.next()) {
    const { frame } = next.value;
    if (frame.case === "head") {
      throw uploadError("head", "UploadFile got a second head frame; send the head once, first.");
    }
    if (frame.case !== "data") {
      throw uploadError(
        "data",
        "UploadFile got an empty frame; every frame after the head carries data.",
      );
    }
    if (frame.value.byteLength > MAX_CHUNK_BYTES) {
      throw uploadError(
        "data",
        `An UploadFile data frame has ${frame.value.byteLength} bytes; split the file into chunks of at most ${MAX_CHUNK_BYTES}.`,
      );
    }
    total += frame.value.byteLength;
    if (total > maxBytes) {
      throw new ValidationError({
        id: "api.upload_file.too_large",
        message: `The file is larger than the ${maxBytes}-byte upload limit; upload a smaller file.`,
        statusCode: 413,
        params: { field: "data", max_bytes: maxBytes },
      });
    }
    yield frame.value;
  }
}

/** GetFile's frames: the metadata, then the content in chunks of at most 64 KiB. */
export async function* sendFile(
  fileId: string,
  store: Store,
  files: FileStore,
): AsyncIterable<MessageInitShape<typeof GetFileResponseSchema>> {
  const info = await store.getFileInfo(fileId);
  yield { frame: { case: "fileInfo", value: info } };
  for await (const chunk of files.read(fileId, MAX_CHUNK_BYTES)) {
    yield { frame: { case: "data", value: chunk } };
  }
}

function uploadError(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.upload_file.invalid_frame", message, params: { field } });
}

/** The name without any folder a client may have sent along. */
function baseName(name: string): string {
  return required(
    name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1),
    "head.name",
  );
}

/** Lower-case extension without the dot; empty when the name has none. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}
