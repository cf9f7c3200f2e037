// OAuthAppStore on PostgreSQL: the oauth_apps table.
import { type OAuthApp, OAuthAppSchema } from "@plugwire/protocol";
import { newRecord } from "../new-record.js";
import { OAUTH_APP_ORDER, oauthAppNotFound, oauthApps } from "../oauth-app-rows.js";
import type { OAuthAppStore } from "../oauth-app-store.js";
import type { PageQuery } from "../page-query.js";
import { idTaken } from "../store-errors.js";
import { limitOffset, type PostgresDatabase, type PostgresQueries } from "./postgres-database.js";

export function postgresOAuthAppStore(db: PostgresDatabase): OAuthAppStore {
  const row = (on: PostgresQueries, appId: string) =>
    on.one(`SELECT ${oauthApps.columnList} FROM oauth_apps WHERE "id" = ?`, appId);

  return {
    async createOAuthApp(app: OAuthApp): Promise<OAuthApp> {
      return db.write(async (tx) => {
        if (app.id && (await row(tx, app.id))) throw idTaken("oauth_app", app.id);
        const stored = newRecord(OAuthAppSchema, app, tx.now());
        await tx.run(`INSERT INTO oauth_apps ${oauthApps.insertClause}`, oauthApps.toRow(stored));
        return stored;
      });
    },

    async getOAuthApp(appId: string): Promise<OAuthApp> {
      const found = await row(db, appId);
      if (found === undefined) throw oauthAppNotFound(appId);
      return oauthApps.fromRow(found);
    },

    async getOAuthApps(page: PageQuery, creatorId?: string): Promise<OAuthApp[]> {
      const where = creatorId === undefined ? "" : `WHERE "creator_id" = @creatorId`;
      const rows = await db.all(
        `SELECT ${oauthApps.columnList} FROM oauth_apps ${where}
         ORDER BY ${OAUTH_APP_ORDER} LIMIT @limit OFFSET @offset`,
        { ...limitOffset(page), ...(creatorId === undefined ? {} : { creatorId }) },
      );
      return rows.map(oauthApps.fromRow);
    },

    async updateOAuthApp(app: OAuthApp): Promise<OAuthApp> {
      return db.write(async (tx) => {
        const found = await row(tx, app.id);
        if (found === undefined) throw oauthAppNotFound(app.id);
        const old = oauthApps.fromRow(found);
        const updated = {
          ...app,
          creatorId: old.creatorId,
          createAt: old.createAt,
          updateAt: tx.now(),
        };
        await tx.run(
          `UPDATE oauth_apps SET ${oauthApps.assignments} WHERE "id" = @id`,
          oauthApps.toRow(updated),
        );
        return updated;
      });
    },

    async deleteOAuthApp(appId: string): Promise<void> {
      if ((await db.run(`DELETE FROM oauth_apps WHERE "id" = ?`, appId)) === 0) {
        throw oauthAppNotFound(appId);
      }
    },
  };
}
