// The Store on a PostgreSQL database (`pg` and its pool), for a server whose data outgrows one
// machine or is shared by several hosts: one aggregate store per role (postgres/postgres-roles.ts)
// on one shared PostgresDatabase (postgres/postgres-database.ts). The PostgreSQL code and `pg`
// are loaded on the first open, so a host on SQLite, and every package importing the host,
// never loads them.
import type { Store } from "./store.js";

/**
 * Where and how openPostgresStore connects. Declared here, apart from the database code, so
 * that the host's public types don't need `pg`'s.
 */
export interface PostgresStoreOptions {
  /** postgres://user[:password]@host[:port]/database, as libpq and `pg` read it. */
  url: string;
  /** The clock, in ms since the epoch. Injectable so tests drive timestamps and KV expiry. */
  now?: () => number;
  /** The pool's largest number of connections (default 10). */
  maxConnections?: number;
}

/** Connects to a PostgreSQL database (migrating it when needed) as a Store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const [{ openPostgresDatabase }, { postgresStore }] = await Promise.all([
    import("./postgres/postgres-database.js"),
    import("./postgres/postgres-roles.js"),
  ]);
  return postgresStore(await openPostgresDatabase(options));
}
