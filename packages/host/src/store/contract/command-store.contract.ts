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

  describe("custom commands", () => {
    const custom = (trigger: string, teamId = "t1", init = {}) =>
      create(CommandSchema, { trigger, teamId, url: "/plugins/p/run", method: "P", ...init });

    it("keeps every field, with a new id, token and times", async ({ store }) => {
      const made = await store.createCustomCommand(
        create(CommandSchema, {
          ...filledMessage(CommandSchema),
          id: "",
          token: "",
          teamId: "t1",
          deleteAt: 0n,
        }),
      );
      expect(made.id).toMatch(/^[a-z0-9]{26}$/);
      expect(made.token).toMatch(/^[a-z0-9]{26}$/);
      expect(made.createAt).toBeGreaterThan(0n);
      expect(made.updateAt).toBe(made.createAt);
      expectEqualMessages(CommandSchema, await store.getCustomCommand(made.id), made);
      expect(made.autocompleteData?.subCommands).toHaveLength(1);
    });

    it("refuses a trigger the team's custom commands have, in any case", async ({ store }) => {
      await store.createCustomCommand(custom("deploy"));
      await expect(store.createCustomCommand(custom("Deploy"))).rejects.toMatchObject({
        name: "AlreadyExistsError",
        id: "api.command.duplicate_trigger.app_error",
        params: { field: "trigger" },
      });
      await store.createCustomCommand(custom("deploy", "t2"));
      expect((await store.findCustomCommand("t1", "DEPLOY"))?.teamId).toBe("t1");
      expect(await store.findCustomCommand("t3", "deploy")).toBeUndefined();
    });

    it("updates a command, keeping its creation time, and refuses another's trigger", async ({
      store,
    }) => {
      const a = await store.createCustomCommand(custom("a"));
      await store.createCustomCommand(custom("b"));
      const changed = await store.updateCustomCommand(
        create(CommandSchema, { ...a, description: "new", createAt: 1n }),
      );
      expect(changed.description).toBe("new");
      expect(changed.createAt).toBe(a.createAt);
      expect((await store.getCustomCommand(a.id)).description).toBe("new");
      await expect(
        store.updateCustomCommand(create(CommandSchema, { ...a, trigger: "b" })),
      ).rejects.toMatchObject({ name: "AlreadyExistsError" });
      await expect(
        store.updateCustomCommand(create(CommandSchema, { ...a, id: "missing" })),
      ).rejects.toMatchObject({ name: "NotFoundError" });
    });

    it("deletes a command, which then is gone from lists and lookups", async ({ store }) => {
      const a = await store.createCustomCommand(custom("a"));
      await store.createCustomCommand(custom("b"));
      await store.createCustomCommand(custom("c", "t2"));
      expect((await store.listCustomCommands("t1")).map((c) => c.trigger)).toEqual(["a", "b"]);
      await store.deleteCustomCommand(a.id);
      expect((await store.listCustomCommands("t1")).map((c) => c.trigger)).toEqual(["b"]);
      await expect(store.getCustomCommand(a.id)).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.sql_command.get.missing.app_error",
      });
      await expect(store.deleteCustomCommand(a.id)).rejects.toMatchObject({
        name: "NotFoundError",
      });
      // The trigger is free again.
      await store.createCustomCommand(custom("a"));
    });
  });

  describe("host keys", () => {
    it("makes a key once and answers it ever after", async ({ store }) => {
      expect(await store.hostKey("k", () => "first")).toBe("first");
      expect(await store.hostKey("k", () => "second")).toBe("first");
      expect(await store.hostKey("other", () => "x")).toBe("x");
    });
  });
}
