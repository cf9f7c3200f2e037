// Interactive messages and dialogs. A post's attachments may hold actions (buttons, menus)
// with an integration {url, context}; a click makes the host call that url with Mattermost's
// PostActionIntegrationRequest and apply its PostActionIntegrationResponse (update the post,
// show ephemeral text). The request carries a trigger id, with which the integration may open
// an interactive dialog in the user's client; the dialog's submission goes to its url, and
// the answer (field errors, say) back to the client. Clients never see an integration: posts
// are sent without them, and an ephemeral post's actions carry a sealed cookie instead.
import { create, fromJson, type JsonObject, type JsonValue, toJson } from "@bufbuild/protobuf";
import { NotFoundError, PermissionDeniedError, ValidationError } from "@plugwire/errors";
import {
  type Dialog,
  type DialogElement,
  type OpenInteractiveDialogRequest,
  OpenInteractiveDialogRequestSchema,
  type Post,
  PostSchema,
} from "@plugwire/protocol";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { newId } from "./ids.js";
import { callIntegration } from "./integration-requests.js";
import type { IntegrationSecrets } from "./integration-secrets.js";
import type { Permissions } from "./permissions.js";
import type { Posts } from "./post-operations.js";

/** A click on an action, as POST /posts/{post_id}/actions/{action_id} gives it. */
export interface PostActionClick {
  postId: string;
  actionId: string;
  /** The user who clicked. */
  userId: string;
  /** A menu's chosen value. */
  selectedOption: string;
  /** The action's cookie, for an ephemeral post (which is not stored). */
  cookie: string;
}

/** What the client is told after a click. */
export interface PostActionResult {
  /** The client's part of the trigger id the integration got. */
  triggerId: string;
  /** Where the integration asked the client to go, if anywhere. */
  gotoLocation: string;
}

/** Mattermost's SubmitDialogRequest, as the client sends it. */
export interface DialogSubmission {
  url: string;
  callbackId: string;
  state: string;
  userId: string;
  channelId: string;
  teamId: string;
  submission: JsonObject;
  cancelled: boolean;
}

export interface IntegrationOperations {
  /** Runs a click on a post's action; see the file's comment. */
  doPostAction(actor: Actor, click: PostActionClick): Promise<PostActionResult>;
  /**
   * Opens a dialog for the user a trigger id belongs to (the `open_dialog` websocket event):
   * the trigger id must be one the host made, at most 30 seconds old and not used before.
   */
  openInteractiveDialog(actor: Actor, request: OpenInteractiveDialogRequest): Promise<void>;
  /** Sends a dialog's submission to its url; answers the integration's SubmitDialogResponse. */
  submitInteractiveDialog(actor: Actor, submission: DialogSubmission): Promise<JsonObject>;
}

const RETAINED_PROPS = ["from_webhook", "override_username", "override_icon_url"];
const TEXT_SUBTYPES = new Set(["", "text", "email", "number", "tel", "url", "password"]);

/** An action of a post's attachments, as JSON. */
type ActionJson = JsonObject & {
  id?: string;
  integration?: { url?: string; context?: JsonObject };
};

/** Mattermost's PostActionCookie. */
interface ActionCookie {
  type?: string;
  post_id?: string;
  root_post_id?: string;
  channel_id?: string;
  data_source?: string;
  integration?: { url?: string; context?: JsonObject };
  retain_props?: JsonObject;
  remove_props?: string[];
}

export class Integrations implements IntegrationOperations {
  constructor(
    private readonly core: AppCore,
    private readonly posts: Posts,
    private readonly permissions: Permissions,
    private readonly secrets: IntegrationSecrets,
  ) {}

  async doPostAction(actor: Actor, click: PostActionClick): Promise<PostActionResult> {
    const { store } = this.core;
    const stored = await store.getPost(click.postId).catch((error: unknown) => {
      if (error instanceof NotFoundError && click.cookie !== "") return undefined;
      throw error;
    });
    let channelId: string;
    let type: string;
    let dataSource: string;
    let integration: ActionCookie["integration"];
    let rootPostId: string;
    let retain: JsonObject = {};
    let remove: string[] = [];
    if (stored !== undefined) {
      const action = actionsOf(stored).find((candidate) => candidate.id === click.actionId);
      if (action?.integration === undefined) {
        throw new NotFoundError({
          id: "api.post.do_action.action_id.app_error",
          message: `Post ${stored.id} has no action "${click.actionId}" with an integration.`,
          params: { post_id: stored.id, action_id: click.actionId },
        });
      }
      channelId = stored.channelId;
      type = String(action.type ?? "");
      dataSource = String(action.data_source ?? "");
      integration = action.integration;
      rootPostId = stored.rootId || stored.id;
      for (const key of RETAINED_PROPS) {
        const value = stored.props?.[key];
        if (value !== undefined) retain[key] = value;
        else remove.push(key);
      }
    } else {
      const cookie = await this.openCookie(click.cookie);
      if (cookie.integration === undefined || cookie.post_id !== click.postId) {
        throw new ValidationError({
          id: "api.post.do_action.action_integration.app_error",
          message: "The action cookie is not for this post, or names no integration.",
          params: { field: "cookie" },
        });
      }
      channelId = cookie.channel_id ?? "";
      type = cookie.type ?? "";
      dataSource = cookie.data_source ?? "";
      integration = cookie.integration;
      rootPostId = cookie.root_post_id ?? "";
      retain = cookie.retain_props ?? {};
      remove = cookie.remove_props ?? [];
    }
    if (!(await this.permissions.hasPermissionToChannel(click.userId, channelId, "read_channel"))) {
      throw new PermissionDeniedError({
        id: "api.context.permissions.app_error",
        message: `You may not read channel ${channelId}, so you can't use its posts' actions.`,
        params: { permission: "read_channel" },
      });
    }
    const user = await store.getUser(click.userId);
    const channel = await store.getChannel(channelId);
    const team = channel.teamId ? await store.getTeam(channel.teamId) : undefined;
    const context: JsonObject = { ...(integration.context ?? {}) };
    if (type === "select" && click.selectedOption !== "")
      context.selected_option = click.selectedOption;
    const { triggerId, clientTriggerId } = await this.secrets.newTriggerId(user.id);
    const request: JsonObject = {
      user_id: user.id,
      user_name: user.username,
      channel_id: channel.id,
      channel_name: channel.name,
      team_id: channel.teamId,
      team_domain: team?.name ?? "",
      post_id: click.postId,
      trigger_id: triggerId,
      type,
      data_source: type === "select" && click.selectedOption !== "" ? dataSource : "",
      context,
    };
    const answer = await callIntegration(this.core, actor, {
      method: "POST",
      url: integration.url ?? "",
      userId: user.id,
      body: { contentType: "application/json", data: JSON.stringify(request) },
      errorId: "api.post.do_action.action_integration.app_error",
    });
    if (answer.status !== 200) {
      throw new ValidationError({
        id: "api.post.do_action.action_integration.app_error",
        message: `The action's integration answered HTTP ${answer.status}.`,
        params: { status: answer.status },
      });
    }
    const response = answer.body.trim() === "" ? {} : parseObject(answer.body);
    const update = response.update;
    if (
      stored !== undefined &&
      update !== null &&
      typeof update === "object" &&
      !Array.isArray(update)
    ) {
      await this.applyUpdate(actor, stored, update, retain, remove);
    }
    const ephemeralText =
      typeof response.ephemeral_text === "string" ? response.ephemeral_text : "";
    if (ephemeralText !== "") {
      await this.sendEphemeralPost(
        actor,
        user.id,
        create(PostSchema, {
          channelId: channel.id,
          rootId: rootPostId,
          userId: user.id,
          message:
            response.skip_slack_parsing === true
              ? ephemeralText
              : slackLinksToMarkdown(ephemeralText),
          props: retain,
        }),
      );
    }
    return {
      triggerId: clientTriggerId,
      gotoLocation: typeof response.goto_location === "string" ? response.goto_location : "",
    };
  }

  async openInteractiveDialog(_actor: Actor, request: OpenInteractiveDialogRequest): Promise<void> {
    const problems: string[] = [];
    if (request.url === "") problems.push("empty URL");
    if (request.triggerId === "") problems.push("empty trigger id");
    problems.push(...dialogProblems(request.dialog));
    if (problems.length > 0) {
      throw new ValidationError({
        id: "app.open_interactive_dialog.invalid",
        message: `The dialog can't be opened: ${problems.join("; ")}.`,
        params: { field: "dialog" },
      });
    }
    const { clientTriggerId, userId } = await this.secrets.useTriggerId(request.triggerId);
    const opened = create(OpenInteractiveDialogRequestSchema, {
      ...request,
      triggerId: clientTriggerId,
    });
    this.core.emit(
      "dialogOpened",
      userId,
      toJson(OpenInteractiveDialogRequestSchema, opened, {
        useProtoFieldName: true,
        alwaysEmitImplicit: true,
      }) as JsonObject,
    );
  }

  async submitInteractiveDialog(actor: Actor, submission: DialogSubmission): Promise<JsonObject> {
    if (submission.url === "") {
      throw new ValidationError({
        id: "api.dialog.submit.url.app_error",
        message: "url is required: where the dialog is submitted.",
        params: { field: "url" },
      });
    }
    const request: JsonObject = {
      type: "dialog_submission",
      callback_id: submission.callbackId,
      state: submission.state,
      user_id: submission.userId,
      channel_id: submission.channelId,
      team_id: submission.teamId,
      submission: submission.submission,
      cancelled: submission.cancelled,
    };
    const answer = await callIntegration(this.core, actor, {
      method: "POST",
      url: submission.url,
      userId: submission.userId,
      body: { contentType: "application/json", data: JSON.stringify(request) },
      errorId: "api.dialog.submit.app_error",
    });
    if (answer.status !== 200) {
      throw new ValidationError({
        id: "api.dialog.submit.app_error",
        message: `The dialog's integration answered HTTP ${answer.status}.`,
        params: { status: answer.status },
      });
    }
    return answer.body.trim() === "" ? {} : parseObject(answer.body);
  }

  /** A post with an id for each action that has none, as Mattermost's GenerateActionIds. */
  withActionIds(post: Post): Post {
    const attachments = post.props?.attachments;
    if (!Array.isArray(attachments)) return post;
    return create(PostSchema, {
      ...post,
      props: {
        ...post.props,
        attachments: attachments.map((attachment) =>
          isObject(attachment) && Array.isArray(attachment.actions)
            ? {
                ...attachment,
                actions: attachment.actions.map((action) =>
                  isObject(action) && !action.id ? { ...action, id: newId() } : action,
                ),
              }
            : attachment,
        ),
      },
    });
  }

  /** Delivers an ephemeral post with a sealed cookie on each of its actions. */
  async sendEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post> {
    return this.posts.sendEphemeralPost(
      actor,
      userId,
      await this.withCookies(this.withActionIds(post)),
    );
  }

  /** An ephemeral post's actions with Mattermost's cookie: what a click on it needs. */
  async withCookies(post: Post): Promise<Post> {
    const attachments = post.props?.attachments;
    if (!Array.isArray(attachments)) return post;
    const id = post.id || newId();
    const retain: JsonObject = {};
    const remove: string[] = [];
    for (const key of RETAINED_PROPS) {
      const value = post.props?.[key];
      if (value !== undefined) retain[key] = value;
      else remove.push(key);
    }
    const sealed: JsonValue[] = [];
    for (const attachment of attachments) {
      if (!isObject(attachment) || !Array.isArray(attachment.actions)) {
        sealed.push(attachment);
        continue;
      }
      const actions: JsonValue[] = [];
      for (const action of attachment.actions) {
        if (!isObject(action)) {
          actions.push(action);
          continue;
        }
        const cookie: ActionCookie = {
          type: String(action.type ?? ""),
          post_id: id,
          root_post_id: post.rootId || id,
          channel_id: post.channelId,
          data_source: String(action.data_source ?? ""),
          integration: action.integration as ActionCookie["integration"],
          retain_props: retain,
          remove_props: remove,
        };
        actions.push({ ...action, cookie: await this.secrets.sealCookie(JSON.stringify(cookie)) });
      }
      sealed.push({ ...attachment, actions });
    }
    return create(PostSchema, { ...post, id, props: { ...post.props, attachments: sealed } });
  }

  private async openCookie(encoded: string): Promise<ActionCookie> {
    const plain = await this.secrets.openCookie(encoded);
    return JSON.parse(plain) as ActionCookie;
  }

  /** Mattermost's handling of `update`: the post keeps its pin, reactions and retained props. */
  private async applyUpdate(
    actor: Actor,
    original: Post,
    update: JsonObject,
    retain: JsonObject,
    remove: readonly string[],
  ): Promise<void> {
    let props: JsonObject = original.props ?? {};
    if (isObject(update.props)) {
      props = { ...update.props, ...retain };
      for (const key of remove) delete props[key];
    }
    const changed = create(PostSchema, {
      ...original,
      message: typeof update.message === "string" ? update.message : original.message,
      props,
    });
    await this.posts.updatePost(actor, this.withActionIds(changed));
  }
}

/** The actions of a post's attachments (props.attachments[].actions[]). */
function actionsOf(post: Post): ActionJson[] {
  const attachments = post.props?.attachments;
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((attachment) =>
    isObject(attachment) && Array.isArray(attachment.actions)
      ? (attachment.actions.filter(isObject) as ActionJson[])
      : [],
  );
}

/**
 * The post as clients get it: its actions without their integration (the url and the
 * context are the integration's private data), as Mattermost's StripActionIntegrations.
 */
export function withoutActionIntegrations(post: Post): Post {
  const attachments = post.props?.attachments;
  if (!Array.isArray(attachments) || !attachments.some(hasIntegration)) return post;
  return create(PostSchema, {
    ...post,
    props: {
      ...post.props,
      attachments: attachments.map((attachment) =>
        isObject(attachment) && Array.isArray(attachment.actions)
          ? {
              ...attachment,
              actions: attachment.actions.map((action) => {
                if (!isObject(action)) return action;
                const { integration: _private, ...shown } = action;
                return shown;
              }),
            }
          : attachment,
      ),
    },
  });
}

function hasIntegration(attachment: JsonValue): boolean {
  return (
    isObject(attachment) &&
    Array.isArray(attachment.actions) &&
    attachment.actions.some((action) => isObject(action) && action.integration !== undefined)
  );
}

/** The problems Mattermost's Dialog.IsValid and DialogElement.IsValid find. */
export function dialogProblems(dialog: Dialog | undefined): string[] {
  if (dialog === undefined) return ["no dialog"];
  const problems: string[] = [];
  if (dialog.title === "" || [...dialog.title].length > 24) {
    problems.push(`invalid dialog title "${dialog.title}" (1 to 24 characters)`);
  }
  if (dialog.iconUrl !== "" && !/^https?:\/\/\S+$/i.test(dialog.iconUrl))
    problems.push("invalid icon url");
  const names = new Set<string>();
  for (const element of dialog.elements) {
    if (names.has(element.name)) problems.push(`duplicate dialog element "${element.name}"`);
    names.add(element.name);
    problems.push(
      ...elementProblems(element).map(
        (problem) => `"${element.name}" field is not valid: ${problem}`,
      ),
    );
  }
  return problems;
}

function elementProblems(element: DialogElement): string[] {
  const problems: string[] = [];
  const length = (field: string, value: string, max: number, required = false) => {
    const count = [...value].length;
    if (required && count === 0) problems.push(`${field} cannot be empty`);
    if (count > max)
      problems.push(`${field} cannot be longer than ${max} characters, got ${count}`);
  };
  if (element.minLength < 0) problems.push("min length cannot be a negative number");
  if (element.minLength > element.maxLength) {
    problems.push(
      `min length should be less than max length, got ${element.minLength} > ${element.maxLength}`,
    );
  }
  length("DisplayName", element.displayName, 24, true);
  length("Name", element.name, 300, true);
  length("HelpText", element.helpText, 150);
  const inOptions = (value: string) =>
    value === "" || element.options.some((o) => o.value === value);
  switch (element.type) {
    case "text":
    case "textarea": {
      const max = element.type === "text" ? 150 : 3000;
      length("Default", element.default, max);
      length("Placeholder", element.placeholder, max);
      if (!TEXT_SUBTYPES.has(element.subtype))
        problems.push(`invalid subtype "${element.subtype}"`);
      break;
    }
    case "select":
      length("Default", element.default, 3000);
      length("Placeholder", element.placeholder, 3000);
      if (!["", "users", "channels"].includes(element.dataSource)) {
        problems.push(
          `invalid data source "${element.dataSource}", allowed are "users" and "channels"`,
        );
      } else if (element.dataSource === "" && !inOptions(element.default)) {
        problems.push(`default value "${element.default}" doesn't exist in options`);
      }
      break;
    case "bool":
      if (!["", "true", "false"].includes(element.default))
        problems.push("invalid default of bool");
      length("Placeholder", element.placeholder, 150);
      break;
    case "radio":
      if (!inOptions(element.default))
        problems.push(`default value "${element.default}" doesn't exist in options`);
      break;
    default:
      problems.push(`invalid element type "${element.type}"`);
  }
  return problems;
}

/** A dialog read from Mattermost's JSON (its field names); ValidationError for a bad shape. */
export function dialogRequestFromJson(json: unknown): OpenInteractiveDialogRequest {
  try {
    return fromJson(OpenInteractiveDialogRequestSchema, json as JsonValue, {
      ignoreUnknownFields: true,
    });
  } catch (error) {
    throw new ValidationError({
      id: "api.context.invalid_body_param.app_error",
      message: `The dialog request is not valid: ${(error as Error).message}`,
      params: { field: "dialog" },
    });
  }
}

/** Slack's <url|text> links as Markdown, as Mattermost's ParseSlackLinksToMarkdown. */
function slackLinksToMarkdown(text: string): string {
  return text.replace(/<([^<>|\s]+)\|([^<>]+)>/g, "[$2]($1)");
}

function parseObject(body: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ValidationError({
      id: "api.post.do_action.action_integration.app_error",
      message: "The integration's answer is not JSON.",
    });
  }
  if (!isObject(parsed)) {
    throw new ValidationError({
      id: "api.post.do_action.action_integration.app_error",
      message: "The integration's answer is not a JSON object.",
    });
  }
  return parsed;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
