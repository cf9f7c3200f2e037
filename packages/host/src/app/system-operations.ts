// The server's own identity, as plugins read it: when it was installed and its diagnostic id
// (Mattermost's telemetry id is the same id). Both are recorded by the store's migrations.
import { InternalError } from "@plugwire/errors";
import { DIAGNOSTIC_ID, INSTALLATION_DATE, type SystemStore } from "../store/system-store.js";

export interface SystemOperations {
  /** When the server was installed (its database created), in ms since the epoch. */
  getSystemInstallDate(): Promise<number>;
  /** The server's diagnostic id, 26 characters; also its telemetry id. */
  getDiagnosticId(): Promise<string>;
}

export class System implements SystemOperations {
  constructor(private readonly store: SystemStore) {}

  async getSystemInstallDate(): Promise<number> {
    return Number(await this.value(INSTALLATION_DATE));
  }

  getDiagnosticId(): Promise<string> {
    return this.value(DIAGNOSTIC_ID);
  }

  private async value(name: string): Promise<string> {
    const value = await this.store.getSystemValue(name);
    if (value === undefined) {
      throw new InternalError({
        id: "app.system.missing_value",
        message: `The database has no ${name} in its systems table, which its migrations record; the database was changed by hand.`,
        params: { name },
      });
    }
    return value;
  }
}
