// The environment a host starts a plugin process with (PluginEnv in @plugwire/protocol), read
// and checked once, so a misconfigured start fails with a sentence rather than a stack trace.
import {
  APP_PROTOCOL_VERSIONS,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  PluginEnv,
} from "@plugwire/protocol";
import { type LogLevel, parseLogLevel } from "../logger/logger.js";

/** The settings of one plugin process. */
export interface PluginProcessEnv {
  socketDir: string;
  apiTarget: string;
  token: string;
  pluginId: string;
  logLevel: LogLevel;
  /** The application protocol version agreed with the host: the newest both speak. */
  protocolVersion: number;
}

/** What a person who runs a plugin by hand is told. */
export const notStartedByHostMessage = `This is a Plugwire plugin, and it was run by hand.
Plugins are started by the Plugwire host, which gives them the socket, API address and token
they need; run on their own they can do nothing. Install the plugin on a Plugwire server
instead. (The host sets ${MAGIC_COOKIE_KEY} when it starts a plugin; it is not set here.)
`;

/** Whether a host started this process: the magic cookie is set. */
export function startedByHost(env: NodeJS.ProcessEnv): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/** Reads the environment; throws an Error naming what is missing or incompatible. */
export function readPluginEnv(env: NodeJS.ProcessEnv): PluginProcessEnv {
  // A host that says nothing speaks the first version, as go-plugin assumes.
  const offered = (env[PluginEnv.protocolVersions] ?? "1").split(",").map((v) => v.trim());
  const protocolVersion = Math.max(
    0,
    ...APP_PROTOCOL_VERSIONS.filter((version) => offered.includes(String(version))),
  );
  if (protocolVersion === 0) {
    throw new Error(
      `the host speaks plugin protocol version(s) ${offered.join(", ")}, but this @plugwire/sdk speaks ${APP_PROTOCOL_VERSIONS.join(", ")}; use an SDK version the host supports`,
    );
  }
  return {
    protocolVersion,
    socketDir: requireVariable(env, PluginEnv.unixSocketDir),
    apiTarget: requireVariable(env, PluginEnv.apiTarget),
    token: requireVariable(env, PluginEnv.apiToken),
    pluginId: env[PluginEnv.pluginId] ?? "",
    logLevel: parseLogLevel(env[PluginEnv.logLevel]),
  };
}

function requireVariable(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set; the host sets it when it starts a plugin`);
  }
  return value;
}
