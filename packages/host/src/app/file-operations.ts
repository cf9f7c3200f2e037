// Uploaded files: the bytes stream into the FileStore as they arrive, so a file never sits whole
// in memory, and its metadata is stored only once every byte is. Files belong to a channel
// until a post in it lists them (PostOperations.createPost links them). A file's record names
// where its bytes are (`path`, a FileStore key): copies of a record share the bytes.
//
// Resumable uploads (Mattermost's upload sessions) keep their parts under the session's path,
// each written at the offset the session records; the offset moves only from the value the
// writer read, so two parts racing for one session can't both land. The last part makes the
// file's record and ends the session.
//
// Before a record is stored, FileWillBeUploaded goes through every plugin implementing it, in
// dispatch order: each gets the record and the content as the previous plugin left them,
// streamed from the FileStore, and may reject the upload (nothing is kept), change the record,
// or write new content, which streams into the FileStore under a key of its own. A plugin that
// fails or times out is logged and skipped, as the other hooks are.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, UnavailableError, ValidationError } from "@plugwire/errors";
import {
  type FileInfo,
  FileInfoSchema,
  MAX_CHUNK_BYTES,
  type UploadSession,
  UploadSessionSchema,
} from "@plugwire/protocol";
import type { FileInfoQuery, PageQuery, Store } from "../store/store.js";
import type { FileUploadAnswer } from "../supervisor/hook-client.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { newId } from "./ids.js";
import { mimeTypeOf } from "./mime-type.js";
import { isPublicLinkHash, publicLinkPath } from "./public-file-links.js";

/** Largest upload unless the host sets another limit: 100 MiB, Mattermost's default. */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/**
 * Smallest first part of a resumable upload that is not the whole file: 5 MiB, as Mattermost
 * (the smallest part an object store's multipart upload takes).
 */
export const MIN_FIRST_UPLOAD_PART_BYTES = 5 * 1024 * 1024;

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

/** getFileInfos' filters and order; what is left out takes Mattermost's default. */
export type FileInfoFilter = Partial<Omit<FileInfoQuery, keyof PageQuery>> & PageQuery;

/** A new resumable upload: who, where, what and how big. */
export interface UploadSessionRequest {
  userId: string;
  channelId: string;
  filename: string;
  fileSize: bigint;
  /** "attachment" (also when empty); Mattermost's "import" is not served. */
  type?: string;
  /** Largest file_size accepted: 413 beyond it. */
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
  /** The bytes at a path of the file store (a FileInfo's path), in chunks of at most chunkBytes. */
  readFileAtPath(path: string, chunkBytes: number): AsyncIterable<Uint8Array>;
  /** A page of file records, oldest first unless asked otherwise. */
  getFileInfos(filter: FileInfoFilter): Promise<FileInfo[]>;
  /** New records of the same files (same bytes), unattached, recorded as uploaded by userId. */
  copyFileInfos(actor: Actor, userId: string, fileIds: readonly string[]): Promise<string[]>;
  /**
   * The path and query of a file's public link (to put after the site URL). Refused when the
   * host serves no public links, and for a file not attached to a post.
   */
  publicFileLink(fileId: string): Promise<string>;
  /** The file a public link names, when its hash is right and public links are served. */
  publicFile(fileId: string, hash: string): Promise<FileInfo>;
  /** Sets the text search finds in a file. */
  setFileSearchableContent(actor: Actor, fileId: string, content: string): Promise<void>;
  /** Starts a resumable upload to an existing channel. */
  createUploadSession(actor: Actor, request: UploadSessionRequest): Promise<UploadSession>;
  getUploadSession(uploadId: string): Promise<UploadSession>;
  /** A user's resumable uploads in progress, oldest first. */
  getUploadSessionsForUser(userId: string): Promise<UploadSession[]>;
  /**
   * Appends a part to a resumable upload. `session` is the session as the caller last read it:
   * its file_offset must still be the stored one. Bytes beyond the file's size are not read.
   * Answers the stored file once every byte is in, undefined before.
   */
  uploadData(
    actor: Actor,
    session: Pick<UploadSession, "id" | "fileOffset">,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo | undefined>;
}

export class Files implements Omit<FileOperations, "getFileInfo"> {
  /** Sessions a part is being written to by this host right now. */
  private readonly uploading = new Set<string>();

  constructor(private readonly core: AppCore) {}

  async uploadFile(
    actor: Actor,
    upload: FileUpload,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo> {
    const name = baseName(upload.name);
    // A missing channel is refused before any byte is stored.
    await this.core.store.getChannel(upload.channelId);
    const fileId = newId();
    const size = await this.core.files.write(fileId, capped(content, upload.maxBytes));
    const uploaded = fileInfo({
      id: fileId,
      path: fileId,
      creatorId: upload.creatorId,
      channelId: upload.channelId,
      name,
      size,
    });
    return this.storeUpload(actor, uploaded);
  }

  /** Runs FileWillBeUploaded, then stores the record; on failure nothing of the upload stays. */
  private async storeUpload(actor: Actor, uploaded: FileInfo): Promise<FileInfo> {
    let info = uploaded;
    try {
      info = await this.fileWillBeUploaded(actor, uploaded);
      const stored = await this.core.store.saveFileInfo(info);
      if (info.path !== uploaded.path) await this.core.files.remove(uploaded.path);
      return stored;
    } catch (error) {
      await this.core.files.remove(uploaded.path);
      if (info.path !== uploaded.path) await this.core.files.remove(info.path);
      throw error;
    }
  }

  /**
   * The record (and content) as the plugins implementing FileWillBeUploaded leave it. Content a
   * plugin replaced is removed once another replaces it again; the upload's own is the caller's.
   */
  private async fileWillBeUploaded(actor: Actor, uploaded: FileInfo): Promise<FileInfo> {
    const hook = "FileWillBeUploaded";
    let current = uploaded;
    const discard = async (path: string) => {
      if (path !== uploaded.path) await this.core.files.remove(path);
    };
    for (const target of this.core.hooks.implementing(hook)) {
      const replacementPath = newId();
      let answer: FileUploadAnswer | undefined;
      try {
        answer = await target.fileWillBeUploaded(
          { context: contextOf(actor), fileInfo: current },
          this.core.files.read(current.path, MAX_CHUNK_BYTES),
          (replacement) => this.core.files.write(replacementPath, replacement),
        );
      } catch (error) {
        await this.core.files.remove(replacementPath);
        this.core.hookFailed(hook, target.pluginId, error);
        continue;
      }
      if (answer === undefined) continue;
      const { result, written } = answer;
      if (result.rejectionReason !== "") {
        await this.core.files.remove(replacementPath);
        await discard(current.path);
        throw new ValidationError({
          id: "app.upload.run_plugins_hook.rejected",
          message: `Unable to upload file ${current.name}. Rejected by plugin: ${result.rejectionReason}`,
          params: { Filename: current.name, Reason: result.rejectionReason },
        });
      }
      if (written > 0) {
        await discard(current.path);
        current = create(FileInfoSchema, {
          ...current,
          path: replacementPath,
          size: BigInt(written),
        });
      } else {
        await this.core.files.remove(replacementPath);
      }
      if (result.fileInfo !== undefined) current = changedRecord(current, result.fileInfo);
    }
    return current;
  }

  async *readFile(fileId: string, chunkBytes: number): AsyncIterable<Uint8Array> {
    const info = await this.core.store.getFileInfo(fileId);
    yield* this.core.files.read(info.path || info.id, chunkBytes);
  }

  readFileAtPath(path: string, chunkBytes: number): AsyncIterable<Uint8Array> {
    return this.core.files.read(path, chunkBytes);
  }

  getFileInfos(filter: FileInfoFilter): Promise<FileInfo[]> {
    return this.core.store.getFileInfos({
      userIds: [],
      channelIds: [],
      since: 0n,
      includeDeleted: false,
      sortBy: "create_at",
      sortDescending: false,
      ...filter,
    });
  }

  async copyFileInfos(
    _actor: Actor,
    userId: string,
    fileIds: readonly string[],
  ): Promise<string[]> {
    // Every file is read first, so a missing one fails the call before any copy is made.
    const originals = await Promise.all(fileIds.map((id) => this.core.store.getFileInfo(id)));
    const copies: string[] = [];
    for (const original of originals) {
      const copy = await this.core.store.saveFileInfo(
        create(FileInfoSchema, {
          ...original,
          id: newId(),
          creatorId: userId,
          postId: "",
          path: original.path || original.id,
          createAt: 0n,
          updateAt: 0n,
        }),
      );
      copies.push(copy.id);
    }
    return copies;
  }

  async publicFileLink(fileId: string): Promise<string> {
    const salt = this.core.options.publicLinkSalt;
    if (salt === undefined) {
      throw new UnavailableError({
        id: "plugin_api.get_file_link.disabled.app_error",
        message:
          "Public links are turned off on this server; an admin turns them on (plugwire serve --enable-public-links).",
        statusCode: 501,
      });
    }
    const info = await this.core.store.getFileInfo(fileId);
    if (info.postId === "") {
      throw new ValidationError({
        id: "plugin_api.get_file_link.no_post.app_error",
        message: `File ${fileId} is not attached to a post; only files of posts get public links.`,
        params: { file_id: fileId },
      });
    }
    return publicLinkPath(info.id, salt);
  }

  async publicFile(fileId: string, hash: string): Promise<FileInfo> {
    const salt = this.core.options.publicLinkSalt;
    if (salt === undefined) {
      throw new NotFoundError({
        id: "api.file.get_public_link.disabled.app_error",
        message: "Public links are turned off on this server.",
      });
    }
    const info = await this.core.store.getFileInfo(fileId);
    if (hash === "" || !isPublicLinkHash(info.id, salt, hash)) {
      throw new ValidationError({
        id: "api.file.get_file.public_invalid.app_error",
        message: "The public link is not valid; ask for a new one.",
        params: { field: "h" },
      });
    }
    if (info.deleteAt !== 0n) {
      throw new NotFoundError({
        id: "app.file.get.deleted",
        message: `File ${info.id} was deleted.`,
        params: { file_id: info.id },
      });
    }
    return info;
  }

  setFileSearchableContent(_actor: Actor, fileId: string, content: string): Promise<void> {
    return this.core.store.setFileSearchableContent(fileId, content);
  }

  async createUploadSession(_actor: Actor, request: UploadSessionRequest): Promise<UploadSession> {
    const type = request.type || "attachment";
    if (type !== "attachment") {
      throw new ValidationError({
        id: "model.upload_session.is_valid.type.app_error",
        message: `Upload type "${type}" is not served; use "attachment".`,
        params: { field: "type" },
      });
    }
    if (request.userId === "") throw sessionField("user_id", "name who uploads.");
    if (request.fileSize <= 0n) throw sessionField("file_size", "give the file's size in bytes.");
    const filename = baseName(request.filename);
    if (request.fileSize > BigInt(request.maxBytes)) {
      throw new ValidationError({
        id: "api.upload.create.upload_too_large.app_error",
        message: `The file is larger than the ${request.maxBytes}-byte upload limit; upload a smaller file.`,
        statusCode: 413,
        params: { channelId: request.channelId },
      });
    }
    const channel = await this.core.store.getChannel(request.channelId).catch((error) => {
      if (!(error instanceof NotFoundError)) throw error;
      throw new ValidationError({
        id: "app.upload.create.incorrect_channel_id.app_error",
        message: `No channel has id "${request.channelId}"; upload to an existing channel.`,
        params: { channelId: request.channelId },
      });
    });
    if (channel.deleteAt !== 0n) {
      throw new ValidationError({
        id: "app.upload.create.cannot_upload_to_deleted_channel.app_error",
        message: `Channel ${channel.id} is archived; files can't be uploaded to it.`,
        params: { channelId: channel.id },
      });
    }
    return this.core.store.saveUploadSession(
      create(UploadSessionSchema, {
        id: newId(),
        type,
        userId: request.userId,
        channelId: channel.id,
        filename,
        // The parts go under a key of their own, which the file's record then names.
        path: newId(),
        fileSize: request.fileSize,
        fileOffset: 0n,
      }),
    );
  }

  getUploadSession(uploadId: string): Promise<UploadSession> {
    return this.core.store.getUploadSession(uploadId);
  }

  getUploadSessionsForUser(userId: string): Promise<UploadSession[]> {
    return this.core.store.getUploadSessionsForUser(userId);
  }

  async uploadData(
    actor: Actor,
    session: Pick<UploadSession, "id" | "fileOffset">,
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileInfo | undefined> {
    if (this.uploading.has(session.id)) throw concurrentUpload();
    this.uploading.add(session.id);
    try {
      const stored = await this.core.store.getUploadSession(session.id);
      if (stored.fileOffset !== session.fileOffset) throw concurrentUpload();
      const offset = stored.fileOffset;
      const written = await this.core.files.writeAt(
        stored.path,
        Number(offset),
        limited(content, Number(stored.fileSize - offset)),
      );
      const reached = offset + BigInt(written);
      if (offset === 0n && written < MIN_FIRST_UPLOAD_PART_BYTES && reached !== stored.fileSize) {
        await this.core.files.remove(stored.path);
        throw new ValidationError({
          id: "app.upload.upload_data.first_part_too_small.app_error",
          message: `The first part is ${written} bytes; send at least ${MIN_FIRST_UPLOAD_PART_BYTES} bytes first, or the whole file.`,
          params: { Size: MIN_FIRST_UPLOAD_PART_BYTES },
        });
      }
      if (
        written > 0 &&
        !(await this.core.store.advanceUploadSession(stored.id, offset, reached))
      ) {
        throw concurrentUpload();
      }
      if (reached !== stored.fileSize) return undefined;
      const uploaded = fileInfo({
        id: newId(),
        path: stored.path,
        creatorId: stored.userId,
        channelId: stored.channelId,
        name: stored.filename,
        size: Number(stored.fileSize),
      });
      try {
        return await this.storeUpload(actor, uploaded);
      } finally {
        // Stored or refused, the upload is over.
        await this.core.store.deleteUploadSession(stored.id);
      }
    } finally {
      this.uploading.delete(session.id);
    }
  }
}

/**
 * The record as a plugin changed it: its name (the extension and MIME type follow a new name
 * unless the plugin set another MIME type) and picture fields. Ids, owner, channel, post, path,
 * size and times stay the host's.
 */
function changedRecord(current: FileInfo, given: FileInfo): FileInfo {
  const name = given.name === "" ? current.name : baseName(given.name);
  const renamed = name !== current.name;
  const extension = renamed ? extensionOf(name) : current.extension;
  const mimeType =
    given.mimeType !== "" && given.mimeType !== current.mimeType
      ? given.mimeType
      : renamed
        ? mimeTypeOf(extension)
        : current.mimeType;
  return create(FileInfoSchema, {
    ...current,
    name,
    extension,
    mimeType,
    width: given.width,
    height: given.height,
    hasPreviewImage: given.hasPreviewImage,
  });
}

/** A new file record; the extension and MIME type come from the name. */
function fileInfo(init: {
  id: string;
  path: string;
  creatorId: string;
  channelId: string;
  name: string;
  size: number;
}): FileInfo {
  const extension = extensionOf(init.name);
  return create(FileInfoSchema, {
    ...init,
    extension,
    size: BigInt(init.size),
    mimeType: mimeTypeOf(extension),
  });
}

function concurrentUpload(): ValidationError {
  return new ValidationError({
    id: "app.upload.upload_data.concurrent.app_error",
    message:
      "Another part of this upload is being sent, or was sent since the session was read; read the session again and resume at its file_offset.",
    params: { field: "file_offset" },
  });
}

function sessionField(field: string, what: string): ValidationError {
  return new ValidationError({
    id: `model.upload_session.is_valid.${field}.app_error`,
    message: `upload_session.${field} is missing or invalid; ${what}`,
    params: { field },
  });
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

/** The first `maxBytes` bytes of the content; the rest is not read. */
async function* limited(
  content: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncIterable<Uint8Array> {
  let left = maxBytes;
  if (left <= 0) return;
  for await (const chunk of content) {
    if (chunk.byteLength >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.byteLength;
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
