// The server's own values, Mattermost's Systems table: name and value pairs. Migration 11
// records the two every server has when it creates the table: when it was installed (the
// database created, or brought to this schema) and its diagnostic id.

/** When the server was installed, in ms since the epoch (Mattermost's InstallationDate). */
export const INSTALLATION_DATE = "InstallationDate";
/** The server's random id, 26 characters (Mattermost's DiagnosticId, also its telemetry id). */
export const DIAGNOSTIC_ID = "DiagnosticId";

export interface SystemStore {
  /** The value recorded under `name`; undefined when none is. */
  getSystemValue(name: string): Promise<string | undefined>;
}
