import type { FileInfo } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Which file records getFileInfos lists, and in which order (Mattermost's GetFileInfosOptions). */
export interface FileInfoQuery extends PageQuery {
  /** Only files uploaded by these users, when not empty. */
  userIds: readonly string[];
  /** Only files of these channels, when not empty. */
  channelIds: readonly string[];
  /** Only files created at or after this time (ms since the epoch); 0 for any. */
  since: bigint;
  /** Deleted files too. */
  includeDeleted: boolean;
  /** Order by creation time or by size; ties in id order. */
  sortBy: "create_at" | "size";
  sortDescending: boolean;
}

/**
 * File records beyond the one-by-one reads of PostStore: lists and the text search finds in a
 * file (kept beside the record, not a field of FileInfo).
 */
export interface FileInfoStore {
  getFileInfos(query: FileInfoQuery): Promise<FileInfo[]>;
  /** Sets the searchable text of a file; NotFoundError when there is no such file. */
  setFileSearchableContent(fileId: string, content: string): Promise<void>;
}
