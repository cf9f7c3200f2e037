// The contract of CommandStore: slash commands.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { filledMessage } from "../test-fixtures/filled-message.js";
import { expectEqualMessages, type OpenStore, storeTest } from "./store-test.js";

export function commandStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("slash commands", () => {
    const command = (trigger: string, teamId = "", init = {}) =>
      create(CommandSchema, { trigger, teamId, ...init });

    it("stores every field of a command, with the registering plugin as its owner", async ({
      store,
    }) => {
      const registered = create(CommandSchema, { ...filledMessage(CommandSchema), teamId: "t1" });
      await store.registerCommand("p", registered);
      const expected = create(CommandSchema, { ...registered, pluginId: "p" });
      expectEqualMessages(
        CommandSchema,
        await store.findCommand("t1", registered.trigger),
        expected,
      );
    });

    it("prefers a team's own command to one registered for every team", async ({ store }) => {
      await store.registerCommand("p", command("hello", "", { description: "global" }));
      await store.registerCommand("q", command("hello", "t1", { description: "team" }));
      await store.registerCommand("p", command("bye"));
      expect((await store.findCommand("t1", "hello"))?.description).toBe("team");
      expect((await store.findCommand("t2", "hello"))?.description).toBe("global");
      expect((await store.findCommand("t2", "HELLO"))?.description).toBe("global");
      expect(await store.findCommand("t1", "missing")).toBeUndefined();
      expect((await store.listCommands("t1")).map((c) => [c.trigger, c.description])).toEqual([
        ["bye", ""],
        ["hello", "team"],
      ]);
      expect((await store.listCommands("t2")).map((c) => c.description)).toEqual(["", "global"]);
    });

    it("refuses a trigger another plugin owns, and lets the owner replace its own", async ({
      store,
    }) => {
      await store.registerCommand("p", command("hello", "t1"));
      await expect(store.registerCommand("q", command("Hello", "t1"))).rejects.toMatchObject({
        name: "AlreadyExistsError",
        id: "store.command.trigger_exists",
        params: { field: "trigger", plugin_id: "p" },
      });
      await store.registerCommand("p", command("hello", "t1", { description: "v2" }));
      expect((await store.findCommand("t1", "hello"))?.description).toBe("v2");
    });

    it("refuses a command without a trigger", async ({ store }) => {
      await expect(store.registerCommand("p", command(""))).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "trigger" },
      });
    });

    it("unregisters one command of a plugin, or all of them", async ({ store }) => {
      await store.registerCommand("p", command("a"));
      await store.registerCommand("p", command("b", "t1"));
      await store.registerCommand("q", command("c"));
      await store.unregisterCommand("q", "", "a");
      expect(await store.findCommand("", "a")).toBeDefined();
      await store.unregisterCommand("p", "", "a");
      expect(await store.findCommand("", "a")).toBeUndefined();
      await store.unregisterPluginCommands("p");
      expect((await store.listCommands("t1")).map((c) => c.trigger)).toEqual(["c"]);
    });
  });
}
