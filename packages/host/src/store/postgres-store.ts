// The Store on a PostgreSQL database (`pg` and its pool), for a server whose data outgrows one
// machine or is shared by several hosts: one aggregate store per role, all on one shared
// PostgresDatabase (postgres/postgres-database.ts), so that a write spanning aggregates is
// still one transaction.
import { postgresBotStore } from "./postgres/postgres-bot-store.js";
import { postgresChannelStore } from "./postgres/postgres-channel-store.js";
import { postgresCommandStore } from "./postgres/postgres-command-store.js";
import {
  openPostgresDatabase,
  type PostgresDatabaseOptions,
} from "./postgres/postgres-database.js";
import { postgresKVStore } from "./postgres/postgres-kv-store.js";
import { postgresPluginStateStore } from "./postgres/postgres-plugin-state-store.js";
import { postgresPostStore } from "./postgres/postgres-post-store.js";
import { postgresSessionStore } from "./postgres/postgres-session-store.js";
import { postgresTeamStore } from "./postgres/postgres-team-store.js";
import { postgresUserStore } from "./postgres/postgres-user-store.js";
import type { Store } from "./store.js";

export type PostgresStoreOptions = PostgresDatabaseOptions;

/** Connects to a PostgreSQL database (migrating it when needed) as a Store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const db = await openPostgresDatabase(options);
  return {
    ...postgresUserStore(db),
    ...postgresSessionStore(db),
    ...postgresTeamStore(db),
    ...postgresChannelStore(db),
    ...postgresPostStore(db),
    ...postgresKVStore(db),
    ...postgresPluginStateStore(db),
    ...postgresCommandStore(db),
    ...postgresBotStore(db),
    async close() {
      await db.close();
    },
  };
}
