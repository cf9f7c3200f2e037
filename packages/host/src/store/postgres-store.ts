// The Store on a PostgreSQL database (`pg` and its pool), for a server whose data outgrows one
// machine or is shared by several hosts: one aggregate store per role (postgres/postgres-roles.ts)
// on one shared PostgresDatabase (postgres/postgres-database.ts). The PostgreSQL code and `pg`
// are loaded on the first open, so a host on SQLite, and every package importing the host,
// never loads them.
import type { PostgresDatabaseOptions } from "./postgres/postgres-database.js";
import type { Store } from "./store.js";

/** The options of openPostgresStore: the database URL, and optionally a clock and pool size. */
export type PostgresStoreOptions = PostgresDatabaseOptions;

/** Connects to a PostgreSQL database (migrating it when needed) as a Store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const [{ openPostgresDatabase }, { postgresStore }] = await Promise.all([
    import("./postgres/postgres-database.js"),
    import("./postgres/postgres-roles.js"),
  ]);
  return postgresStore(await openPostgresDatabase(options));
}
