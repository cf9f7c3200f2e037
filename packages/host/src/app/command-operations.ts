// Slash commands: those plugins register (answered by the plugin's ExecuteCommand) and
// Mattermost's custom commands (server-owned, answered by calling their url), how a command
// runs and how its answer is delivered, and the suggestions of the autocomplete tree.
// There are no built-in commands: every command is a plugin's or a custom one.
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
  ValidationError,
} from "@plugwire/errors";
import {
  type AutocompleteListItem,
  AutocompleteListItemSchema,
  type Command,
  type CommandArgs,
  CommandArgsSchema,
  type CommandResponse,
  CommandResponseSchema,
  CommandSchema,
  PostSchema,
} from "@plugwire/protocol";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import {
  type AutocompleteSuggestion,
  suggest,
  validateTree,
  withPluginUrls,
} from "./command-autocomplete.js";
import { newId } from "./ids.js";
import { callIntegration, pluginRoute } from "./integration-requests.js";
import type { IntegrationSecrets } from "./integration-secrets.js";
import type { Permissions } from "./permissions.js";
import type { PostOperations } from "./post-operations.js";

export type { AutocompleteSuggestion } from "./command-autocomplete.js";

const MAX_TRIGGER_LENGTH = 128;

export interface CommandOperations {
  /**
   * Registers or replaces a plugin's command (team_id + trigger) with its autocomplete tree;
   * AlreadyExistsError when another plugin owns it, ValidationError for a bad trigger or tree.
   */
  registerCommand(actor: Actor, pluginId: string, command: Command): Promise<void>;
  unregisterCommand(actor: Actor, pluginId: string, teamId: string, trigger: string): Promise<void>;
  /** Every command of a team, plugins' and custom, by trigger. */
  listCommands(teamId: string): Promise<Command[]>;
  /** The plugin commands a team sees. */
  listPluginCommands(teamId: string): Promise<Command[]>;
  /** A team's custom commands. */
  listCustomCommands(teamId: string): Promise<Command[]>;
  /** The built-in commands: none. */
  listBuiltInCommands(): Promise<Command[]>;
  /** A custom command by id. */
  getCommand(commandId: string): Promise<Command>;
  /** Saves a custom command, owned by the acting plugin or created by the acting user. */
  createCommand(actor: Actor, command: Command): Promise<Command>;
  /** Changes a custom command; its id, token, owner and creation time stay. */
  updateCommand(actor: Actor, commandId: string, command: Command): Promise<Command>;
  deleteCommand(actor: Actor, commandId: string): Promise<void>;
  /**
   * Moves a custom command to another team (Mattermost's MoveCommand); AlreadyExistsError when
   * that team has a custom command with its trigger.
   */
  moveCommand(actor: Actor, commandId: string, teamId: string): Promise<Command>;
  /** Gives a custom command a new token; the old one stops authorizing its requests. */
  regenCommandToken(actor: Actor, commandId: string): Promise<Command>;
  /**
   * Runs a slash command as args.user_id: ExecuteCommand on the plugin that registered the
   * trigger, else the team's custom command's url. The answer (and its extra responses) is
   * delivered: an in_channel one posted as the user, an ephemeral one shown to the user. The
   * answer carries the client's part of the trigger id the command got.
   */
  executeCommand(actor: Actor, args: CommandArgs): Promise<CommandResponse>;
  /**
   * What to suggest for `args.command` (the input after the slash) to `args.user_id` in
   * `args.team_id`, from the autocomplete trees; dynamic lists are asked of their routes.
   */
  autocompleteSuggestions(actor: Actor, args: CommandArgs): Promise<AutocompleteSuggestion[]>;
}

export class Commands implements CommandOperations {
  constructor(
    private readonly core: AppCore,
    /** How answers are posted: the app's own way, with action ids and cookies. */
    private readonly posts: Pick<PostOperations, "createPost" | "sendEphemeralPost">,
    private readonly permissions: Permissions,
    private readonly secrets: IntegrationSecrets,
  ) {}

  async registerCommand(_actor: Actor, pluginId: string, command: Command): Promise<void> {
    const trigger = checkTrigger(command.trigger);
    let tree = command.autocompleteData;
    if (tree !== undefined) {
      tree = withPluginUrls(tree, pluginId);
      tree.trigger ||= trigger;
      validateTree(tree);
    }
    await this.core.store.registerCommand(
      pluginId,
      create(CommandSchema, { ...command, trigger, autocompleteData: tree }),
    );
  }

  unregisterCommand(
    _actor: Actor,
    pluginId: string,
    teamId: string,
    trigger: string,
  ): Promise<void> {
    return this.core.store.unregisterCommand(pluginId, teamId, trigger.toLowerCase());
  }

  async listCommands(teamId: string): Promise<Command[]> {
    const all = [
      ...(await this.listPluginCommands(teamId)),
      ...(await this.listCustomCommands(teamId)),
    ];
    return all.sort((a, b) => a.trigger.localeCompare(b.trigger));
  }

  listPluginCommands(teamId: string): Promise<Command[]> {
    return this.core.store.listCommands(teamId);
  }

  listCustomCommands(teamId: string): Promise<Command[]> {
    return this.core.store.listCustomCommands(teamId);
  }

  async listBuiltInCommands(): Promise<Command[]> {
    return [];
  }

  getCommand(commandId: string): Promise<Command> {
    return this.core.store.getCustomCommand(commandId);
  }

  async createCommand(actor: Actor, command: Command): Promise<Command> {
    const owned = create(CommandSchema, {
      ...command,
      id: "",
      token: "",
      trigger: checkTrigger(command.trigger),
      // A plugin's command is the plugin's; a person's is theirs (Mattermost's CreatorId/PluginId).
      creatorId: actor.pluginId ? "" : (actor.userId ?? ""),
      pluginId: actor.pluginId ?? "",
    });
    await this.checkCustom(owned);
    return this.core.store.createCustomCommand(owned);
  }

  async updateCommand(_actor: Actor, commandId: string, command: Command): Promise<Command> {
    const before = await this.core.store.getCustomCommand(commandId);
    const updated = create(CommandSchema, {
      ...command,
      id: before.id,
      token: before.token,
      creatorId: before.creatorId,
      pluginId: before.pluginId,
      teamId: command.teamId || before.teamId,
      trigger: checkTrigger(command.trigger),
    });
    await this.checkCustom(updated);
    return this.core.store.updateCustomCommand(updated);
  }

  async deleteCommand(_actor: Actor, commandId: string): Promise<void> {
    await this.core.store.deleteCustomCommand(commandId);
  }

  async moveCommand(_actor: Actor, commandId: string, teamId: string): Promise<Command> {
    const command = await this.core.store.getCustomCommand(commandId);
    await this.core.store.getTeam(teamId);
    return this.core.store.updateCustomCommand(create(CommandSchema, { ...command, teamId }));
  }

  async regenCommandToken(_actor: Actor, commandId: string): Promise<Command> {
    const command = await this.core.store.getCustomCommand(commandId);
    return this.core.store.updateCustomCommand(
      create(CommandSchema, { ...command, token: newId() }),
    );
  }

  async executeCommand(actor: Actor, args: CommandArgs): Promise<CommandResponse> {
    const match = /^\/(\S+)\s*([\s\S]*)$/.exec(args.command);
    if (!match) {
      throw new ValidationError({
        id: "api.command.execute.invalid",
        message: `"${args.command}" is not a slash command: it must start with "/" and a trigger word.`,
        params: { field: "command" },
      });
    }
    const trigger = (match[1] as string).toLowerCase();
    const text = match[2] as string;
    const user = await this.core.store.getUser(args.userId);
    const { triggerId, clientTriggerId } = await this.secrets.newTriggerId(user.id);
    const withTrigger = create(CommandArgsSchema, { ...args, triggerId });
    const command = await this.core.store.findCommand(args.teamId, trigger);
    let response: CommandResponse;
    if (command !== undefined) {
      response = await this.runPluginCommand(actor, command, trigger, withTrigger);
    } else {
      const custom = await this.core.store.findCustomCommand(args.teamId, trigger);
      if (custom === undefined) {
        throw new NotFoundError({
          id: "api.command.execute.not_found",
          message: `Command with a trigger of "/${trigger}" not found.`,
          params: { trigger },
        });
      }
      response = await this.runCustomCommand(actor, custom, text, withTrigger);
    }
    for (const part of [response, ...response.extraResponses]) {
      await this.deliver(actor, part, withTrigger, command === undefined);
    }
    return create(CommandResponseSchema, { ...response, triggerId: clientTriggerId });
  }

  async autocompleteSuggestions(
    actor: Actor,
    args: CommandArgs,
  ): Promise<AutocompleteSuggestion[]> {
    const user = await this.core.store.getUser(args.userId);
    const roleId = user.roles.split(/\s+/).includes("system_admin")
      ? "system_admin"
      : "system_user";
    const commands = (await this.listCommands(args.teamId)).filter((c) => c.autoComplete);
    const context = contextOf(actor);
    const fetchList = async (fetchUrl: string, parsed: string, userInput: string) => {
      const query = new URLSearchParams({
        user_input: userInput,
        parsed,
        request_id: context.requestId,
        session_id: context.sessionId,
        ip_address: context.ipAddress,
        accept_language: context.acceptLanguage,
        user_agent: context.userAgent,
        channel_id: args.channelId,
        team_id: args.teamId,
        root_id: args.rootId,
        user_id: args.userId,
        site_url: args.siteUrl,
      });
      const answer = await callIntegration(this.core, actor, {
        method: "GET",
        url: fetchUrl,
        userId: args.userId,
        query,
        errorId: "api.command.autocomplete.dynamic_list.app_error",
      });
      return listItems(answer.body);
    };
    return suggest(commands, args.command.replace(/^\//, ""), roleId, (url, parsed, input) =>
      fetchList(url, parsed, input).catch((error: unknown) => {
        this.core.log.warn(`a dynamic autocomplete list failed: ${(error as Error).message}`, {
          url,
        });
        throw error;
      }),
    );
  }

  private async runPluginCommand(
    actor: Actor,
    command: Command,
    trigger: string,
    args: CommandArgs,
  ): Promise<CommandResponse> {
    const target = this.core.hooks.get(command.pluginId);
    if (!target?.implements("ExecuteCommand")) {
      throw new UnavailableError({
        id: "api.command.execute.plugin_unavailable",
        message: `The plugin that handles "/${trigger}" (${command.pluginId}) is not running.`,
        params: { trigger, plugin_id: command.pluginId },
      });
    }
    const answer = await target.callHook("ExecuteCommand", { context: contextOf(actor), args });
    return answer?.response ?? create(CommandResponseSchema, { responseType: "ephemeral" });
  }

  /** Calls a custom command's url with Mattermost's form fields and reads its CommandResponse. */
  private async runCustomCommand(
    actor: Actor,
    command: Command,
    text: string,
    args: CommandArgs,
  ): Promise<CommandResponse> {
    const { store } = this.core;
    const user = await store.getUser(args.userId);
    const channel = await store.getChannel(args.channelId);
    const team = args.teamId ? await store.getTeam(args.teamId).catch(() => undefined) : undefined;
    const fields = new URLSearchParams({
      token: command.token,
      team_id: command.teamId,
      team_domain: team?.name ?? "",
      channel_id: channel.id,
      channel_name: channel.name,
      timestamp: String(this.core.now()),
      user_id: user.id,
      user_name: user.username,
      command: `/${command.trigger}`,
      text,
      trigger_id: args.triggerId,
    });
    const post = command.method === "P";
    const answer = await callIntegration(this.core, actor, {
      method: post ? "POST" : "GET",
      url: command.url,
      userId: user.id,
      query: post ? undefined : fields,
      body: post
        ? { contentType: "application/x-www-form-urlencoded", data: fields.toString() }
        : undefined,
      authorization: `Token ${command.token}`,
      errorId: "api.command.execute_command.failed.app_error",
    });
    if (answer.status !== 200) {
      throw new ValidationError({
        id: "api.command.execute_command.failed_resp.app_error",
        message: `The command /${command.trigger} answered HTTP ${answer.status}.`,
        params: { trigger: command.trigger, status: answer.status },
      });
    }
    return commandResponseFromBody(answer.contentType, answer.body);
  }

  private async deliver(
    actor: Actor,
    response: CommandResponse,
    args: CommandArgs,
    fromCustomCommand: boolean,
  ): Promise<void> {
    const channelId = response.channelId || args.channelId;
    const props: JsonObject = { ...(response.props ?? {}) };
    if (fromCustomCommand) props.from_webhook = "true";
    if (response.responseType === "in_channel") {
      // A command may answer into another channel, but only one the user may post in.
      if (
        channelId !== args.channelId &&
        !(await this.permissions.hasPermissionToChannel(args.userId, channelId, "create_post"))
      ) {
        throw new PermissionDeniedError({
          id: "api.command.execute_command.create_post_failed.app_error",
          message: `The command answered into channel ${channelId}, where the user may not post.`,
          params: { channel_id: channelId },
        });
      }
      await this.posts.createPost(
        actor,
        create(PostSchema, {
          channelId,
          userId: args.userId,
          rootId: args.rootId,
          message: response.text,
          type: response.type,
          props,
        }),
      );
    } else if (
      // An answer to a run without a channel (host code, tests) has nowhere to be shown; the
      // caller gets it back.
      channelId !== "" &&
      (response.text !== "" || Object.keys(response.props ?? {}).length > 0)
    ) {
      await this.posts.sendEphemeralPost(
        actor,
        args.userId,
        create(PostSchema, {
          channelId,
          userId: args.userId,
          rootId: args.rootId,
          message: response.text,
          props,
        }),
      );
    }
  }

  /** Mattermost's Command.IsValid for a custom command, and that its team exists. */
  private async checkCustom(command: Command): Promise<void> {
    const fail = (field: string, message: string) => {
      throw new ValidationError({
        id: `model.command.is_valid.${field}.app_error`,
        message,
        params: { field },
      });
    };
    if (command.teamId === "") fail("team_id", "team_id is required: the team the command is for.");
    await this.core.store.getTeam(command.teamId);
    if (command.url === "" || command.url.length > 1024) {
      fail("url", "url is required (at most 1024 characters): where the command is sent.");
    }
    if (pluginRoute(command.url) === undefined && !/^https?:\/\/[^/\s]+/i.test(command.url)) {
      fail(
        "url_http",
        `url "${command.url}" must be a plugin route "/plugins/<plugin id>/…" or an http(s) URL.`,
      );
    }
    if (command.method !== "P" && command.method !== "G") {
      fail("method", `method "${command.method}" must be "P" (POST) or "G" (GET).`);
    }
    if (command.displayName.length > 64)
      fail("display_name", "display_name is at most 64 characters.");
    if (command.description.length > 128)
      fail("description", "description is at most 128 characters.");
    if (command.autocompleteData !== undefined) validateTree(command.autocompleteData);
  }
}

/** A trigger as it is kept: lowercase, without a slash or a space, 1 to 128 characters. */
function checkTrigger(trigger: string): string {
  if (
    trigger.length < 1 ||
    trigger.length > MAX_TRIGGER_LENGTH ||
    trigger.startsWith("/") ||
    /\s/.test(trigger)
  ) {
    throw new ValidationError({
      id: "model.command.is_valid.trigger.app_error",
      message: `Trigger "${trigger}" must be 1 to ${MAX_TRIGGER_LENGTH} characters, without a leading "/" or spaces.`,
      params: { field: "trigger" },
    });
  }
  return trigger.toLowerCase();
}

/** The items a dynamic list route answered: Mattermost's []AutocompleteListItem JSON. */
function listItems(body: string): AutocompleteListItem[] {
  const parsed: unknown = JSON.parse(body);
  if (!Array.isArray(parsed)) throw new Error("the dynamic list answer is not a JSON array");
  return parsed.map((item: Record<string, unknown>) =>
    create(AutocompleteListItemSchema, {
      item: String(item?.Item ?? ""),
      hint: String(item?.Hint ?? ""),
      helpText: String(item?.HelpText ?? ""),
    }),
  );
}

/** Mattermost's CommandResponseFromHTTPBody: JSON when the answer says so, else its text. */
export function commandResponseFromBody(contentType: string, body: string): CommandResponse {
  if (!contentType.toLowerCase().includes("application/json")) {
    return create(CommandResponseSchema, { responseType: "ephemeral", text: body });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new ValidationError({
      id: "api.command.execute_command.failed_resp.app_error",
      message: "The command's answer is not valid JSON.",
    });
  }
  return responseFromJson(json);
}

function responseFromJson(json: Record<string, unknown>): CommandResponse {
  const text = (key: string) => (typeof json[key] === "string" ? (json[key] as string) : "");
  const props = json.props;
  const extra = Array.isArray(json.extra_responses) ? json.extra_responses : [];
  return create(CommandResponseSchema, {
    responseType: text("response_type") || "ephemeral",
    text: text("text"),
    username: text("username"),
    channelId: text("channel_id"),
    iconUrl: text("icon_url"),
    type: text("type"),
    props:
      props !== null && typeof props === "object" && !Array.isArray(props)
        ? (props as JsonObject)
        : undefined,
    gotoLocation: text("goto_location"),
    skipSlackParsing: json.skip_slack_parsing === true,
    extraResponses: extra
      .filter((part): part is Record<string, unknown> => part !== null && typeof part === "object")
      .map(responseFromJson),
  });
}
