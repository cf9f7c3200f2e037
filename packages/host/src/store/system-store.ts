// The server's own values, Mattermost's Systems table: name and value pairs. Migration 11
// records the two every server has when it creates the table: when it was installed (the
// database created, or brought to this schema) and its diagnostic id. The server configuration
// saved at run time is kept here too, as JSON under CONFIGURATION.

/** When the server was installed, in ms since the epoch (Mattermost's InstallationDate). */
export const INSTALLATION_DATE = "InstallationDate";
/** The server's random id, 26 characters (Mattermost's DiagnosticId, also its telemetry id). */
export const DIAGNOSTIC_ID = "DiagnosticId";
/** The settings saved by SaveConfig and PUT /api/v4/config, one JSON object in Mattermost's shape. */
export const CONFIGURATION = "Configuration";

export interface SystemStore {
  /** The value recorded under `name`; undefined when none is. */
  getSystemValue(name: string): Promise<string | undefined>;
  /** Records `value` under `name`, replacing what was there. */
  setSystemValue(name: string, value: string): Promise<void>;
}
