// FileInfoStore on SQLite: lists of file_infos and their searchable content.
import { FileInfoSchema } from "@plugwire/protocol";
import { fileInfoSql } from "../file-info-query.js";
import type { FileInfoQuery, FileInfoStore } from "../file-info-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

const fileInfos = rowCodec(FileInfoSchema);

export function sqliteFileInfoStore(db: SqliteDatabase): FileInfoStore {
  return {
    async getFileInfos(query: FileInfoQuery) {
      const { where, orderBy, params } = fileInfoSql(
        query,
        (column, param) => `${column} IN (SELECT value FROM json_each(@${param}))`,
        (values) => JSON.stringify(values),
      );
      return db
        .all(
          `SELECT ${fileInfos.columnList} FROM file_infos ${where} ${orderBy} LIMIT @limit OFFSET @offset`,
          { ...params, ...limitOffset(query) },
        )
        .map(fileInfos.fromRow);
    },

    async setFileSearchableContent(fileId: string, content: string) {
      const { changes } = db.run(
        `UPDATE file_infos SET "content" = ? WHERE "id" = ?`,
        content,
        fileId,
      );
      if (changes === 0) {
        throw notFound("file_info", `No file has id "${fileId}".`, { file_id: fileId });
      }
    },
  };
}
