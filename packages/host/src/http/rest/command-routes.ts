// The slash command routes of v4 (Mattermost's api4/command.go): running a command (the app
// delivers its answer: posted as the caller, or shown to the caller alone), the lists and
// autocomplete a client shows (plugins' and custom commands, suggestions from their
// autocomplete trees, dynamic lists included), and managing custom commands, which the team's
// members with manage_own_slash_commands make and those with manage_others_slash_commands
// change for others. Plugwire has no built-in commands.
import { create, type JsonObject } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  type AutocompleteArg,
  type AutocompleteData,
  type Command,
  CommandArgsSchema,
  CommandResponseSchema,
  CommandSchema,
} from "@plugwire/protocol";
import { fieldsOf, stringField } from "./body-fields.js";
import { modelFromJson, modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import {
  hasTeamPermission,
  requireChannelPermission,
  requireTeamMember,
  requireTeamPermission,
} from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

/** The fields of a custom command a client sets (the rest the server assigns). */
const SETTABLE = [
  "team_id",
  "trigger",
  "method",
  "username",
  "icon_url",
  "auto_complete",
  "auto_complete_desc",
  "auto_complete_hint",
  "display_name",
  "description",
  "url",
];

export function commandRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/commands/execute", executeCommand)
    .add("GET", "/api/v4/commands", listCommands)
    .add("POST", "/api/v4/commands", createCommand)
    .add("GET", "/api/v4/commands/{command_id}", getCommand)
    .add("PUT", "/api/v4/commands/{command_id}", updateCommand)
    .add("DELETE", "/api/v4/commands/{command_id}", deleteCommand)
    .add("PUT", "/api/v4/commands/{command_id}/move", moveCommand)
    .add("PUT", "/api/v4/commands/{command_id}/regen_token", regenCommandToken)
    .add("GET", "/api/v4/teams/{team_id}/commands/autocomplete", autocompleteCommands)
    .add(
      "GET",
      "/api/v4/teams/{team_id}/commands/autocomplete_suggestions",
      autocompleteSuggestions,
    );
}

/**
 * GET /commands?team_id=: the commands a team member can run, custom ones without their
 * secrets. With custom_only=true, the team's custom commands whole, for those who manage them.
 */
async function listCommands(call: RestCall): Promise<void> {
  const teamId = call.url.searchParams.get("team_id") ?? "";
  if (teamId === "") throw invalidUrlParam("team_id", "it is required.");
  await requireTeamMember(call, teamId);
  if (call.url.searchParams.get("custom_only") === "true") {
    await requireTeamPermission(call, teamId, "manage_own_slash_commands");
    const custom = await call.app.listCustomCommands(teamId);
    call.send(
      200,
      custom.map((command) => commandJson(command)),
    );
    return;
  }
  const commands = await call.app.listCommands(teamId);
  call.send(
    200,
    commands.map((command) => commandJson(command, { sanitized: true })),
  );
}

/** The commands offered in a team's autocomplete. */
async function autocompleteCommands(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  await requireTeamMember(call, teamId);
  pageOfQuery(call.url.searchParams);
  const commands = await call.app.listCommands(teamId);
  call.send(
    200,
    commands
      .filter((command) => command.autoComplete)
      .map((command) => commandJson(command, { sanitized: true })),
  );
}

/**
 * What to offer for what the user typed (?user_input=/jira cre&channel_id=…): Mattermost's
 * AutocompleteSuggestions, walked down each command's autocomplete tree.
 */
async function autocompleteSuggestions(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  const query = call.url.searchParams;
  const userInput = query.get("user_input") ?? "";
  if (userInput === "") throw invalidUrlParam("user_input", "it is required, e.g. /echo.");
  const user = await requireTeamMember(call, teamId);
  const suggestions = await call.app.autocompleteSuggestions(
    call.actor(),
    create(CommandArgsSchema, {
      userId: user.id,
      teamId,
      channelId: query.get("channel_id") ?? "",
      rootId: query.get("root_id") ?? "",
      command: userInput,
      siteUrl: call.server.siteUrl,
    }),
  );
  call.send(
    200,
    suggestions.map((s) => ({
      Complete: s.complete,
      Suggestion: s.suggestion,
      Hint: s.hint,
      Description: s.description,
      IconData: s.iconData,
    })),
  );
}

async function createCommand(call: RestCall): Promise<void> {
  const { value } = modelFromJson(CommandSchema, await call.json(), SETTABLE, call.ignoreField);
  if (value.teamId === "") throw invalidBodyParam("team_id", "it is required.");
  await requireTeamPermission(call, value.teamId, "manage_own_slash_commands");
  const created = await call.app.createCommand(call.actor(), value);
  call.send(201, commandJson(created));
}

async function getCommand(call: RestCall): Promise<void> {
  const command = await managedCommand(call);
  call.send(200, commandJson(command));
}

async function updateCommand(call: RestCall): Promise<void> {
  const current = await managedCommand(call);
  const { value } = modelFromJson(
    CommandSchema,
    await call.json(),
    ["id", ...SETTABLE],
    call.ignoreField,
  );
  if (value.id !== "" && value.id !== current.id) {
    throw invalidBodyParam("id", "it must be the id in the URL.");
  }
  if (value.teamId !== "" && value.teamId !== current.teamId) {
    throw invalidBodyParam("team_id", "a command can't move to another team here.");
  }
  const updated = await call.app.updateCommand(call.actor(), current.id, value);
  call.send(200, commandJson(updated));
}

async function deleteCommand(call: RestCall): Promise<void> {
  const command = await managedCommand(call);
  await call.app.deleteCommand(call.actor(), command.id);
  call.send(200, { status: "OK" });
}

/**
 * PUT /commands/{id}/move {team_id}: the custom command goes to another team, where the caller
 * and the command's creator both need manage_own_slash_commands (Mattermost's moveCommand).
 */
async function moveCommand(call: RestCall): Promise<void> {
  const fields = fieldsOf(await call.json(), ["team_id"], call.ignoreField);
  const teamId = stringField(fields, "team_id", true);
  await call.app.getTeam(teamId);
  await requireTeamPermission(call, teamId, "manage_own_slash_commands");
  const command = await managedCommand(call);
  const creatorMayUseTeam =
    command.creatorId !== "" &&
    (await call.app.hasPermissionToTeam(command.creatorId, teamId, "manage_own_slash_commands"));
  if (!creatorMayUseTeam) {
    throw new ValidationError({
      id: "api.command.move_command.creator_no_permission.app_error",
      message: `The command's creator may not manage slash commands in team ${teamId}, so the command can't move there.`,
      params: { creator_id: command.creatorId, team_id: teamId },
    });
  }
  await call.app.moveCommand(call.actor(), command.id, teamId);
  call.send(200, { status: "OK" });
}

/** PUT /commands/{id}/regen_token: a new token for the custom command, answered as {token}. */
async function regenCommandToken(call: RestCall): Promise<void> {
  const command = await managedCommand(call);
  const renewed = await call.app.regenCommandToken(call.actor(), command.id);
  call.send(200, { token: renewed.token });
}

/**
 * The custom command of the URL, for someone who may manage it: a member with
 * manage_own_slash_commands in its team for their own, and manage_others_slash_commands for
 * others' (a plugin's included). Someone who may not see it gets 404, as in Mattermost.
 */
async function managedCommand(call: RestCall): Promise<Command> {
  const command = await call.app.getCommand(call.param("command_id"));
  const user = call.user();
  if (!(await hasTeamPermission(call, command.teamId, "manage_own_slash_commands"))) {
    throw permissionDenied(
      `you lack manage_own_slash_commands in team ${command.teamId}`,
      "manage_own_slash_commands",
    );
  }
  if (
    command.creatorId !== user.id &&
    !(await hasTeamPermission(call, command.teamId, "manage_others_slash_commands"))
  ) {
    throw permissionDenied(
      "the command is someone else's; that needs manage_others_slash_commands",
      "manage_others_slash_commands",
    );
  }
  return command;
}

/**
 * A command as v4's model.Command. Sanitized (for lists anyone in the team reads), a custom
 * command's token, url, creator, method, username and icon are left out, as Mattermost does.
 */
function commandJson(command: Command, { sanitized = false } = {}): JsonObject {
  const json: JsonObject = {
    id: command.id,
    token: command.token,
    create_at: Number(command.createAt),
    update_at: Number(command.updateAt),
    delete_at: Number(command.deleteAt),
    creator_id: command.creatorId,
    team_id: command.teamId,
    trigger: command.trigger,
    method: command.method,
    username: command.username,
    icon_url: command.iconUrl,
    auto_complete: command.autoComplete,
    auto_complete_desc: command.autoCompleteDesc,
    auto_complete_hint: command.autoCompleteHint,
    display_name: command.displayName,
    description: command.description,
    url: command.url,
    plugin_id: command.pluginId,
  };
  if (sanitized) {
    for (const key of ["token", "creator_id", "method", "url", "username", "icon_url"])
      json[key] = "";
  }
  if (command.autocompleteData) json.autocomplete_data = treeJson(command.autocompleteData);
  if (command.autocompleteIconData) json.autocomplete_icon_data = command.autocompleteIconData;
  return json;
}

/** An autocomplete tree in Mattermost's JSON (Go field names, Data by argument type). */
function treeJson(tree: AutocompleteData): JsonObject {
  return {
    Trigger: tree.trigger,
    Hint: tree.hint,
    HelpText: tree.helpText,
    RoleID: tree.roleId,
    Arguments: tree.arguments.map(argumentJson),
    SubCommands: tree.subCommands.map(treeJson),
  };
}

function argumentJson(arg: AutocompleteArg): JsonObject {
  const data: JsonObject =
    arg.type === "TextInput"
      ? { Hint: arg.text?.hint ?? "", Pattern: arg.text?.pattern ?? "" }
      : arg.type === "StaticList"
        ? {
            PossibleArguments: arg.staticList.map((item) => ({
              Item: item.item,
              Hint: item.hint,
              HelpText: item.helpText,
            })),
          }
        : { FetchURL: arg.fetchUrl };
  return {
    Name: arg.name,
    HelpText: arg.helpText,
    Type: arg.type,
    Required: arg.required,
    Data: data,
  };
}

async function executeCommand(call: RestCall): Promise<void> {
  const user = call.user();
  const fields = fieldsOf(
    await call.json(),
    ["channel_id", "command", "team_id", "root_id", "parent_id"],
    call.ignoreField,
  );
  const channelId = stringField(fields, "channel_id", true);
  const command = stringField(fields, "command", true);
  await requireChannelPermission(call, channelId, "use_slash_commands");
  const channel = await call.app.getChannel(channelId);
  const response = await call.app.executeCommand(
    call.actor(),
    create(CommandArgsSchema, {
      userId: user.id,
      channelId,
      teamId: channel.teamId || stringField(fields, "team_id"),
      rootId: stringField(fields, "root_id"),
      parentId: stringField(fields, "parent_id"),
      command,
      siteUrl: call.server.siteUrl,
    }),
  );
  call.send(200, modelToJson(CommandResponseSchema, response));
}
