// The Store on an embedded SQLite database (better-sqlite3): one aggregate store per role,
// all on one shared database handle (sqlite/sqlite-database.ts), so that a write spanning
// aggregates is still one transaction. ":memory:" gives a private database for tests.

import { sqliteAuditStore } from "./sqlite/sqlite-audit-store.js";
import { sqliteBotStore } from "./sqlite/sqlite-bot-store.js";
import { sqliteChannelStore } from "./sqlite/sqlite-channel-store.js";
import { sqliteClusterStore } from "./sqlite/sqlite-cluster-store.js";
import { sqliteCommandStore } from "./sqlite/sqlite-command-store.js";
import { openSqliteDatabase, type SqliteDatabaseOptions } from "./sqlite/sqlite-database.js";
import { sqliteEmojiStore } from "./sqlite/sqlite-emoji-store.js";
import { sqliteFileInfoStore } from "./sqlite/sqlite-file-info-store.js";
import { sqliteGroupStore } from "./sqlite/sqlite-group-store.js";
import { sqliteHostKeyStore } from "./sqlite/sqlite-host-key-store.js";
import { sqliteKVStore } from "./sqlite/sqlite-kv-store.js";
import { sqliteLoginAttemptStore } from "./sqlite/sqlite-login-attempt-store.js";
import { sqliteOAuthAppStore } from "./sqlite/sqlite-oauth-app-store.js";
import { sqlitePluginStateStore } from "./sqlite/sqlite-plugin-state-store.js";
import { sqlitePostListStore } from "./sqlite/sqlite-post-list-store.js";
import { sqlitePostStore } from "./sqlite/sqlite-post-store.js";
import { sqlitePreferenceStore } from "./sqlite/sqlite-preference-store.js";
import { sqliteReactionStore } from "./sqlite/sqlite-reaction-store.js";
import { sqliteRoleStore } from "./sqlite/sqlite-role-store.js";
import { sqliteSessionStore } from "./sqlite/sqlite-session-store.js";
import { sqliteSidebarStore } from "./sqlite/sqlite-sidebar-store.js";
import { sqliteStatusStore } from "./sqlite/sqlite-status-store.js";
import { sqliteSystemStore } from "./sqlite/sqlite-system-store.js";
import { sqliteTeamStore } from "./sqlite/sqlite-team-store.js";
import { sqliteUploadSessionStore } from "./sqlite/sqlite-upload-session-store.js";
import { sqliteUserAccessTokenStore } from "./sqlite/sqlite-user-access-token-store.js";
import { sqliteUserStore } from "./sqlite/sqlite-user-store.js";
import type { Store } from "./store.js";

export type SqliteStoreOptions = SqliteDatabaseOptions;

/** Opens (creating and migrating when needed) a SQLite database as a Store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const db = openSqliteDatabase(options);
  return {
    kind: "sqlite",
    ...sqliteUserStore(db),
    ...sqliteSessionStore(db),
    ...sqliteUserAccessTokenStore(db),
    ...sqliteLoginAttemptStore(db),
    ...sqliteTeamStore(db),
    ...sqliteChannelStore(db),
    ...sqliteSidebarStore(db),
    ...sqliteRoleStore(db),
    ...sqlitePostStore(db),
    ...sqliteFileInfoStore(db),
    ...sqliteUploadSessionStore(db),
    ...sqlitePostListStore(db),
    ...sqliteReactionStore(db),
    ...sqlitePreferenceStore(db),
    ...sqliteStatusStore(db),
    ...sqliteKVStore(db),
    ...sqlitePluginStateStore(db),
    ...sqliteCommandStore(db),
    ...sqliteBotStore(db),
    ...sqliteClusterStore(db),
    ...sqliteSystemStore(db),
    ...sqliteHostKeyStore(db),
    ...sqliteAuditStore(db),
    ...sqliteGroupStore(db),
    ...sqliteEmojiStore(db),
    ...sqliteOAuthAppStore(db),
    async close() {
      db.close();
    },
  };
}
