// The command line of `plugwire`: what each flag means, the help text, and the checks that turn
// a mistyped command into a message saying what to type instead. Nothing here touches the disk
// but the read of --admin-password-file.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MAX_LOGIN_ATTEMPTS } from "../app/session-operations.js";
import { DEFAULT_METRICS_HOSTNAME } from "../http/metrics-server.js";
import {
  DEFAULT_LOGIN_RATE_LIMIT,
  type RateLimitSettings,
  type RestRateLimits,
} from "../http/rest/rate-limit.js";
import { DEFAULT_REST_HOSTNAME, DEFAULT_REST_PORT } from "../http/rest/server.js";
import type { LogLevel } from "../log.js";
import { closestName } from "../manifest/closest-name.js";
import { DEFAULT_HOOK_TIMEOUT_MS } from "../supervisor/plugin-process.js";
import type { PluginIdRange } from "../supervisor/plugin-users.js";
import type { SandboxPolicy } from "../supervisor/sandbox-policy.js";

/** What `plugwire serve` runs with, every path absolute. */
export interface ServeOptions {
  /** Folders whose subfolders are plugins, enabled on first run. */
  pluginFolders: string[];
  dataDir: string;
  /** Where uploaded files go (--files); <dataDir>/files when absent. */
  filesDir: string | undefined;
  /** A PostgreSQL URL (--database or PLUGWIRE_DATABASE_URL); SQLite in dataDir when absent. */
  databaseUrl: string | undefined;
  port: number;
  hostname: string;
  /** The URL people and plugins use to reach the server; default: the URL listened on. */
  siteUrl: string | undefined;
  /** The system admin to create on first start, if any. */
  admin: AdminCredentials | undefined;
  /** Create the demo admin, team and channel on first start and print how to try the server. */
  demo: boolean;
  logLevel: LogLevel;
  /** Deadline of each hook call, in ms. */
  hookTimeoutMs: number;
  /** How plugins are confined: permission model, what admins allow, own users when root. */
  sandbox: SandboxPolicy;
  /**
   * Wrong passwords that lock an account (fixed for the run when given; else the saved
   * configuration's, 10 by default).
   */
  maxLoginAttempts: number | undefined;
  /** Let integrations (commands, post actions, dialogs) call URLs other than plugin routes. */
  allowExternalIntegrationUrls: boolean;
  rateLimits: RestRateLimits;
  /** The metrics listener (--metrics-port, --metrics-host); none unless a port is given. */
  metrics: { port: number; hostname: string } | undefined;
  /** Serve public file links (Mattermost's EnablePublicLink), salted with <data>/public-link-salt. */
  publicLinks: boolean;
  /**
   * The SMTP settings given (--smtp-*, PLUGWIRE_SMTP_PASSWORD), as the configuration's
   * EmailSettings: fixed for the run; those left out come from the saved configuration.
   */
  smtp: SmtpSettings;
}

/** EmailSettings given on the command line, in Mattermost's names. */
export interface SmtpSettings {
  SMTPServer?: string;
  SMTPPort?: string;
  SMTPUsername?: string;
  SMTPPassword?: string;
  EnableSMTPAuth?: boolean;
  ConnectionSecurity?: string;
  SkipServerCertificateVerification?: boolean;
  FeedbackEmail?: string;
}

export interface AdminCredentials {
  username: string;
  password: string;
  email: string;
}

/** The command line asked for help, the version, or a server. */
export type Command =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | { kind: "serve"; options: ServeOptions };

/** A command line that can't be run; the message says how to fix it. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Plugin user and group ids when the host runs as root and nothing else is said. */
export const DEFAULT_PLUGIN_IDS: PluginIdRange = { first: 70_000, count: 1_000 };

const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error"];

const flags = {
  plugins: { type: "string", multiple: true },
  data: { type: "string" },
  database: { type: "string" },
  files: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  "site-url": { type: "string" },
  "admin-username": { type: "string" },
  "admin-password": { type: "string" },
  "admin-email": { type: "string" },
  demo: { type: "boolean" },
  "log-level": { type: "string" },
  "hook-timeout": { type: "string" },
  "admin-password-file": { type: "string" },
  "plugin-uid-range": { type: "string" },
  "allow-plugin-permissions": { type: "string", multiple: true },
  "plugin-read-path": { type: "string", multiple: true },
  "plugin-max-heap": { type: "string" },
  "max-login-attempts": { type: "string" },
  "allow-external-integration-urls": { type: "boolean" },
  "rate-limit": { type: "string" },
  "login-rate-limit": { type: "string" },
  "metrics-port": { type: "string" },
  "metrics-host": { type: "string" },
  "enable-public-links": { type: "boolean" },
  "smtp-host": { type: "string" },
  "smtp-port": { type: "string" },
  "smtp-username": { type: "string" },
  "smtp-from": { type: "string" },
  "smtp-security": { type: "string" },
  "smtp-skip-cert-verify": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

export const usage = `Usage: plugwire serve --data <dir> [--plugins <dir>]... [options]

Runs a Plugwire host: the REST API (a subset of Mattermost's API v4) on one port and every
plugin as its own process.

Options:
  --data <dir>             data folder: the SQLite database, uploaded files and bundles
                           installed over the API (in <dir>/plugins); created if missing
  --database <url>         keep the data in PostgreSQL (postgres://user@host:port/db) instead
                           of SQLite in the data folder; prefer PLUGWIRE_DATABASE_URL, which
                           keeps a password out of ps
  --files <dir>            folder of uploaded files (default <data>/files); the hosts of a
                           cluster (one PostgreSQL database) share one, e.g. on NFS
  --plugins <dir>          folder whose subfolders are plugins (repeatable); each is enabled
                           on its first run, then stays as an admin leaves it
  --port <n>               port of the REST API (default ${DEFAULT_REST_PORT}; 0 picks a free one)
  --host <address>         address to listen on (default ${DEFAULT_REST_HOSTNAME}; 0.0.0.0 for every interface)
  --site-url <url>         the server's public URL (default http://<host>:<port>)
  --admin-username <name>  on first start (no users yet), create this system admin
  --admin-password-file <file>
                           its password, at least 8 characters, read from the file (one
                           trailing newline ignored): the recommended way, seen by no one
  --admin-password <pw>    the password itself; other users of the machine see it in ps
  --admin-email <email>    its e-mail address (default <name>@localhost)
  --demo                   create a demo admin (fixed demo credentials, printed) on first
                           start and a demo team and channel when missing, and print curl
                           commands that try the Hello plugin
  --log-level <level>      debug, info, warn or error (default info)
  --hook-timeout <ms>      deadline of each hook call (default ${DEFAULT_HOOK_TIMEOUT_MS}); a plugin whose
                           hook misses it is skipped until it answers a health check again
  --plugin-uid-range <first>-<last>
                           when run as root, each plugin runs as its own user and group,
                           one id from this range each (default ${DEFAULT_PLUGIN_IDS.first}-${DEFAULT_PLUGIN_IDS.first + DEFAULT_PLUGIN_IDS.count - 1}); "off" runs
                           plugins as root
  --allow-plugin-permissions <id>
                           let this plugin have what its manifest's server.permissions asks
                           beyond Node's permission model (child_process, worker_threads,
                           addons, wasi); repeatable; "*" for every plugin
  --plugin-read-path <path>
                           a file or folder every Node plugin may read besides its own
                           folder, e.g. a shared SDK (repeatable)
  --plugin-max-heap <MiB>  largest JavaScript heap of each Node plugin: one that allocates
                           without end dies there and is restarted (default: Node's)
  --max-login-attempts <n> wrong passwords that lock an account until an admin resets it or
                           sets a new password (default ${DEFAULT_MAX_LOGIN_ATTEMPTS})
  --allow-external-integration-urls
                           let custom slash commands, message buttons and dialogs call URLs
                           other than plugin routes (/plugins/<id>/...): outbound requests
                           to any host; off by default
  --rate-limit <per-sec>/<burst>[/user]
                           limit every API request per address (per user with "/user");
                           off by default; refused requests get 429 and X-RateLimit-* headers
  --login-rate-limit <per-sec>/<burst> | off
                           limit logins per address (default ${DEFAULT_LOGIN_RATE_LIMIT.perSec}/${DEFAULT_LOGIN_RATE_LIMIT.maxBurst})
  --metrics-port <n>       serve Prometheus metrics on this port (off unless given; Mattermost
                           uses 8067): GET /metrics, and /plugins/<id>/metrics from each
                           plugin's ServeMetrics hook; no login, as Mattermost's
  --metrics-host <address> address of the metrics listener (default ${DEFAULT_METRICS_HOSTNAME})
  --enable-public-links    serve public links to files of posts (GetFileLink,
                           /files/<id>/public), readable without logging in; their salt is
                           made once in <data>/public-link-salt (delete it to revoke them all)
  --smtp-host <host>       the SMTP server plugins' SendMail sends through; with the other
                           --smtp-* flags, fixes that setting for the run (else an admin
                           sets it at run time: PUT /api/v4/config, EmailSettings)
  --smtp-port <n>          its port (default 25; 465 with --smtp-security tls)
  --smtp-username <name>   log in with this name; the password comes from
                           PLUGWIRE_SMTP_PASSWORD only, which keeps it out of ps
  --smtp-security <mode>   none (default), tls (TLS from the start) or starttls
  --smtp-skip-cert-verify  accept any certificate of the SMTP server (self-signed)
  --smtp-from <address>    the sender of the e-mails (default noreply@<this host's name>)
  -h, --help               print this help
  -v, --version            print the version

Environment:
  PLUGWIRE_ADMIN_USERNAME, PLUGWIRE_ADMIN_PASSWORD, PLUGWIRE_ADMIN_EMAIL
                           the same as the --admin-* flags, which take precedence; a
                           process's environment is readable by others running as its user,
                           so prefer --admin-password-file
  PLUGWIRE_DATABASE_URL    the same as --database, which takes precedence
  PLUGWIRE_SMTP_PASSWORD   the password of --smtp-username on the SMTP server

Stop the server with Ctrl+C (SIGINT) or SIGTERM: plugins are deactivated and shut down and the
database is closed. A second signal exits at once.

Example:
  plugwire serve --plugins ./plugins --data ./data --port ${DEFAULT_REST_PORT}
`;

/** Reads a file's text; parseCommand's one access to the disk. */
export type ReadTextFile = (path: string) => string;

/** Reads `plugwire <argv>`; `cwd` resolves relative paths. Throws UsageError. */
export function parseCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  readTextFile: ReadTextFile = (path) => readFileSync(path, "utf8"),
): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help") return { kind: "help", text: usage };
  if (command === "--help" || command === "-h") return { kind: "help", text: usage };
  if (command === "--version" || command === "-v") return { kind: "version" };
  if (command !== "serve") {
    throw new UsageError(`unknown command "${command}"; the command is \`plugwire serve\``);
  }
  const { values } = parse(rest);
  if (values.help) return { kind: "help", text: usage };
  if (values.version) return { kind: "version" };
  return { kind: "serve", options: serveOptions(values, env, cwd, readTextFile) };
}

type Values = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
}

function describeParseError(error: Error & { code?: string }): string {
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
    const known = Object.keys(flags).map((name) => `--${name}`);
    return `unknown option ${unknown}${didYouMean(unknown, known)}`;
  }
  const missingValue = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(
    error.message,
  )?.[1];
  if (missingValue !== undefined) return `${missingValue} needs a value`;
  const positional = /^Unexpected argument '([^']*)'/.exec(error.message)?.[1];
  if (positional !== undefined) {
    return `unexpected argument "${positional}"; every value follows its flag, e.g. --data ${positional}`;
  }
  return error.message;
}

function serveOptions(
  values: Values,
  env: NodeJS.ProcessEnv,
  cwd: string,
  readTextFile: ReadTextFile,
): ServeOptions {
  if (values.data === undefined || values.data === "") {
    throw new UsageError("--data is required: the folder for the database and uploaded files");
  }
  const port = parsePort(values.port);
  const hostname = values.host ?? DEFAULT_REST_HOSTNAME;
  const siteUrl = parseSiteUrl(values["site-url"]);
  const logLevel = values["log-level"] ?? "info";
  if (!logLevels.includes(logLevel as LogLevel)) {
    throw new UsageError(`--log-level must be one of ${logLevels.join(", ")} (got "${logLevel}")`);
  }
  return {
    pluginFolders: (values.plugins ?? []).map((folder) => resolve(cwd, folder)),
    dataDir: resolve(cwd, values.data),
    filesDir: values.files === undefined ? undefined : resolve(cwd, values.files),
    databaseUrl: parseDatabaseUrl(values.database ?? env.PLUGWIRE_DATABASE_URL),
    port,
    hostname,
    siteUrl,
    admin: adminCredentials(values, env, adminPasswordFromFile(values, cwd, readTextFile)),
    demo: values.demo ?? false,
    logLevel: logLevel as LogLevel,
    hookTimeoutMs: parseHookTimeout(values["hook-timeout"]),
    sandbox: {
      allowPermissions: values["allow-plugin-permissions"] ?? [],
      readablePaths: (values["plugin-read-path"] ?? []).map((path) => resolve(cwd, path)),
      ...(values["plugin-max-heap"] === undefined
        ? {}
        : { maxHeapMiB: parseCount("--plugin-max-heap", values["plugin-max-heap"]) }),
      pluginIds: parsePluginIdRange(values["plugin-uid-range"]),
    },
    maxLoginAttempts:
      values["max-login-attempts"] === undefined
        ? undefined
        : parseCount("--max-login-attempts", values["max-login-attempts"]),
    allowExternalIntegrationUrls: values["allow-external-integration-urls"] ?? false,
    rateLimits: {
      api: parseRateLimit("--rate-limit", values["rate-limit"]) ?? false,
      login: parseRateLimit("--login-rate-limit", values["login-rate-limit"] ?? "default"),
    },
    publicLinks: values["enable-public-links"] ?? false,
    metrics: metricsListener(values),
    smtp: smtpSettings(values, env),
  };
}

const SMTP_SECURITY: Record<string, string> = { none: "", tls: "TLS", starttls: "STARTTLS" };

function smtpSettings(values: Values, env: NodeJS.ProcessEnv): SmtpSettings {
  const port = values["smtp-port"];
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535)) {
    throw new UsageError(`--smtp-port must be a number from 1 to 65535 (got "${port}")`);
  }
  const security = values["smtp-security"];
  if (security !== undefined && SMTP_SECURITY[security] === undefined) {
    throw new UsageError(`--smtp-security must be one of none, tls, starttls (got "${security}")`);
  }
  const from = values["smtp-from"];
  if (from !== undefined && !/^[^\s@]+@[^\s@]+$/.test(from)) {
    throw new UsageError(`--smtp-from must be an e-mail address (got "${from}")`);
  }
  const username = values["smtp-username"];
  const password = env.PLUGWIRE_SMTP_PASSWORD || undefined;
  if (password !== undefined && username === undefined) {
    throw new UsageError(
      "PLUGWIRE_SMTP_PASSWORD needs --smtp-username: the login it is the password of",
    );
  }
  return {
    ...(values["smtp-host"] !== undefined && { SMTPServer: values["smtp-host"] }),
    ...(port !== undefined && { SMTPPort: port }),
    ...(username !== undefined && { SMTPUsername: username, EnableSMTPAuth: true }),
    ...(password !== undefined && { SMTPPassword: password }),
    ...(security !== undefined && { ConnectionSecurity: SMTP_SECURITY[security] }),
    ...(values["smtp-skip-cert-verify"] && { SkipServerCertificateVerification: true }),
    ...(from !== undefined && { FeedbackEmail: from }),
  };
}

function metricsListener(values: Values): ServeOptions["metrics"] {
  const hostname = values["metrics-host"];
  if (values["metrics-port"] === undefined) {
    if (hostname !== undefined) {
      throw new UsageError(
        "--metrics-host needs --metrics-port: the metrics listener is off without it",
      );
    }
    return undefined;
  }
  return {
    port: parsePort(values["metrics-port"], "--metrics-port"),
    hostname: hostname || DEFAULT_METRICS_HOSTNAME,
  };
}

function parseDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new UsageError(
      "--database (or PLUGWIRE_DATABASE_URL) must be a PostgreSQL URL such as postgres://plugwire@localhost:5432/plugwire",
    );
  }
  return value;
}

function parseCount(flag: string, value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_LOGIN_ATTEMPTS;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`${flag} must be a whole number from 1 (got "${value}")`);
  }
  return Number(value);
}

/** "<per-sec>/<burst>[/user]", "off", or "default"; undefined for none given. */
function parseRateLimit(
  flag: string,
  value: string | undefined,
): RateLimitSettings | false | undefined {
  if (value === undefined) return undefined;
  if (value === "off") return false;
  if (value === "default") return DEFAULT_LOGIN_RATE_LIMIT;
  const match = /^(\d+(?:\.\d+)?)\/(\d+)(\/user)?$/.exec(value);
  if (match === null || !(Number(match[1]) > 0)) {
    throw new UsageError(
      `${flag} must be "<requests per second>/<burst>", e.g. 10/100, optionally "/user" to count per user, or "off" (got "${value}")`,
    );
  }
  return {
    perSec: Number(match[1]),
    maxBurst: Number(match[2]),
    ...(match[3] === undefined ? {} : { varyByUser: true }),
  };
}

/** The range asked for; by default, plugins of a host running as root get their own users. */
function parsePluginIdRange(value: string | undefined): PluginIdRange | undefined {
  if (value === "off") return undefined;
  if (value === undefined) return process.getuid?.() === 0 ? DEFAULT_PLUGIN_IDS : undefined;
  const match = /^(\d+)-(\d+)$/.exec(value);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (match === null || first < 1_000 || last < first || last > 4_294_967_294) {
    throw new UsageError(
      `--plugin-uid-range must be "<first>-<last>" with 1000 <= first <= last, ids no other user of the machine has, or "off" (got "${value}")`,
    );
  }
  return { first, count: last - first + 1 };
}

function adminPasswordFromFile(
  values: Values,
  cwd: string,
  readTextFile: ReadTextFile,
): string | undefined {
  const file = values["admin-password-file"];
  if (file === undefined) return undefined;
  if (values["admin-password"] !== undefined) {
    throw new UsageError("give --admin-password or --admin-password-file, not both");
  }
  try {
    return readTextFile(resolve(cwd, file)).replace(/\r?\n$/, "");
  } catch (error) {
    throw new UsageError(
      `--admin-password-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; give a file holding the password`,
    );
  }
}

function parseHookTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HOOK_TIMEOUT_MS;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > 3_600_000) {
    throw new UsageError(
      `--hook-timeout must be a number of milliseconds from 1 to 3600000 (got "${value}")`,
    );
  }
  return ms;
}

function parsePort(value: string | undefined, flag = "--port"): number {
  if (value === undefined) return DEFAULT_REST_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new UsageError(`${flag} must be a number from 0 to 65535 (got "${value}")`);
  }
  return port;
}

function parseSiteUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--site-url must be a URL such as https://chat.example.com (got "${value}")`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--site-url must start with http:// or https:// (got "${value}")`);
  }
  return value.replace(/\/+$/, "");
}

function adminCredentials(
  values: Values,
  env: NodeJS.ProcessEnv,
  passwordFromFile: string | undefined,
): AdminCredentials | undefined {
  const username = values["admin-username"] ?? env.PLUGWIRE_ADMIN_USERNAME;
  const password = values["admin-password"] ?? passwordFromFile ?? env.PLUGWIRE_ADMIN_PASSWORD;
  const email = values["admin-email"] ?? env.PLUGWIRE_ADMIN_EMAIL;
  if (username === undefined && password === undefined && email === undefined) return undefined;
  if (!username) {
    throw new UsageError(
      "--admin-username (or PLUGWIRE_ADMIN_USERNAME) is required with an admin password or e-mail",
    );
  }
  if (!/^[a-z][a-z0-9._-]{2,21}$/.test(username)) {
    throw new UsageError(
      `--admin-username must be 3 to 22 lower-case letters, digits, ".", "_" or "-", starting with a letter (got "${username}")`,
    );
  }
  if (!password) {
    throw new UsageError(
      "--admin-password-file (or --admin-password, or PLUGWIRE_ADMIN_PASSWORD) is required with --admin-username",
    );
  }
  if (password.length < 8) {
    throw new UsageError("the admin password must be at least 8 characters long");
  }
  return { username, password, email: email || `${username}@localhost` };
}

function didYouMean(given: string, known: readonly string[]): string {
  const guess = closestName(given, known);
  return guess === undefined ? "" : `; did you mean ${guess}?`;
}
