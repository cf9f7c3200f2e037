import type { UploadSession } from "@plugwire/protocol";

/** Resumable uploads in progress; a session is deleted once its file is stored. */
export interface UploadSessionStore {
  /**
   * Stores a new session (its id set by the caller; create_at now when 0); AlreadyExistsError
   * when the id is taken.
   */
  saveUploadSession(session: UploadSession): Promise<UploadSession>;
  /** NotFoundError when there is no such session. */
  getUploadSession(uploadId: string): Promise<UploadSession>;
  /**
   * Moves a session's file_offset from `expected` to `offset`; false, changing nothing, when the
   * stored offset is not `expected` (another part got there first) or the session is gone.
   */
  advanceUploadSession(uploadId: string, expected: bigint, offset: bigint): Promise<boolean>;
  deleteUploadSession(uploadId: string): Promise<void>;
  /** A user's sessions, oldest first. */
  getUploadSessionsForUser(userId: string): Promise<UploadSession[]>;
}
