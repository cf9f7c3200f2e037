// The environment a plugin process starts with. It is built from nothing: a plugin sees only
// the few host variables a program needs to run (never the host's secrets) and the variables
// of the Plugwire process conventions.
import { APP_PROTOCOL_VERSIONS, MAGIC_COOKIE_VALUE, PluginEnv } from "@plugwire/protocol";
import type { LogLevel } from "../log.js";

/** Host variables a plugin inherits when they are set; nothing else is passed on. */
export const INHERITED_VARIABLES = ["PATH", "HOME", "LANG", "TZ", "TMPDIR"] as const;

export interface PluginEnvironmentInit {
  pluginId: string;
  /** The private folder the plugin creates its socket in. */
  socketDir: string;
  /** The socket of the plugin's PluginAPI server. */
  apiSocketPath: string;
  /** The per-start token. */
  token: string;
  /** Lowest level the plugin's logger writes. */
  logLevel: LogLevel;
  hookTimeoutMs: number;
  /** The plugin's writable data folder, when the host provides one. */
  dataDir?: string;
}

/** The complete environment of one plugin start; `hostEnv` is read only for INHERITED_VARIABLES. */
export function pluginEnvironment(
  init: PluginEnvironmentInit,
  hostEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = hostEnv[name];
    if (value !== undefined) {
      env[name] = value;
    }
  }
  env[PluginEnv.magicCookie] = MAGIC_COOKIE_VALUE;
  env[PluginEnv.protocolVersions] = APP_PROTOCOL_VERSIONS.join(",");
  env[PluginEnv.unixSocketDir] = init.socketDir;
  env[PluginEnv.pluginId] = init.pluginId;
  env[PluginEnv.apiTarget] = `unix:${init.apiSocketPath}`;
  env[PluginEnv.apiToken] = init.token;
  env[PluginEnv.logLevel] = init.logLevel;
  env[PluginEnv.hookTimeoutMs] = String(init.hookTimeoutMs);
  if (init.dataDir !== undefined) {
    env[PluginEnv.dataDir] = init.dataDir;
  }
  return env;
}
