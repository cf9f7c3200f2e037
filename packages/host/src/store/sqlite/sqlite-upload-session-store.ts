// UploadSessionStore on SQLite: upload_sessions, one row per resumable upload in progress.
import { create } from "@bufbuild/protobuf";
import { UploadSessionSchema } from "@plugwire/protocol";
import { rowCodec } from "../row-codec.js";
import { idTaken, notFound } from "../store-errors.js";
import type { UploadSessionStore } from "../upload-session-store.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const sessions = rowCodec(UploadSessionSchema);

export function sqliteUploadSessionStore(db: SqliteDatabase): UploadSessionStore {
  return {
    async saveUploadSession(given) {
      const session = create(UploadSessionSchema, {
        ...given,
        createAt: given.createAt || db.now(),
      });
      return db.write(() => {
        if (db.one(`SELECT 1 FROM upload_sessions WHERE "id" = ?`, session.id)) {
          throw idTaken("upload_session", session.id);
        }
        db.run(`INSERT INTO upload_sessions ${sessions.insertClause}`, sessions.toRow(session));
        return session;
      });
    },

    async getUploadSession(uploadId) {
      const row = db.one(
        `SELECT ${sessions.columnList} FROM upload_sessions WHERE "id" = ?`,
        uploadId,
      );
      if (row === undefined) {
        throw notFound("upload_session", `No upload has id "${uploadId}".`, {
          upload_id: uploadId,
        });
      }
      return sessions.fromRow(row);
    },

    async advanceUploadSession(uploadId, expected, offset) {
      const { changes } = db.run(
        `UPDATE upload_sessions SET "file_offset" = ? WHERE "id" = ? AND "file_offset" = ?`,
        offset,
        uploadId,
        expected,
      );
      return changes === 1;
    },

    async deleteUploadSession(uploadId) {
      db.run(`DELETE FROM upload_sessions WHERE "id" = ?`, uploadId);
    },

    async getUploadSessionsForUser(userId) {
      return db
        .all(
          `SELECT ${sessions.columnList} FROM upload_sessions WHERE "user_id" = ?
           ORDER BY "create_at", "id"`,
          userId,
        )
        .map(sessions.fromRow);
    },
  };
}
