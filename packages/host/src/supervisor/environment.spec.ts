import { describe, expect, it } from "vitest";
import { pluginEnvironment } from "./environment.js";

describe("pluginEnvironment", () => {
  it("passes on only PATH, HOME, LANG, TZ and TMPDIR from the host, when they are set", () => {
    const env = pluginEnvironment(
      {
        pluginId: "com.example.p",
        socketDir: "/tmp/pw-1",
        apiSocketPath: "/tmp/pw-1/api.sock",
        token: "t0k",
        logLevel: "warn",
        hookTimeoutMs: 500,
      },
      {
        PATH: "/bin",
        HOME: "/home/h",
        TZ: "UTC",
        DATABASE_PASSWORD: "secret",
        NODE_OPTIONS: "-r x",
      },
    );

    expect(env).toEqual({
      PATH: "/bin",
      HOME: "/home/h",
      TZ: "UTC",
      PLUGWIRE_PLUGIN_MAGIC_COOKIE: "6f0c9a2e4b1d4e8fa3c7plugwire",
      PLUGIN_PROTOCOL_VERSIONS: "1,2",
      PLUGIN_UNIX_SOCKET_DIR: "/tmp/pw-1",
      PLUGWIRE_PLUGIN_ID: "com.example.p",
      PLUGWIRE_API_TARGET: "unix:/tmp/pw-1/api.sock",
      PLUGWIRE_API_TOKEN: "t0k",
      PLUGWIRE_LOG_LEVEL: "warn",
      PLUGWIRE_HOOK_TIMEOUT_MS: "500",
    });
  });
});
