// The nodes of a cluster (several hosts on one database) and the plugin bundles they share.
// Each host records itself at start and then every few seconds (Mattermost's cluster
// discovery); GET /api/v4/cluster/status lists those seen lately. Installed bundles are kept
// here too, so that a host that did not receive the upload can unpack the same archive.

import type { Row } from "./row-codec.js";

/** One host of the cluster, as it last recorded itself. */
export interface ClusterNode {
  /** The host's id (random at each start). */
  id: string;
  hostname: string;
  /** The host's version (Plugwire's). */
  version: string;
  /** When it first recorded itself, ms since the epoch. */
  startedAt: bigint;
  /** When it last recorded itself, ms since the epoch. */
  lastSeenAt: bigint;
}

/** An installed plugin's archive, as uploaded. */
export interface PluginBundle {
  pluginId: string;
  /** The .tar.gz bytes. */
  bundle: Uint8Array;
  /** When it was saved, ms since the epoch; a node compares it with what it unpacked. */
  updatedAt: bigint;
}

export interface ClusterStore {
  /** Records that node `id` is up, now (its row is created on the first call). */
  recordClusterNode(node: Pick<ClusterNode, "id" | "hostname" | "version">): Promise<ClusterNode>;
  /** The nodes that recorded themselves at `since` or later, by id. */
  getClusterNodes(since: bigint): Promise<ClusterNode[]>;
  /** Forgets node `id` (it stopped) and its users' connections; nothing when it is not recorded. */
  removeClusterNode(id: string): Promise<void>;
  /**
   * Records whether node `hostId` has a live connection of the user (presence across the
   * cluster: a user is online while any node has one).
   */
  setUserConnected(hostId: string, userId: string, connected: boolean): Promise<void>;
  /** The nodes, among those that recorded themselves at `since` or later, connected to the user. */
  getUserConnectedNodes(userId: string, since: bigint): Promise<string[]>;
  /** Saves (or replaces) the installed bundle of `pluginId`; returns what was saved. */
  savePluginBundle(pluginId: string, bundle: Uint8Array): Promise<PluginBundle>;
  /** The installed bundle of `pluginId`, if one is saved. */
  getPluginBundle(pluginId: string): Promise<PluginBundle | undefined>;
  /** Which plugins have a saved bundle, and when each was saved, by plugin id. */
  getPluginBundleTimes(): Promise<Map<string, bigint>>;
  /** Deletes the saved bundle of `pluginId`; nothing when there is none. */
  deletePluginBundle(pluginId: string): Promise<void>;
}

/** A cluster_nodes row as a ClusterNode, in either store. */
export function clusterNode(row: Row): ClusterNode {
  return {
    id: String(row.id),
    hostname: String(row.hostname),
    version: String(row.version),
    startedAt: BigInt(row.started_at as bigint),
    lastSeenAt: BigInt(row.last_seen_at as bigint),
  };
}
