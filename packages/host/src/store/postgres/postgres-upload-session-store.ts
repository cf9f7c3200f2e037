// UploadSessionStore on PostgreSQL: upload_sessions, one row per resumable upload in progress.
// Advancing the offset is one UPDATE whose WHERE re-checks the expected offset, so two parts
// racing on two hosts can't both land.
import { create } from "@bufbuild/protobuf";
import { UploadSessionSchema } from "@plugwire/protocol";
import { rowCodec } from "../row-codec.js";
import { idTaken, notFound } from "../store-errors.js";
import type { UploadSessionStore } from "../upload-session-store.js";
import type { PostgresDatabase } from "./postgres-database.js";

const sessions = rowCodec(UploadSessionSchema);

export function postgresUploadSessionStore(db: PostgresDatabase): UploadSessionStore {
  return {
    async saveUploadSession(given) {
      const session = create(UploadSessionSchema, {
        ...given,
        createAt: given.createAt || db.now(),
      });
      const inserted = await db.run(
        `INSERT INTO upload_sessions ${sessions.insertClause} ON CONFLICT ("id") DO NOTHING`,
        sessions.toRow(session),
      );
      if (inserted === 0) throw idTaken("upload_session", session.id);
      return session;
    },

    async getUploadSession(uploadId) {
      const row = await db.one(
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
      const changed = await db.run(
        `UPDATE upload_sessions SET "file_offset" = ? WHERE "id" = ? AND "file_offset" = ?`,
        offset,
        uploadId,
        expected,
      );
      return changed === 1;
    },

    async deleteUploadSession(uploadId) {
      await db.run(`DELETE FROM upload_sessions WHERE "id" = ?`, uploadId);
    },

    async getUploadSessionsForUser(userId) {
      const rows = await db.all(
        `SELECT ${sessions.columnList} FROM upload_sessions WHERE "user_id" = ?
         ORDER BY "create_at", "id"`,
        userId,
      );
      return rows.map(sessions.fromRow);
    },
  };
}
