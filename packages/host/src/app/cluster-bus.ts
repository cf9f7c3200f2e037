// How the hosts of one cluster (several `plugwire serve` on one database) tell each other what
// the database does not: websocket events for the clients connected elsewhere, caches to drop,
// plugins installed, enabled, disabled or reconfigured, plugins' own cluster events. The
// in-process bus links hosts created in the same Node process (tests, embedders running several
// hosts); PostgresClusterBus (cluster/postgres-cluster-bus.ts) links processes through
// PostgreSQL's LISTEN/NOTIFY. Messages from one host reach each other host in the order sent.
import type { JsonObject } from "@bufbuild/protobuf";

/** A plugin management change another host made, which each host applies to its own copy. */
export type PluginChange = "installed" | "enabled" | "disabled" | "removed" | "configured";

/** What one host tells the others. Plain JSON, so that any bus can carry it. */
export type ClusterMessage =
  /** A plugin's PublishPluginClusterEvent, for the same plugin on the other hosts. */
  | { type: "plugin_event"; pluginId: string; id: string /** base64 */; data: string }
  /** A websocket event as this host delivered it to its own clients (its whole JSON). */
  | { type: "websocket_event"; event: JsonObject }
  /** The live connections of a user (deactivated) or of a session (logged out) end. */
  | { type: "connections_ended"; ended: EndedConnections }
  /** A role's permissions changed: read the roles again. */
  | { type: "roles_changed" }
  /** A user's status changed: drop the cached one. */
  | { type: "status_changed"; userId: string }
  /** The server configuration was saved: read it again from the store. */
  | { type: "config_changed" }
  /** A plugin was managed on the sending host; the store holds its new state. */
  | { type: "plugin_changed"; pluginId: string; change: PluginChange };

/** Whose live connections end: a user's, or a session's. */
export type EndedConnections = { userId: string } | { sessionId: string };

/** A host on the bus. */
export interface ClusterMember {
  /** A message another host published (to all, or to this host alone). */
  receive(message: ClusterMessage, fromHostId: string): void;
  /**
   * The bus was cut off and may have lost messages meanwhile: drop what is cached and make
   * the live clients load again.
   */
  resync(): void;
}

export interface ClusterBus {
  /** Joins the bus as hostId; returns a function that leaves it. */
  join(hostId: string, member: ClusterMember): () => void;
  /** Delivers to every other host, or only to targetHostId when given. */
  publish(fromHostId: string, message: ClusterMessage, targetHostId?: string): void;
}

export class InProcessClusterBus implements ClusterBus {
  private readonly hosts = new Map<string, ClusterMember>();

  join(hostId: string, member: ClusterMember): () => void {
    this.hosts.set(hostId, member);
    return () => this.hosts.delete(hostId);
  }

  publish(fromHostId: string, message: ClusterMessage, targetHostId?: string): void {
    for (const [hostId, member] of this.hosts) {
      if (hostId !== fromHostId && (targetHostId === undefined || targetHostId === hostId)) {
        member.receive(message, fromHostId);
      }
    }
  }

  /** Tells every host that messages may have been lost, as a networked bus does on reconnecting. */
  resyncAll(): void {
    for (const member of this.hosts.values()) member.resync();
  }
}
