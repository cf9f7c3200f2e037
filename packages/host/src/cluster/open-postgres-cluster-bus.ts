// Opens the PostgreSQL cluster bus (postgres-cluster-bus.ts), loading it and `pg` only then, so
// that a host without a cluster, and every package importing the host, never loads them.
import type { ClusterBus } from "../app/cluster-bus.js";

export interface PostgresClusterBusOptions {
  /** The database URL, as the store's. */
  url: string;
  /** The NOTIFY channel; hosts on one database share it. Default "plugwire_cluster". */
  channel?: string;
  /** Told when a connection drops or comes back. */
  log?: (message: string) => void;
}

/** A cluster bus on PostgreSQL's LISTEN/NOTIFY. */
export interface PostgresClusterBus extends ClusterBus {
  /** Resolves once every message published so far has been handed to PostgreSQL. */
  flushed(): Promise<void>;
  /** Waits (up to 2 s) for what is being published, then closes its connections. */
  close(): Promise<void>;
}

/** Connects the bus to the database; it is listening when this resolves. */
export async function openPostgresClusterBus(
  options: PostgresClusterBusOptions,
): Promise<PostgresClusterBus> {
  const { connectPostgresClusterBus } = await import("./postgres-cluster-bus.js");
  return connectPostgresClusterBus(options);
}
