// The slash command and dialog calls of the PluginAPI service: a plugin running any command as
// a user (and its answer delivered), managing custom commands, the lists, and opening a dialog
// with a trigger id the host made. (integration-routes.spec.ts drives the same with a real
// plugin process and Mattermost clients' requests.)
import { create } from "@bufbuild/protobuf";
import { CommandResponseSchema, CommandSchema, type Post } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  callsOf,
  expectInvalid,
  newChannel,
  newTeam,
  newUser,
  PLUGIN_A,
  PLUGIN_B,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

const dialogs: [string, unknown][] = [];
const ephemeral: Post[] = [];
let unsubscribe: () => void;
/** The trigger ids PLUGIN_A's ExecuteCommand got. */
const triggerIds: string[] = [];

beforeEach(() => {
  unsubscribe = world.hostApp.subscribe({
    dialogOpened: (userId, request) => dialogs.push([userId, request]),
    ephemeralPost: (_userId, post) => ephemeral.push(post),
  });
  world.plugins.push({
    pluginId: PLUGIN_A,
    implements: (hook) => hook === "ExecuteCommand",
    callHook: async (_hook, request) => {
      const args = (request as { args: { triggerId: string; command: string } }).args;
      triggerIds.push(args.triggerId);
      const text = args.command.split(" ").slice(1).join(" ");
      return {
        response: create(CommandResponseSchema, {
          responseType: text.startsWith("loud") ? "in_channel" : "ephemeral",
          text,
        }),
      } as never;
    },
    serveHTTP: async () => undefined,
    serveHTTPOnce: async () => undefined,
    fileWillBeUploaded: async () => undefined,
  });
});
afterEach(() => {
  unsubscribe();
  dialogs.length = 0;
  ephemeral.length = 0;
  triggerIds.length = 0;
});

async function place() {
  const user = await newUser("carol");
  const team = await newTeam("ops");
  const channel = await newChannel(team, "room");
  await world.hostApp.addTeamMember({}, team.id, user.id);
  await world.hostApp.addChannelMember({}, channel.id, user.id);
  return { user, team, channel };
}

describe("ExecuteSlashCommand", () => {
  it("runs a plugin's command as the user and delivers its answer", async () => {
    const { user, channel } = await place();
    await world.a.registerCommand({ command: { trigger: "echo" } });
    const { response } = await world.b.executeSlashCommand({
      args: { userId: user.id, channelId: channel.id, command: "/echo loud hello" },
    });
    expect(response).toMatchObject({ responseType: "in_channel", text: "loud hello" });
    expect(response?.triggerId).toMatch(/^[a-z0-9]{26}$/);
    const posts = await world.store.getPostsForChannel(channel.id, { page: 0, perPage: 10 });
    // The answer, beside the post that carol joined the channel (maybe in the same millisecond).
    expect(posts.map((p) => [p.userId, p.message]).sort()).toEqual([
      [user.id, "carol joined the channel."],
      [user.id, "loud hello"],
    ]);
    expect(callsOf("executeCommand")[0]?.actor).toMatchObject({
      pluginId: PLUGIN_B,
      userId: user.id,
    });

    await world.b.executeSlashCommand({
      args: { userId: user.id, channelId: channel.id, command: "/echo quiet" },
    });
    expect(ephemeral.map((p) => p.message)).toEqual(["quiet"]);
  });

  it("refuses missing arguments and unknown commands", async () => {
    const { user, channel } = await place();
    await expectInvalid(
      world.a.executeSlashCommand({ args: { channelId: channel.id } }),
      "args.user_id",
    );
    const unknown = await failureOf(
      world.a.executeSlashCommand({
        args: { userId: user.id, channelId: channel.id, command: "/nothing" },
      }),
    );
    expect(unknown).toMatchObject({ name: "NotFoundError", id: "api.command.execute.not_found" });
  });
});

describe("custom commands", () => {
  it("are created owned by the plugin, listed, changed and deleted", async () => {
    const { team } = await place();
    await world.a.registerCommand({ command: { trigger: "echo", teamId: team.id } });
    const { command } = await world.b.createCommand({
      command: { teamId: team.id, trigger: "Deploy", method: "P", url: `/plugins/${PLUGIN_B}/run` },
    });
    if (command === undefined) throw new Error("CreateCommand answered no command");
    expect(command).toMatchObject({ trigger: "deploy", pluginId: PLUGIN_B, creatorId: "" });
    expect(command?.token).toMatch(/^[a-z0-9]{26}$/);
    const id = command?.id ?? "";

    const triggers = (list: { commands: { trigger: string }[] }) =>
      list.commands.map((c) => c.trigger);
    expect(triggers(await world.a.listCommands({ teamId: team.id }))).toEqual(["deploy", "echo"]);
    expect(triggers(await world.a.listCustomCommands({ teamId: team.id }))).toEqual(["deploy"]);
    expect(triggers(await world.a.listPluginCommands({ teamId: team.id }))).toEqual(["echo"]);
    expect((await world.a.listBuiltInCommands({})).commands).toEqual([]);
    expect((await world.a.getCommand({ commandId: id })).command).toEqual(command);

    const { command: updated } = await world.a.updateCommand({
      commandId: id,
      command: create(CommandSchema, {
        ...command,
        description: "Ships it",
        token: "mine",
        pluginId: PLUGIN_A,
      }),
    });
    expect(updated).toMatchObject({
      description: "Ships it",
      token: command?.token,
      pluginId: PLUGIN_B,
    });
    await world.a.deleteCommand({ commandId: id });
    const gone = await failureOf(world.a.getCommand({ commandId: id }));
    expect(gone).toMatchObject({ name: "NotFoundError" });
  });

  it("refuses Mattermost's invalid commands", async () => {
    const { team } = await place();
    const invalid = (command: Record<string, unknown>) =>
      failureOf(
        world.a.createCommand({
          command: { teamId: team.id, trigger: "x", method: "P", url: "/plugins/p/x", ...command },
        }),
      );
    expect(await invalid({ trigger: "/slash" })).toMatchObject({
      id: "model.command.is_valid.trigger.app_error",
    });
    expect(await invalid({ method: "PUT" })).toMatchObject({
      id: "model.command.is_valid.method.app_error",
    });
    expect(await invalid({ url: "" })).toMatchObject({
      id: "model.command.is_valid.url.app_error",
    });
    expect(await invalid({ url: "/elsewhere" })).toMatchObject({
      id: "model.command.is_valid.url_http.app_error",
    });
    expect(await invalid({ teamId: "missing" })).toMatchObject({ name: "NotFoundError" });
    await world.a.createCommand({
      command: { teamId: team.id, trigger: "x", method: "P", url: "/plugins/p/x" },
    });
    expect(await invalid({ trigger: "X" })).toMatchObject({
      name: "AlreadyExistsError",
      id: "api.command.duplicate_trigger.app_error",
    });
  });
});

describe("RegisterCommand with an autocomplete tree", () => {
  it("keeps the tree, its dynamic lists made routes of the plugin", async () => {
    await world.a.registerCommand({
      command: {
        trigger: "Jira",
        autocompleteData: {
          roleId: "system_user",
          subCommands: [
            {
              trigger: "assign",
              roleId: "system_user",
              arguments: [{ type: "DynamicList", required: true, fetchUrl: "users" }],
            },
          ],
        },
      },
    });
    const [jira] = (await world.a.listPluginCommands({ teamId: "any" })).commands;
    expect(jira?.trigger).toBe("jira");
    expect(jira?.autocompleteData?.trigger).toBe("jira");
    expect(jira?.autocompleteData?.subCommands[0]?.arguments[0]?.fetchUrl).toBe(
      `/plugins/${PLUGIN_A}/users`,
    );
  });

  it("refuses a tree Mattermost would refuse", async () => {
    const invalid = await failureOf(
      world.a.registerCommand({
        command: {
          trigger: "jira",
          autocompleteData: {
            trigger: "jira",
            arguments: [{ type: "TextInput", required: false }],
            subCommands: [{ trigger: "Create" }],
          },
        },
      }),
    );
    expect(invalid).toMatchObject({
      name: "ValidationError",
      id: "model.command.is_valid.autocomplete_data.app_error",
    });
  });
});

describe("OpenInteractiveDialog", () => {
  const dialog = {
    callbackId: "cb",
    title: "Rename",
    elements: [
      { displayName: "Name", name: "name", type: "text", maxLength: 20 },
      {
        displayName: "Who",
        name: "who",
        type: "select",
        dataSource: "users",
      },
    ],
  };

  it("opens the dialog for the trigger id's user, once", async () => {
    const { user, channel } = await place();
    await world.a.registerCommand({ command: { trigger: "echo" } });
    await world.a.executeSlashCommand({
      args: { userId: user.id, channelId: channel.id, command: "/echo" },
    });
    const [triggerId = ""] = triggerIds;
    await world.a.openInteractiveDialog({ triggerId, url: `/plugins/${PLUGIN_A}/submit`, dialog });
    expect(dialogs).toHaveLength(1);
    const [userId, request] = dialogs[0] as [string, Record<string, unknown>];
    expect(userId).toBe(user.id);
    expect(request).toMatchObject({
      trigger_id: expect.stringMatching(/^[a-z0-9]{26}$/),
      url: `/plugins/${PLUGIN_A}/submit`,
      dialog: {
        callback_id: "cb",
        title: "Rename",
        elements: [
          { name: "name", type: "text", max_length: 20, optional: false },
          { name: "who", type: "select", data_source: "users" },
        ],
      },
    });
    const again = await failureOf(
      world.a.openInteractiveDialog({ triggerId, url: `/plugins/${PLUGIN_A}/submit`, dialog }),
    );
    expect(again).toMatchObject({ id: "interactive_message.decode_trigger_id.used" });
  });

  it("refuses a dialog Mattermost would refuse, without using the trigger id", async () => {
    const invalid = await failureOf(
      world.a.openInteractiveDialog({
        triggerId: "",
        url: "",
        dialog: {
          title: "",
          elements: [
            { displayName: "A", name: "a", type: "bool", default: "yes" },
            { displayName: "A", name: "a", type: "radio", default: "x" },
            {
              displayName: "",
              name: "b",
              type: "text",
              subtype: "color",
              minLength: 5,
              maxLength: 2,
            },
          ],
        },
      }),
    );
    expect(invalid).toMatchObject({
      name: "ValidationError",
      id: "app.open_interactive_dialog.invalid",
    });
    for (const problem of [
      "empty URL",
      "empty trigger id",
      "invalid dialog title",
      "invalid default of bool",
      'duplicate dialog element "a"',
      `default value "x" doesn't exist in options`,
      "DisplayName cannot be empty",
      'invalid subtype "color"',
      "min length should be less than max length",
    ]) {
      expect(invalid.message).toContain(problem);
    }
  });
});
