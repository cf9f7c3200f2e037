// Plugins' key-value stores, one namespace per plugin id; expired keys read as absent.
import type { KVWriteOptions, PageQuery } from "../store/store.js";
import type { AppCore } from "./app-core.js";

export interface KVOperations {
  kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined>;
  /** Writes (value) or deletes (value undefined); false when an atomic write lost. */
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

export class KV implements KVOperations {
  constructor(private readonly core: AppCore) {}

  kvGet(pluginId: string, key: string): Promise<Uint8Array | undefined> {
    return this.core.store.kvGet(pluginId, key);
  }

  kvSet(
    pluginId: string,
    key: string,
    value: Uint8Array | undefined,
    options?: KVWriteOptions,
  ): Promise<boolean> {
    return this.core.store.kvSet(pluginId, key, value, options);
  }

  kvDelete(pluginId: string, key: string): Promise<void> {
    return this.core.store.kvDelete(pluginId, key);
  }

  kvDeleteAll(pluginId: string): Promise<void> {
    return this.core.store.kvDeleteAll(pluginId);
  }

  kvList(pluginId: string, page: PageQuery): Promise<string[]> {
    return this.core.store.kvList(pluginId, page);
  }
}
