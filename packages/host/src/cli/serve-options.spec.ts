// parseCommand: the command line and environment of `plugwire`, read into ServeOptions or
// refused with a UsageError that says what to type instead.
import { describe, expect, it } from "vitest";
import { DEFAULT_REST_PORT } from "../http/rest/server.js";
import { DEFAULT_HOOK_TIMEOUT_MS } from "../supervisor/plugin-process.js";
import { DEFAULT_PLUGIN_IDS, parseCommand, UsageError } from "./serve-options.js";

const cwd = "/srv/chat";

/** Files parseCommand may read, by absolute path. */
const files: Record<string, string> = { "/srv/chat/admin-password": "from-the-file\n" };

function serveOptions(args: string[], env: NodeJS.ProcessEnv = {}) {
  const command = parseCommand(["serve", ...args], env, cwd, (path) => {
    const text = files[path];
    if (text === undefined) {
      throw Object.assign(new Error(`no file ${path}`), { code: "ENOENT" });
    }
    return text;
  });
  if (command.kind !== "serve") throw new Error(`expected serve, got ${command.kind}`);
  return command.options;
}

describe("parseCommand", () => {
  it("reads serve's flags, resolving folders against the working directory", () => {
    expect(
      serveOptions([
        "--data",
        "data",
        "--plugins",
        "plugins",
        "--plugins",
        "/opt/more-plugins",
        "--port",
        "0",
        "--host",
        "0.0.0.0",
        "--site-url",
        "https://chat.example.com/",
        "--log-level",
        "debug",
        "--hook-timeout",
        "2500",
        "--plugin-uid-range",
        "80000-80099",
        "--allow-plugin-permissions",
        "com.example.a",
        "--allow-plugin-permissions",
        "com.example.b",
        "--plugin-read-path",
        "shared",
        "--plugin-max-heap",
        "256",
        "--files",
        "/mnt/shared/files",
        "--max-login-attempts",
        "5",
        "--allow-external-integration-urls",
        "--rate-limit",
        "10/100/user",
        "--login-rate-limit",
        "off",
        "--enable-public-links",
      ]),
    ).toEqual({
      pluginFolders: ["/srv/chat/plugins", "/opt/more-plugins"],
      dataDir: "/srv/chat/data",
      filesDir: "/mnt/shared/files",
      port: 0,
      hostname: "0.0.0.0",
      siteUrl: "https://chat.example.com",
      admin: undefined,
      demo: false,
      logLevel: "debug",
      hookTimeoutMs: 2500,
      sandbox: {
        allowPermissions: ["com.example.a", "com.example.b"],
        readablePaths: ["/srv/chat/shared"],
        maxHeapMiB: 256,
        pluginIds: { first: 80_000, count: 100 },
      },
      maxLoginAttempts: 5,
      allowExternalIntegrationUrls: true,
      rateLimits: { api: { perSec: 10, maxBurst: 100, varyByUser: true }, login: false },
      publicLinks: true,
      smtp: {},
    });
  });

  it("reads the SMTP flags as EmailSettings, the password from PLUGWIRE_SMTP_PASSWORD only", () => {
    const args = ["--data", "d", "--smtp-host", "mail.example.com", "--smtp-port", "587"];
    expect(serveOptions(args).smtp).toEqual({ SMTPServer: "mail.example.com", SMTPPort: "587" });
    expect(
      serveOptions(
        [
          ...args,
          "--smtp-username",
          "postmaster",
          "--smtp-security",
          "starttls",
          "--smtp-skip-cert-verify",
          "--smtp-from",
          "chat@example.com",
        ],
        { PLUGWIRE_SMTP_PASSWORD: "hunter2" },
      ).smtp,
    ).toEqual({
      SMTPServer: "mail.example.com",
      SMTPPort: "587",
      SMTPUsername: "postmaster",
      SMTPPassword: "hunter2",
      EnableSMTPAuth: true,
      ConnectionSecurity: "STARTTLS",
      SkipServerCertificateVerification: true,
      FeedbackEmail: "chat@example.com",
    });
  });

  it("gives plugins their own users by default when run as root, unless told off", () => {
    const isRoot = process.getuid?.() === 0;
    expect(serveOptions(["--data", "d"]).sandbox).toEqual({
      allowPermissions: [],
      readablePaths: [],
      pluginIds: isRoot ? DEFAULT_PLUGIN_IDS : undefined,
    });
    expect(serveOptions(["--data", "d", "--plugin-uid-range", "off"]).sandbox.pluginIds).toBe(
      undefined,
    );
  });

  it("reads the admin password from --admin-password-file, without its trailing newline", () => {
    const args = ["--data", "d", "--admin-username", "root"];
    expect(serveOptions([...args, "--admin-password-file", "admin-password"]).admin).toEqual({
      username: "root",
      password: "from-the-file",
      email: "root@localhost",
    });
  });

  it("defaults to port 8065 on 127.0.0.1, the site URL being the URL listened on", () => {
    expect(serveOptions(["--data", "d"])).toMatchObject({
      port: DEFAULT_REST_PORT,
      hostname: "127.0.0.1",
      siteUrl: undefined,
      pluginFolders: [],
      hookTimeoutMs: DEFAULT_HOOK_TIMEOUT_MS,
      maxLoginAttempts: undefined,
      allowExternalIntegrationUrls: false,
      rateLimits: { api: false, login: { perSec: 2, maxBurst: 10 } },
      publicLinks: false,
      smtp: {},
    });
  });

  it("serves metrics only when --metrics-port is given, on 127.0.0.1 unless --metrics-host says", () => {
    expect(serveOptions(["--data", "d"]).metrics).toBeUndefined();
    expect(serveOptions(["--data", "d", "--metrics-port", "8067"]).metrics).toEqual({
      port: 8067,
      hostname: "127.0.0.1",
    });
    expect(
      serveOptions(["--data", "d", "--metrics-port", "0", "--metrics-host", "0.0.0.0"]).metrics,
    ).toEqual({ port: 0, hostname: "0.0.0.0" });
  });

  it.each([
    [["--metrics-port", "99999"], '--metrics-port must be a number from 0 to 65535 (got "99999")'],
    [["--metrics-host", "0.0.0.0"], "--metrics-host needs --metrics-port"],
  ])("refuses %j", (args, message) => {
    expect(() => serveOptions(["--data", "d", ...args])).toThrow(new UsageError(message).message);
  });

  it("takes a PostgreSQL URL from --database or PLUGWIRE_DATABASE_URL, flag first, SQLite when neither", () => {
    const url = "postgres://plugwire@db.internal:5432/plugwire";
    expect(serveOptions(["--data", "d", "--database", url]).databaseUrl).toBe(url);
    expect(serveOptions(["--data", "d"], { PLUGWIRE_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(
      serveOptions(["--data", "d", "--database", url], {
        PLUGWIRE_DATABASE_URL: "postgresql://other@localhost/other",
      }).databaseUrl,
    ).toBe(url);
    expect(serveOptions(["--data", "d"]).databaseUrl).toBeUndefined();
    expect(() => serveOptions(["--data", "d", "--database", "mysql://x@y/z"])).toThrow(
      new UsageError(
        "--database (or PLUGWIRE_DATABASE_URL) must be a PostgreSQL URL such as postgres://plugwire@localhost:5432/plugwire",
      ),
    );
  });

  it("takes the admin from the environment, flags first, e-mail defaulting to <name>@localhost", () => {
    const env = { PLUGWIRE_ADMIN_USERNAME: "envadmin", PLUGWIRE_ADMIN_PASSWORD: "env-password" };
    expect(serveOptions(["--data", "d"], env).admin).toEqual({
      username: "envadmin",
      password: "env-password",
      email: "envadmin@localhost",
    });
    expect(
      serveOptions(["--data", "d", "--admin-username", "flagadmin", "--admin-email", "a@b.c"], env)
        .admin,
    ).toEqual({ username: "flagadmin", password: "env-password", email: "a@b.c" });
  });

  it.each([
    [
      ["--data", "d", "--admin-username", "Root!", "--admin-password", "long-enough"],
      "--admin-username must be 3 to 22 lower-case letters",
    ],
    [
      ["--data", "d", "--admin-username", "root", "--admin-password", "short"],
      "at least 8 characters",
    ],
    [
      ["--data", "d", "--admin-password", "long-enough"],
      "--admin-username (or PLUGWIRE_ADMIN_USERNAME) is required",
    ],
    [["--data", "d", "--site-url", "chat.example.com"], "--site-url must be a URL"],
    [["--data", "d", "--log-level", "loud"], "--log-level must be one of debug, info, warn, error"],
    [["--data", "d", "--port", "70000"], "--port must be a number from 0 to 65535"],
    [["--data"], "--data needs a value"],
    [["--data", "d", "--hook-timeout", "0"], "--hook-timeout must be a number of milliseconds"],
    [["--data", "d", "--hook-timeout", "5s"], "--hook-timeout must be a number of milliseconds"],
    [
      ["--data", "d", "--admin-username", "root", "--admin-password-file", "missing"],
      "--admin-password-file missing: ENOENT; give a file holding the password",
    ],
    [
      ["--data", "d", "--admin-password", "long-enough", "--admin-password-file", "f"],
      "give --admin-password or --admin-password-file, not both",
    ],
    [["--data", "d", "--plugin-uid-range", "100-200"], "--plugin-uid-range must be"],
    [["--data", "d", "--plugin-uid-range", "90000"], "--plugin-uid-range must be"],
    [["--data", "d", "--rate-limit", "10"], "--rate-limit must be"],
    [["--data", "d", "--max-login-attempts", "0"], "--max-login-attempts must be"],
    [["--data", "d", "--smtp-port", "70000"], "--smtp-port must be"],
    [
      ["--data", "d", "--smtp-security", "ssl"],
      "--smtp-security must be one of none, tls, starttls",
    ],
    [["--data", "d", "--smtp-from", "chat"], "--smtp-from must be an e-mail address"],
  ])("refuses %j: %s", (args, message) => {
    expect(() => serveOptions(args)).toThrow(UsageError);
    expect(() => serveOptions(args)).toThrow(message);
  });

  it("refuses an SMTP password without --smtp-username", () => {
    expect(() => serveOptions(["--data", "d"], { PLUGWIRE_SMTP_PASSWORD: "pw" })).toThrow(
      "PLUGWIRE_SMTP_PASSWORD needs --smtp-username",
    );
  });

  it("answers help and version before checking serve's flags", () => {
    expect(parseCommand([], {}, cwd).kind).toBe("help");
    expect(parseCommand(["serve", "--help"], {}, cwd).kind).toBe("help");
    expect(parseCommand(["-v"], {}, cwd).kind).toBe("version");
  });
});
