// The server configuration in Mattermost's model.Config shape (server/public/model/config.go):
// the sections and settings this host has, their defaults, which are secret (replaced by
// "********" in a sanitised copy, as Mattermost's Sanitize does) and which can change while the
// server runs. A setting the embedder fixes when the host starts (HostOptions.serverConfig:
// `plugwire serve` puts its flags there) stays as given for the run, as Mattermost keeps the
// settings its environment overrides; the others that can change are read from the store at
// start and changed by SaveConfig and PUT /api/v4/config.
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { PermissionDeniedError, ValidationError } from "@plugwire/errors";

/** Mattermost's ServiceSettings.MaximumLoginAttempts default. */
export const DEFAULT_MAX_LOGIN_ATTEMPTS = 10;

/** What a sanitised secret reads as (Mattermost's FakeSetting). */
export const FAKE_SETTING = "********";

type SettingType = "string" | "number" | "boolean";

interface Setting {
  section: string;
  key: string;
  type: SettingType;
  default: string | number | boolean;
  /** Sanitised: "always" (even when empty, as Mattermost's DataSource) or "when-set". */
  secret?: "always" | "when-set";
  /** Can change at run time, unless the embedder fixed it at start. */
  live?: true;
  /** Mattermost's error for a value it can't run with: [id, what to do]. */
  check?: (value: never) => [string, string] | undefined;
}

const CONNECTION_SECURITY = ["", "TLS", "STARTTLS"];

/** Every setting this host has, in Mattermost's sections and names. */
const SETTINGS: readonly Setting[] = [
  { section: "ServiceSettings", key: "SiteURL", type: "string", default: "" },
  { section: "ServiceSettings", key: "ListenAddress", type: "string", default: ":8065" },
  {
    section: "ServiceSettings",
    key: "MaximumLoginAttempts",
    type: "number",
    default: DEFAULT_MAX_LOGIN_ATTEMPTS,
    live: true,
    check: (value: number) =>
      Number.isInteger(value) && value > 0
        ? undefined
        : [
            "model.config.is_valid.login_attempts.app_error",
            "ServiceSettings.MaximumLoginAttempts must be a whole number from 1.",
          ],
  },
  { section: "SqlSettings", key: "DriverName", type: "string", default: "sqlite3" },
  { section: "SqlSettings", key: "DataSource", type: "string", default: "", secret: "always" },
  { section: "FileSettings", key: "DriverName", type: "string", default: "local" },
  { section: "FileSettings", key: "Directory", type: "string", default: "" },
  { section: "FileSettings", key: "EnablePublicLink", type: "boolean", default: false },
  { section: "FileSettings", key: "PublicLinkSalt", type: "string", default: "", secret: "always" },
  { section: "PluginSettings", key: "Enable", type: "boolean", default: true },
  { section: "PluginSettings", key: "EnableUploads", type: "boolean", default: false },
  { section: "PluginSettings", key: "Directory", type: "string", default: "" },
  { section: "RateLimitSettings", key: "Enable", type: "boolean", default: false },
  { section: "RateLimitSettings", key: "PerSec", type: "number", default: 10 },
  { section: "RateLimitSettings", key: "MaxBurst", type: "number", default: 100 },
  { section: "RateLimitSettings", key: "VaryByUser", type: "boolean", default: false },
  { section: "EmailSettings", key: "SMTPServer", type: "string", default: "", live: true },
  {
    section: "EmailSettings",
    key: "SMTPPort",
    type: "string",
    default: "",
    live: true,
    check: (value: string) =>
      value === "" || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65_535)
        ? undefined
        : [
            "model.config.is_valid.smtp_port.app_error",
            `EmailSettings.SMTPPort must be a port number from 1 to 65535, as a string (got "${value}").`,
          ],
  },
  { section: "EmailSettings", key: "SMTPUsername", type: "string", default: "", live: true },
  {
    section: "EmailSettings",
    key: "SMTPPassword",
    type: "string",
    default: "",
    live: true,
    secret: "when-set",
  },
  { section: "EmailSettings", key: "EnableSMTPAuth", type: "boolean", default: false, live: true },
  {
    section: "EmailSettings",
    key: "ConnectionSecurity",
    type: "string",
    default: "",
    live: true,
    check: (value: string) =>
      CONNECTION_SECURITY.includes(value)
        ? undefined
        : [
            "model.config.is_valid.email_security.app_error",
            `EmailSettings.ConnectionSecurity must be "", "TLS" or "STARTTLS" (got "${value}").`,
          ],
  },
  {
    section: "EmailSettings",
    key: "SkipServerCertificateVerification",
    type: "boolean",
    default: false,
    live: true,
  },
  { section: "EmailSettings", key: "FeedbackEmail", type: "string", default: "", live: true },
  { section: "EmailSettings", key: "FeedbackName", type: "string", default: "", live: true },
  {
    section: "EmailSettings",
    key: "SMTPServerTimeout",
    type: "number",
    default: 10,
    live: true,
    check: (value: number) =>
      Number.isInteger(value) && value > 0
        ? undefined
        : [
            "model.config.is_valid.smtp_server_timeout.app_error",
            "EmailSettings.SMTPServerTimeout must be a whole number of seconds from 1.",
          ],
  },
];

const nameOf = (setting: Setting) => `${setting.section}.${setting.key}`;

/** A configuration in Mattermost's shape: sections of settings. */
export type ConfigSections = Record<string, Record<string, string | number | boolean>>;

/** The names ("Section.Key") of the settings that can change at run time unless fixed at start. */
export const LIVE_SETTINGS: readonly string[] = SETTINGS.filter((s) => s.live).map(nameOf);

/** The value of a setting in a configuration object, if it has one. */
function valueIn(config: JsonObject | undefined, setting: Setting): JsonValue | undefined {
  const section = config?.[setting.section];
  if (typeof section !== "object" || section === null || Array.isArray(section)) return undefined;
  return section[setting.key];
}

function typeName(value: JsonValue): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

function put(config: ConfigSections, setting: Setting, value: string | number | boolean): void {
  const section = config[setting.section] ?? {};
  section[setting.key] = value;
  config[setting.section] = section;
}

/** How a save treats the settings its input leaves out. */
export type SaveMode =
  /** The input is the whole configuration: a live setting left out goes back to its default (Mattermost's SetDefaults on PUT /config). */
  | "replace"
  /** The input is a patch: what it leaves out stays (PUT /config/patch). */
  | "patch";

/**
 * The configuration of one host: the settings fixed at start and the live ones, whose current
 * values the store keeps. Immutable: a save makes the next one.
 */
export class ServerConfig {
  private constructor(
    /** Settings fixed for this run, by name. */
    private readonly fixed: ReadonlyMap<string, string | number | boolean>,
    /** Every setting's current value, by name. */
    private readonly values: ReadonlyMap<string, string | number | boolean>,
  ) {}

  /**
   * The configuration of a host started with `start` (settings it fixes, in Mattermost's shape;
   * unknown ones are ignored) and `stored` (the live settings saved before, as `toStored` wrote).
   */
  static create(start: JsonObject = {}, stored: JsonObject = {}): ServerConfig {
    const fixed = new Map<string, string | number | boolean>();
    const values = new Map<string, string | number | boolean>();
    for (const setting of SETTINGS) {
      const given = valueIn(start, setting);
      if (given !== undefined && typeof given === setting.type) {
        fixed.set(nameOf(setting), given as string | number | boolean);
        values.set(nameOf(setting), given as string | number | boolean);
        continue;
      }
      const kept = setting.live ? valueIn(stored, setting) : undefined;
      values.set(
        nameOf(setting),
        kept !== undefined && typeof kept === setting.type
          ? (kept as string | number | boolean)
          : setting.default,
      );
    }
    return new ServerConfig(fixed, values);
  }

  /** The same with the settings `start` gives fixed as well, e.g. a URL known once listening. */
  withFixed(start: JsonObject): ServerConfig {
    const fixed = new Map(this.fixed);
    const values = new Map(this.values);
    for (const setting of SETTINGS) {
      const given = valueIn(start, setting);
      if (given === undefined || typeof given !== setting.type) continue;
      fixed.set(nameOf(setting), given as string | number | boolean);
      values.set(nameOf(setting), given as string | number | boolean);
    }
    return new ServerConfig(fixed, values);
  }

  /** The same fixed settings with the live ones read from the store again. */
  withStored(stored: JsonObject): ServerConfig {
    const values = new Map(this.values);
    for (const setting of SETTINGS) {
      if (!setting.live || this.fixed.has(nameOf(setting))) continue;
      const kept = valueIn(stored, setting);
      values.set(
        nameOf(setting),
        kept !== undefined && typeof kept === setting.type
          ? (kept as string | number | boolean)
          : setting.default,
      );
    }
    return new ServerConfig(this.fixed, values);
  }

  /** One setting's value, e.g. get("EmailSettings", "SMTPServer"). */
  get(section: string, key: string): string | number | boolean | undefined {
    return this.values.get(`${section}.${key}`);
  }

  /** The whole configuration, secrets included. */
  unsanitized(): ConfigSections {
    const config: ConfigSections = {};
    for (const setting of SETTINGS) put(config, setting, this.values.get(nameOf(setting)) ?? "");
    return config;
  }

  /** The whole configuration with its secrets replaced by "********", as Mattermost's Sanitize. */
  sanitized(): ConfigSections {
    const config: ConfigSections = {};
    for (const setting of SETTINGS) {
      const value = this.values.get(nameOf(setting)) ?? "";
      const hide = setting.secret === "always" || (setting.secret === "when-set" && value !== "");
      put(config, setting, hide ? FAKE_SETTING : value);
    }
    return config;
  }

  /** What the store keeps: the live settings that were not fixed at start. */
  toStored(): ConfigSections {
    const config: ConfigSections = {};
    for (const setting of SETTINGS) {
      if (setting.live && !this.fixed.has(nameOf(setting))) {
        put(config, setting, this.values.get(nameOf(setting)) ?? setting.default);
      }
    }
    return config;
  }

  /**
   * The configuration `input` asks for, checked: each setting of the wrong type is a 400, a
   * secret given as "********" keeps its value, a change to a setting that can't change now is
   * refused (403, Mattermost's not_allowed_security), and the values are checked as
   * Mattermost's IsValid does (400). Sections and settings this host does not have are ignored.
   */
  applied(input: JsonObject, mode: SaveMode): ServerConfig {
    const values = new Map(this.values);
    for (const setting of SETTINGS) {
      const name = nameOf(setting);
      const current = this.values.get(name) ?? setting.default;
      const given = valueIn(input, setting);
      const canChange = setting.live === true && !this.fixed.has(name);
      let next: string | number | boolean;
      if (given === undefined) {
        next = mode === "replace" && canChange ? setting.default : current;
      } else if (setting.secret !== undefined && given === FAKE_SETTING) {
        next = current;
      } else if (typeof given !== setting.type) {
        throw new ValidationError({
          id: "api.context.invalid_body_param.app_error",
          message: `Invalid config: ${name} must be a ${setting.type}, not ${typeName(given)}.`,
          params: { field: "config", name },
        });
      } else {
        next = given as string | number | boolean;
      }
      if (next !== current && !canChange) throw notChangeable(name, setting.live === true);
      const problem = setting.check?.(next as never);
      if (problem !== undefined) {
        throw new ValidationError({ id: problem[0], message: problem[1], params: { name } });
      }
      values.set(name, next);
    }
    return new ServerConfig(this.fixed, values);
  }
}

function notChangeable(name: string, live: boolean): PermissionDeniedError {
  const why = live
    ? "it was set when the server started (a flag of plugwire serve, or the embedder's serverConfig), which keeps it for this run; restart the server with the new value, or without it to change it here"
    : `the server takes it only when it starts; the settings that change at run time are ${LIVE_SETTINGS.join(", ")}`;
  return new PermissionDeniedError({
    id: "api.config.update_config.not_allowed_security.app_error",
    message: `${name} can't be changed through the API: ${why}.`,
    params: { Name: name },
  });
}
