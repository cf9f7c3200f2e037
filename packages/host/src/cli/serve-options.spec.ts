// parseCommand: the command line and environment of `plugwire`, read into ServeOptions or
// refused with a UsageError that says what to type instead.
import { describe, expect, it } from "vitest";
import { DEFAULT_REST_PORT } from "../http/rest/server.js";
import { DEFAULT_HOOK_TIMEOUT_MS } from "../supervisor/plugin-process.js";
import { parseCommand, UsageError } from "./serve-options.js";

const cwd = "/srv/chat";

function serveOptions(args: string[], env: NodeJS.ProcessEnv = {}) {
  const command = parseCommand(["serve", ...args], env, cwd);
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
      ]),
    ).toEqual({
      pluginFolders: ["/srv/chat/plugins", "/opt/more-plugins"],
      dataDir: "/srv/chat/data",
      port: 0,
      hostname: "0.0.0.0",
      siteUrl: "https://chat.example.com",
      admin: undefined,
      demo: false,
      logLevel: "debug",
      hookTimeoutMs: 2500,
    });
  });

  it("defaults to port 8065 on 127.0.0.1, the site URL being the URL listened on", () => {
    expect(serveOptions(["--data", "d"])).toMatchObject({
      port: DEFAULT_REST_PORT,
      hostname: "127.0.0.1",
      siteUrl: undefined,
      pluginFolders: [],
      hookTimeoutMs: DEFAULT_HOOK_TIMEOUT_MS,
    });
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
  ])("refuses %j: %s", (args, message) => {
    expect(() => serveOptions(args)).toThrow(UsageError);
    expect(() => serveOptions(args)).toThrow(message);
  });

  it("answers help and version before checking serve's flags", () => {
    expect(parseCommand([], {}, cwd).kind).toBe("help");
    expect(parseCommand(["serve", "--help"], {}, cwd).kind).toBe("help");
    expect(parseCommand(["-v"], {}, cwd).kind).toBe("version");
  });
});
