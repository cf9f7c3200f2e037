import { AlreadyExistsError } from "@plugwire/errors";
import { describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  bytes,
  callsOf,
  expectInvalid,
  newUser,
  PLUGIN_A,
  PLUGIN_B,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

describe("slash commands", () => {
  it("registers a command owned by the caller, whatever plugin id the request names", async () => {
    await world.a.registerCommand({
      command: { trigger: "weather", pluginId: PLUGIN_B, teamId: "" },
    });
    expect(await world.store.findCommand("any", "weather")).toMatchObject({
      trigger: "weather",
      pluginId: PLUGIN_A,
    });
    const error = await failureOf(world.b.registerCommand({ command: { trigger: "weather" } }));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.params.field).toBe("trigger");

    await world.b.unregisterCommand({ trigger: "weather" });
    expect(await world.store.findCommand("any", "weather")).toBeDefined();
    await world.a.unregisterCommand({ trigger: "weather" });
    expect(await world.store.findCommand("any", "weather")).toBeUndefined();
  });

  it("refuses a command without a one-word trigger", async () => {
    await expectInvalid(world.a.registerCommand({}), "command");
    await expectInvalid(world.a.registerCommand({ command: { trigger: "" } }), "command.trigger");
    await expectInvalid(
      world.a.registerCommand({ command: { trigger: "/weather" } }),
      "command.trigger",
    );
    await expectInvalid(
      world.a.registerCommand({ command: { trigger: "two words" } }),
      "command.trigger",
    );
    await expectInvalid(world.a.unregisterCommand({}), "trigger");
  });
});

describe("EnsureBotUser", () => {
  it("creates the plugin's bot once, through the app, without a password", async () => {
    const { userId } = await world.a.ensureBotUser({
      username: "helper",
      displayName: "Helper",
      description: "Helps",
    });
    expect(await world.store.getUser(userId)).toMatchObject({
      username: "helper",
      isBot: true,
      firstName: "Helper",
      botDescription: "Helps",
    });
    expect(await world.store.getPasswordHash(userId)).toBeUndefined();
    expect(callsOf("ensureBotUser")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [PLUGIN_A, { username: "helper" }],
    });
    expect(await world.store.getBotUserId(PLUGIN_A, "helper")).toBe(userId);

    const again = await world.a.ensureBotUser({
      username: "helper",
      displayName: "Helper 2",
      description: "Helps",
    });
    expect(again.userId).toBe(userId);
    expect(
      (await world.store.getUsers({ page: 0, perPage: 10 })).map((user) => user.username),
    ).toEqual(["helper"]);
    expect((await world.store.getUser(userId)).firstName).toBe("Helper 2");
  });

  it("gives concurrent callers the same bot", async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(() => world.a.ensureBotUser({ username: "helper" })),
    );
    expect(new Set(ids.map((response) => response.userId)).size).toBe(1);
  });

  it("refuses a username that belongs to a person or to another plugin's bot", async () => {
    await newUser("alice");
    const person = await failureOf(world.a.ensureBotUser({ username: "alice" }));
    expect(person).toBeInstanceOf(AlreadyExistsError);
    expect(person.message).toContain("a person's account");

    await world.b.ensureBotUser({ username: "helper" });
    const other = await failureOf(world.a.ensureBotUser({ username: "helper" }));
    expect(other).toBeInstanceOf(AlreadyExistsError);
    expect(other.params.field).toBe("username");
    await expectInvalid(world.a.ensureBotUser({}), "username");
  });
});

describe("cluster events", () => {
  it("publishes through the app as the calling plugin", async () => {
    await world.a.publishPluginClusterEvent({
      event: { id: "refresh", data: bytes(1, 2) },
      targetId: "host-2",
    });
    const [call] = callsOf("publishPluginClusterEvent");
    expect(call?.actor).toEqual({ pluginId: PLUGIN_A });
    expect(call?.args[0]).toBe(PLUGIN_A);
    expect(call?.args[1]).toMatchObject({ id: "refresh", data: bytes(1, 2) });
    expect(call?.args[2]).toBe("host-2");
    await expectInvalid(world.a.publishPluginClusterEvent({}), "event");
    await expectInvalid(
      world.a.publishPluginClusterEvent({ event: { data: bytes(1) } }),
      "event.id",
    );
  });
});
