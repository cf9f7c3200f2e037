// FileInfoStore on PostgreSQL: lists of file_infos and their searchable content.
import { FileInfoSchema } from "@plugwire/protocol";
import { fileInfoSql } from "../file-info-query.js";
import type { FileInfoQuery, FileInfoStore } from "../file-info-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import { limitOffset, type PostgresDatabase } from "./postgres-database.js";

const fileInfos = rowCodec(FileInfoSchema);

export function postgresFileInfoStore(db: PostgresDatabase): FileInfoStore {
  return {
    async getFileInfos(query: FileInfoQuery) {
      const { where, orderBy, params } = fileInfoSql(
        query,
        (column, param) => `${column} = ANY(@${param}::text[])`,
        (values) => [...values],
      );
      const rows = await db.all(
        `SELECT ${fileInfos.columnList} FROM file_infos ${where} ${orderBy} LIMIT @limit OFFSET @offset`,
        { ...params, ...limitOffset(query) },
      );
      return rows.map(fileInfos.fromRow);
    },

    async setFileSearchableContent(fileId: string, content: string) {
      const changed = await db.run(
        `UPDATE file_infos SET "content" = ? WHERE "id" = ?`,
        content,
        fileId,
      );
      if (changed === 0) {
        throw notFound("file_info", `No file has id "${fileId}".`, { file_id: fileId });
      }
    },
  };
}
