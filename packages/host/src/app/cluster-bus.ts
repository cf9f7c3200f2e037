// How hosts of one cluster pass plugin cluster events to each other. The in-process bus
// links hosts created in the same Node process (tests, embedders running several hosts);
// a networked bus (PostgreSQL LISTEN/NOTIFY, for instance) implements the same interface.
import type { PluginClusterEvent } from "@plugwire/protocol";

export type ClusterEventHandler = (pluginId: string, event: PluginClusterEvent) => void;

export interface ClusterBus {
  /** Joins the bus as hostId; returns a function that leaves it. */
  join(hostId: string, handler: ClusterEventHandler): () => void;
  /** Delivers to every other host, or only to targetHostId when given. */
  publish(
    fromHostId: string,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): void;
}

export class InProcessClusterBus implements ClusterBus {
  private readonly hosts = new Map<string, ClusterEventHandler>();

  join(hostId: string, handler: ClusterEventHandler): () => void {
    this.hosts.set(hostId, handler);
    return () => this.hosts.delete(hostId);
  }

  publish(
    fromHostId: string,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): void {
    for (const [hostId, handler] of this.hosts) {
      if (hostId !== fromHostId && (targetHostId === undefined || targetHostId === hostId)) {
        handler(pluginId, event);
      }
    }
  }
}
