/**
 * Secrets the host makes once and keeps for every host on the database: the key trigger ids
 * are signed with, the key post action cookies are sealed with. Never given to plugins.
 */
export interface HostKeyStore {
  /**
   * The value kept under `name`; when there is none, `make()` is kept and answered. Two hosts
   * asking at once get the same value (the first one kept).
   */
  hostKey(name: string, make: () => string): Promise<string>;
}
