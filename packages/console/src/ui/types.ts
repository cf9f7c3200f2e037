// The REST API's answers as the console reads them: Mattermost's own types (@mattermost/types,
// what its clients use) and, beside them, the fields and routes that are Plugwire's own.
import type { PluginStatus } from "@mattermost/types/plugins";
import type { UserProfile } from "@mattermost/types/users";

export type {
  PluginManifest,
  PluginSetting,
  PluginSettingSection,
  PluginSettingsSchema,
  PluginsResponse,
} from "@mattermost/types/plugins";
export type { UserProfile };

/** GET /api/v4/plugins/statuses: Mattermost's PluginStatus with what Plugwire adds. */
export interface ConsolePluginStatus extends PluginStatus {
  /** Why it crashed or failed, when it did. */
  error?: string;
  /** Since when it runs, ms since the epoch; 0 unless running. */
  active_since: number;
  /** Restarts after crashes since it was last started. */
  restarts: number;
  /** The last lines its process printed, oldest first, as "stdout: …" or "stderr: …". */
  last_output: string[];
}

/** Mattermost's PluginState numbers, as the host answers them. */
export const PluginState = { NotRunning: 0, Starting: 1, Running: 2, Failed: 3 } as const;

/** The v4 error body. */
export interface ApiErrorBody {
  id: string;
  message: string;
  detailed_error: string;
  request_id: string;
  status_code: number;
}

/** GET /api/v4/plugins/{plugin_id}/activity */
export interface PluginActivity {
  plugin_id: string;
  hooks: HookActivity[];
}

export interface HookActivity {
  hook: string;
  /** The last minutes, oldest first, every minute present. */
  minutes: HookMinute[];
}

export interface HookMinute {
  /** The minute's start, ms since the epoch. */
  start: number;
  calls: number;
  failures: number;
  timeouts: number;
  p50_ms: number;
  p99_ms: number;
}

/** One event of GET /api/v4/plugins/{plugin_id}/logs. */
export interface LogEvent {
  time: number;
  level: "debug" | "info" | "warn" | "error";
  msg: string;
  plugin_id: string;
  fields: Record<string, unknown>;
}

/** GET /api/v4/system/server */
export interface ServerInfo {
  version: string;
  store: "sqlite" | "postgresql";
}

/** One node of GET /api/v4/cluster/status (Mattermost's ClusterInfo), where the host serves it. */
export interface ClusterNode {
  id: string;
  version: string;
  hostname: string;
  ipaddress?: string;
  schema_version?: string;
  config_hash?: string;
  /** Plugwire's own: when the node last recorded itself, ms since the epoch. */
  last_seen_at?: number;
  /** Plugwire's own: when the node started, ms since the epoch. */
  started_at?: number;
}

/** What the current user is, as GET /api/v4/users/me answers. */
export type CurrentUser = Pick<UserProfile, "id" | "username" | "roles">;
