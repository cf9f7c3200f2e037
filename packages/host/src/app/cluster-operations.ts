// This host as one node of a cluster: it records itself in the store every few seconds (the
// node registry GET /api/v4/cluster/status reads), passes the websocket events it delivers to
// the other hosts, and applies what they tell it (cache drops, their websocket events, plugin
// cluster events and settings). Plugin installs, enables and disables are the Host's, which
// manages the plugin processes.
import { hostname } from "node:os";
import type { JsonObject } from "@bufbuild/protobuf";
import type { ClusterNode } from "../store/store.js";
import { HOST_VERSION } from "../version.js";
import type { AppCore } from "./app-core.js";
import type { ClusterMessage, EndedConnections } from "./cluster-bus.js";
import type { Configuration } from "./config-operations.js";
import type { Permissions } from "./permissions.js";
import type { Plugins } from "./plugin-operations.js";
import type { Statuses } from "./status-operations.js";

/** How often a host records that it is up. */
export const CLUSTER_HEARTBEAT_MS = 5_000;
/** A host not heard of for this long is left out of the cluster's status. */
export const CLUSTER_NODE_TTL_MS = 3 * CLUSTER_HEARTBEAT_MS;

export interface ClusterOperations {
  /** This host's id in the cluster. */
  readonly hostId: string;
  /** The hosts that recorded themselves in the last CLUSTER_NODE_TTL_MS, by id. */
  getClusterNodes(): Promise<ClusterNode[]>;
  /** Passes a websocket event this host delivered to its clients to the other hosts' clients. */
  forwardWebSocketEvent(event: JsonObject): void;
  /** Ends, on the other hosts too, the live connections of a user or of a session. */
  forwardConnectionsEnded(ended: EndedConnections): void;
}

export class Cluster implements ClusterOperations {
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly core: AppCore,
    private readonly permissions: Permissions,
    private readonly statuses: Statuses,
    private readonly plugins: Plugins,
    private readonly configuration: Configuration,
  ) {}

  get hostId(): string {
    return this.core.options.hostId;
  }

  /** Records this host, then again every `intervalMs`, until leave(). */
  async join(version: string = HOST_VERSION, intervalMs = CLUSTER_HEARTBEAT_MS): Promise<void> {
    const node = { id: this.hostId, hostname: hostname(), version };
    await this.core.store.recordClusterNode(node);
    this.heartbeat = setInterval(() => {
      this.core.store.recordClusterNode(node).catch((error: unknown) => {
        this.core.log.warn(`recording this host in cluster_nodes failed: ${String(error)}`);
      });
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Stops recording this host and forgets it, so the others' status drops it at once. */
  async leave(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.core.store.removeClusterNode(this.hostId).catch(() => undefined);
  }

  getClusterNodes(): Promise<ClusterNode[]> {
    return this.core.store.getClusterNodes(BigInt(this.core.now() - CLUSTER_NODE_TTL_MS));
  }

  forwardWebSocketEvent(event: JsonObject): void {
    this.core.broadcast({ type: "websocket_event", event });
  }

  forwardConnectionsEnded(ended: EndedConnections): void {
    this.core.broadcast({ type: "connections_ended", ended });
  }

  /** Applies what another host told; plugin management changes are the Host's. */
  receive(message: ClusterMessage): void {
    switch (message.type) {
      case "websocket_event":
        this.core.emit("clusterWebSocketEvent", message.event);
        return;
      case "connections_ended":
        this.core.emit("clusterConnectionsEnded", message.ended);
        return;
      case "roles_changed":
        void this.permissions.reload();
        return;
      case "status_changed":
        this.statuses.forget(message.userId);
        return;
      case "config_changed":
        this.configuration.clusterConfigChanged();
        return;
      case "plugin_event":
        this.plugins.deliverClusterEvent(message.pluginId, message.id, message.data);
        return;
      case "plugin_changed":
        if (message.change === "configured") {
          this.core.track(
            this.plugins.clusterConfigurationChanged(message.pluginId).catch((error: unknown) => {
              this.core.hookFailed("OnConfigurationChange", message.pluginId, error);
            }),
          );
        }
        return;
    }
  }

  /** Messages may have been lost: caches are read again, live clients told to load again. */
  resync(): void {
    void this.permissions.reload();
    this.statuses.forget();
    this.configuration.clusterConfigChanged();
    this.core.emit("clusterResync");
  }
}
