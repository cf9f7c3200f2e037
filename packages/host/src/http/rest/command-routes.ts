// POST /api/v4/commands/execute: a slash command goes to the plugin that registered it, and
// its answer is delivered as Mattermost delivers it: an in_channel response is posted as the
// caller (through MessageWillBePosted like any post), an ephemeral one is shown to the caller
// alone on their live connections. Extra responses are delivered the same way, in order.
// The lists and autocomplete a client shows come from the registered commands: Plugwire's
// commands are its plugins' (it has no built-in or webhook commands).
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  type Command,
  CommandArgsSchema,
  type CommandResponse,
  CommandResponseSchema,
  PostSchema,
} from "@plugwire/protocol";
import { fieldsOf, stringField } from "./body-fields.js";
import { modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import { requireChannelPermission, requireTeamMember } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidUrlParam } from "./rest-errors.js";
import type { Router } from "./router.js";

export function commandRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/commands/execute", executeCommand)
    .add("GET", "/api/v4/commands", listCommands)
    .add("GET", "/api/v4/teams/{team_id}/commands/autocomplete", autocompleteCommands)
    .add(
      "GET",
      "/api/v4/teams/{team_id}/commands/autocomplete_suggestions",
      autocompleteSuggestions,
    );
}

/**
 * GET /commands?team_id=: the commands a team member can run. With custom_only=true, only the
 * team's own (webhook) commands, which Plugwire has none of.
 */
async function listCommands(call: RestCall): Promise<void> {
  const teamId = call.url.searchParams.get("team_id") ?? "";
  if (teamId === "") throw invalidUrlParam("team_id", "it is required.");
  await requireTeamMember(call, teamId);
  if (call.url.searchParams.get("custom_only") === "true") {
    call.send(200, []);
    return;
  }
  const commands = await call.app.listCommands(teamId);
  call.send(
    200,
    commands.map((command) => commandJson(command)),
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
    commands.filter((command) => command.autoComplete).map((command) => commandJson(command)),
  );
}

/**
 * What to offer for what the user typed (?user_input=/tri): each autocompleted command whose
 * trigger starts with it, as Mattermost's AutocompleteSuggestion.
 */
async function autocompleteSuggestions(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  const userInput = call.url.searchParams.get("user_input") ?? "";
  if (userInput === "") throw invalidUrlParam("user_input", "it is required, e.g. /echo.");
  await requireTeamMember(call, teamId);
  const typed = userInput.replace(/^\//, "").toLowerCase();
  const suggestions: JsonObject[] = [];
  // Once a space follows the trigger, the arguments are the plugin's: there is nothing to offer.
  if (!typed.includes(" ")) {
    for (const command of await call.app.listCommands(teamId)) {
      if (!command.autoComplete || !command.trigger.startsWith(typed)) continue;
      suggestions.push({
        Complete: command.trigger,
        Suggestion: command.trigger,
        Hint: command.autoCompleteHint,
        Description: command.autoCompleteDesc,
        IconData: "",
      });
    }
  }
  call.send(200, suggestions);
}

/** A command as v4's model.Command, with the fields only webhook commands fill left empty. */
function commandJson(command: Command): JsonObject {
  return {
    id: command.id,
    token: "",
    create_at: 0,
    update_at: 0,
    delete_at: 0,
    creator_id: command.creatorId,
    team_id: command.teamId,
    trigger: command.trigger,
    method: "",
    username: command.username,
    icon_url: command.iconUrl,
    auto_complete: command.autoComplete,
    auto_complete_desc: command.autoCompleteDesc,
    auto_complete_hint: command.autoCompleteHint,
    display_name: command.displayName,
    description: command.description,
    url: "",
    plugin_id: command.pluginId,
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
  const args = create(CommandArgsSchema, {
    userId: user.id,
    channelId,
    teamId: channel.teamId || stringField(fields, "team_id"),
    rootId: stringField(fields, "root_id"),
    parentId: stringField(fields, "parent_id"),
    command,
    siteUrl: call.server.siteUrl,
  });
  const response = await call.app.executeCommand(call.actor(), args);
  for (const part of [response, ...response.extraResponses]) {
    await deliver(call, part, channelId, args.rootId);
  }
  call.send(200, modelToJson(CommandResponseSchema, response));
}

async function deliver(
  call: RestCall,
  response: CommandResponse,
  commandChannelId: string,
  rootId: string,
): Promise<void> {
  const channelId = response.channelId || commandChannelId;
  if (response.responseType === "in_channel") {
    // A plugin may answer into another channel, but only one the caller may post in.
    if (channelId !== commandChannelId) {
      await requireChannelPermission(call, channelId, "create_post");
    }
    await call.app.createPost(
      call.actor(),
      create(PostSchema, {
        channelId,
        userId: call.userId,
        rootId,
        message: response.text,
        type: response.type,
        props: response.props,
      }),
    );
  } else if (response.text !== "") {
    await call.app.sendEphemeralPost(
      call.actor(),
      call.userId,
      create(PostSchema, {
        channelId,
        userId: call.userId,
        rootId,
        message: response.text,
        props: response.props,
      }),
    );
  }
}
