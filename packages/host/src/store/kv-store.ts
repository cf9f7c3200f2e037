import type { PageQuery } from "./page-query.js";

/** Options of an atomic or expiring KV write. */
export interface KVWriteOptions {
  /** Compare-and-set: write only when the current value equals oldValue (undefined: key must be absent). */
  atomic?: boolean;
  oldValue?: Uint8Array;
  /** Absolute expiry time in ms since the epoch; 0 or undefined keeps the key forever. */
  expireAt?: number;
}

/** The plugins' KV store, namespaced by plugin id; expired keys read as absent. */
export interface KVStore {
  kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined>;
  /** Writes (value) or deletes (value undefined); returns false when an atomic write lost. */
  kvSet(
    pluginId: string,
    key: string,
    value: Uint8Array | undefined,
    options?: KVWriteOptions,
  ): Promise<boolean>;
  kvDelete(pluginId: string, key: string): Promise<void>;
  kvDeleteAll(pluginId: string): Promise<void>;
  /** Keys in key order, expired keys left out. */
  kvList(pluginId: string, page: PageQuery): Promise<string[]>;
}
