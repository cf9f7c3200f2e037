// The streaming file calls of the PluginAPI. UploadFile (and UploadData) take a head frame and
// then data frames, checked as they stream through to the application layer (which keeps the
// bytes and then the metadata). GetFile answers with the metadata first and then the bytes,
// read a chunk at a time.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  type FileInfo,
  type GetFileResponseSchema,
  MAX_CHUNK_BYTES,
  type UploadFileRequest,
} from "@plugwire/protocol";
import type { Actor, FileOperations } from "../app/app.js";
import { required } from "./request-validation.js";

export { DEFAULT_MAX_UPLOAD_BYTES } from "../app/file-operations.js";

export interface UploadTarget {
  app: FileOperations;
  actor: Actor;
  maxUploadBytes: number;
  /** Who the file is recorded as uploaded by. */
  creatorId: string;
}

/** Stores an upload through the application layer. */
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
  return target.app.uploadFile(
    target.actor,
    {
      channelId: required(head.channelId, "head.channel_id"),
      name: required(head.name, "head.name"),
      creatorId: target.creatorId,
      maxBytes: target.maxUploadBytes,
    },
    dataOf(frames, "UploadFile"),
  );
}

/** A frame of an upload stream: a head, or a chunk of data. */
interface UploadFrame {
  frame:
    | { case: "head"; value: unknown }
    | { case: "data"; value: Uint8Array }
    | { case: undefined };
}

/** The data frames after the head, checked one by one while they stream through. */
export async function* dataOf(
  frames: AsyncIterator<UploadFrame>,
  call: string,
): AsyncIterable<Uint8Array> {
  for (let next = await frames.next(); !next.done; next = await frames.next()) {
    const { frame } = next.value;
    if (frame.case === "head") {
      throw uploadError("head", `${call} got a second head frame; send the head once, first.`);
    }
    if (frame.case !== "data") {
      throw uploadError(
        "data",
        `${call} got an empty frame; every frame after the head carries data.`,
      );
    }
    if (frame.value.byteLength > MAX_CHUNK_BYTES) {
      throw uploadError(
        "data",
        `A ${call} data frame has ${frame.value.byteLength} bytes; split the file into chunks of at most ${MAX_CHUNK_BYTES}.`,
      );
    }
    yield frame.value;
  }
}

/** GetFile's frames: the metadata, then the content in chunks of at most 64 KiB. */
export async function* sendFile(
  fileId: string,
  app: FileOperations,
): AsyncIterable<MessageInitShape<typeof GetFileResponseSchema>> {
  const info = await app.getFileInfo(fileId);
  yield { frame: { case: "fileInfo", value: info } };
  for await (const chunk of app.readFile(fileId, MAX_CHUNK_BYTES)) {
    yield { frame: { case: "data", value: chunk } };
  }
}

export function uploadError(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.upload_file.invalid_frame", message, params: { field } });
}
