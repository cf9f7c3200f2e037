import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { notStartedByHostMessage, readPluginEnv, startedByHost } from "./plugin-env.js";

const complete = {
  PLUGIN_UNIX_SOCKET_DIR: "/tmp/pw-1",
  PLUGWIRE_API_TARGET: "unix:/tmp/pw-1/api.sock",
  PLUGWIRE_API_TOKEN: "tok",
  PLUGWIRE_PLUGIN_ID: "com.example.hello",
  PLUGIN_PROTOCOL_VERSIONS: "1,2",
  PLUGWIRE_LOG_LEVEL: "debug",
};

describe("startedByHost", () => {
  it("is true only with the magic cookie's exact value", () => {
    expect(startedByHost({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE })).toBe(true);
    expect(startedByHost({ [MAGIC_COOKIE_KEY]: "other" })).toBe(false);
    expect(startedByHost({})).toBe(false);
  });

  it("comes with an explanation saying that the host starts plugins", () => {
    expect(notStartedByHostMessage).toMatch(/run by hand/);
    expect(notStartedByHostMessage).toMatch(/started by the Plugwire host/);
    expect(notStartedByHostMessage).toContain(MAGIC_COOKIE_KEY);
  });
});

describe("readPluginEnv", () => {
  it("reads what the host sets", () => {
    expect(readPluginEnv(complete)).toEqual({
      socketDir: "/tmp/pw-1",
      apiTarget: "unix:/tmp/pw-1/api.sock",
      token: "tok",
      pluginId: "com.example.hello",
      logLevel: "debug",
      protocolVersion: 2,
    });
  });

  it.each(["PLUGIN_UNIX_SOCKET_DIR", "PLUGWIRE_API_TARGET", "PLUGWIRE_API_TOKEN"])(
    "names %s when it is missing",
    (name) => {
      expect(() => readPluginEnv({ ...complete, [name]: "" })).toThrow(
        `${name} is not set; the host sets it when it starts a plugin`,
      );
    },
  );

  it("agrees on the newest version both speak, and refuses a list without one", () => {
    const agreed = (offer: string | undefined) =>
      readPluginEnv({ ...complete, PLUGIN_PROTOCOL_VERSIONS: offer }).protocolVersion;
    expect(agreed("2, 1")).toBe(2);
    expect(agreed("1")).toBe(1);
    expect(agreed("3,2")).toBe(2);
    // A host that says nothing speaks the first version, as go-plugin assumes.
    expect(agreed(undefined)).toBe(1);
    expect(() => readPluginEnv({ ...complete, PLUGIN_PROTOCOL_VERSIONS: "3,4" })).toThrow(
      /speaks plugin protocol version\(s\) 3, 4, but this @plugwire\/sdk speaks 1, 2/,
    );
  });
});
