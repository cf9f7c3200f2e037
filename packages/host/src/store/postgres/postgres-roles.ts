// Every role of the Store on one PostgresDatabase, so that a write spanning aggregates is one
// transaction; openPostgresStore (../postgres-store.ts) loads this with the database code.
import type { Store } from "../store.js";
import { postgresAuditStore } from "./postgres-audit-store.js";
import { postgresBotStore } from "./postgres-bot-store.js";
import { postgresChannelStore } from "./postgres-channel-store.js";
import { postgresClusterStore } from "./postgres-cluster-store.js";
import { postgresCommandStore } from "./postgres-command-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { postgresEmojiStore } from "./postgres-emoji-store.js";
import { postgresFileInfoStore } from "./postgres-file-info-store.js";
import { postgresGroupStore } from "./postgres-group-store.js";
import { postgresHostKeyStore } from "./postgres-host-key-store.js";
import { postgresKVStore } from "./postgres-kv-store.js";
import { postgresLoginAttemptStore } from "./postgres-login-attempt-store.js";
import { postgresOAuthAppStore } from "./postgres-oauth-app-store.js";
import { postgresPluginStateStore } from "./postgres-plugin-state-store.js";
import { postgresPostListStore } from "./postgres-post-list-store.js";
import { postgresPostStore } from "./postgres-post-store.js";
import { postgresPreferenceStore } from "./postgres-preference-store.js";
import { postgresReactionStore } from "./postgres-reaction-store.js";
import { postgresRoleStore } from "./postgres-role-store.js";
import { postgresSessionStore } from "./postgres-session-store.js";
import { postgresSidebarStore } from "./postgres-sidebar-store.js";
import { postgresStatusStore } from "./postgres-status-store.js";
import { postgresSystemStore } from "./postgres-system-store.js";
import { postgresTeamStore } from "./postgres-team-store.js";
import { postgresUploadSessionStore } from "./postgres-upload-session-store.js";
import { postgresUserAccessTokenStore } from "./postgres-user-access-token-store.js";
import { postgresUserStore } from "./postgres-user-store.js";

export function postgresStore(db: PostgresDatabase): Store {
  return {
    kind: "postgresql",
    ...postgresUserStore(db),
    ...postgresSessionStore(db),
    ...postgresUserAccessTokenStore(db),
    ...postgresLoginAttemptStore(db),
    ...postgresTeamStore(db),
    ...postgresChannelStore(db),
    ...postgresSidebarStore(db),
    ...postgresRoleStore(db),
    ...postgresPostStore(db),
    ...postgresFileInfoStore(db),
    ...postgresUploadSessionStore(db),
    ...postgresPostListStore(db),
    ...postgresReactionStore(db),
    ...postgresPreferenceStore(db),
    ...postgresStatusStore(db),
    ...postgresKVStore(db),
    ...postgresPluginStateStore(db),
    ...postgresCommandStore(db),
    ...postgresBotStore(db),
    ...postgresClusterStore(db),
    ...postgresSystemStore(db),
    ...postgresHostKeyStore(db),
    ...postgresAuditStore(db),
    ...postgresGroupStore(db),
    ...postgresEmojiStore(db),
    ...postgresOAuthAppStore(db),
    async close() {
      await db.close();
    },
  };
}
