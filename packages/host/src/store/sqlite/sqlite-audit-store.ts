// AuditStore on SQLite: the audits table, in Mattermost's Audit shape.
import { create } from "@bufbuild/protobuf";
import { type Audit, AuditSchema } from "@plugwire/protocol";
import type { AuditQuery, AuditStore } from "../audit-store.js";
import { newId } from "../ids.js";
import { rowCodec } from "../row-codec.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";

const audits = rowCodec(AuditSchema);

export function sqliteAuditStore(db: SqliteDatabase): AuditStore {
  return {
    async saveAudit(audit: Audit): Promise<Audit> {
      const stored = create(AuditSchema, {
        ...audit,
        id: audit.id || newId(),
        createAt: audit.createAt || db.now(),
      });
      db.run(`INSERT INTO audits ${audits.insertClause}`, audits.toRow(stored));
      return stored;
    },

    async getAudits(query: AuditQuery): Promise<Audit[]> {
      const filter = query.userId ? `WHERE "user_id" = @userId` : "";
      return db
        .all(
          `SELECT ${audits.columnList} FROM audits ${filter}
           ORDER BY "create_at" DESC, "id" DESC LIMIT @limit OFFSET @offset`,
          { ...(query.userId ? { userId: query.userId } : {}), ...limitOffset(query) },
        )
        .map(audits.fromRow);
    },
  };
}
