// The application layer: each operation that Mattermost surrounds with hooks, done against
// the Store with the hooks fired where Mattermost fires them. Decision hooks run in order
// (ascending plugin id), each seeing the previous plugin's result; the first rejection
// stops the operation. Notification hooks run after the write commits, in the background:
// they never delay or undo it, and their failures are logged.

import { randomUUID } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  NotFoundError,
  PluginAPIError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from "@plugwire/errors";
import {
  type Channel,
  type ChannelMember,
  type CommandArgs,
  type CommandResponse,
  CommandResponseSchema,
  type PluginClusterEvent,
  type PluginContext,
  PluginContextSchema,
  type Post,
  type PostDecision,
  PostSchema,
  type Team,
  type TeamMember,
  type User,
} from "@plugwire/protocol";
import type { Logger } from "../log.js";
import { newId } from "../store/ids.js";
import type { Session, Store } from "../store/store.js";
import type { HookRequest, HookResponse, UnaryHookName } from "../supervisor/hook-client.js";
import type { Actor, App } from "./app.js";
import type { ClusterBus } from "./cluster-bus.js";
import { hashPassword, verifyPassword } from "./password.js";
import type { HookTargets } from "./plugin-hooks.js";
import {
  hashSessionToken,
  newSessionToken,
  SESSION_ACTIVITY_INTERVAL_MS,
  SESSION_LENGTH_MS,
} from "./sessions.js";

/** Longest post message, as in Mattermost. */
export const MAX_POST_MESSAGE_LENGTH = 16383;

/** Error id of a post a plugin rejected; the message carries the plugin's reason. */
export const POST_REJECTED_ID = "plugin.message_will_be_posted.rejected";
/** Error id of a post a plugin dismissed: nothing was stored and no reason is shown. */
export const POST_DISMISSED_ID = "plugin.message_will_be_posted.dismiss_post";

/** Error id of a login a plugin's UserWillLogIn rejected; the message carries the reason. */
export const LOGIN_REJECTED_ID = "plugin.user_will_log_in.rejected";

/**
 * What the application layer tells the outside world about once it happened (live
 * connections, mostly). Each method is called after the write committed; what it throws is
 * logged and changes nothing.
 */
export interface AppEvents {
  /** A post only `userId` should see, delivered to that user's live connections. */
  ephemeralPost?(userId: string, post: Post): void;
  postCreated?(post: Post, actor: Actor): void;
  postUpdated?(post: Post, actor: Actor): void;
  postDeleted?(post: Post, actor: Actor): void;
  channelCreated?(channel: Channel, actor: Actor): void;
  channelMemberAdded?(member: ChannelMember, actor: Actor): void;
  channelMemberRemoved?(member: ChannelMember, actor: Actor): void;
  teamMemberAdded?(member: TeamMember, actor: Actor): void;
  teamMemberRemoved?(member: TeamMember, actor: Actor): void;
  teamUpdated?(team: Team, actor: Actor): void;
  userDeactivated?(user: User, actor: Actor): void;
  /** A session ended by logout; its token no longer authenticates. */
  sessionEnded?(session: Session): void;
}

/** A successful login: the user, the new session, and the token only the client will hold. */
export interface Login {
  user: User;
  session: Session;
  token: string;
}

/** A request's session, once its token checked out. */
export interface Authenticated {
  user: User;
  session: Session;
}

export interface HostAppOptions {
  store: Store;
  hooks: HookTargets;
  log: Logger;
  events?: AppEvents;
  cluster?: ClusterBus;
  hostId: string;
}

export class HostApp implements App {
  private readonly pending = new Set<Promise<void>>();
  private readonly listeners = new Set<AppEvents>();
  /** A hash to check passwords of unknown users against, so they take as long as known ones. */
  private unknownUserHash: Promise<string> | undefined;

  constructor(private readonly options: HostAppOptions) {
    if (options.events) this.listeners.add(options.events);
  }

  /** Where the application layer logs, for the servers built on it. */
  get logger(): Logger {
    return this.options.log;
  }

  /** Adds a listener of the app's events; returns a function that removes it. */
  subscribe(events: AppEvents): () => void {
    this.listeners.add(events);
    return () => this.listeners.delete(events);
  }

  /** Resolves once every notification hook started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all(this.pending);
    }
  }

  async createUser(actor: Actor, user: User, password?: string): Promise<User> {
    const passwordHash = password ? await hashPassword(password) : undefined;
    const created = await this.options.store.createUser(user, passwordHash);
    this.notify("UserHasBeenCreated", { context: contextOf(actor), user: created });
    return created;
  }

  async deactivateUser(actor: Actor, userId: string): Promise<User> {
    const user = await this.options.store.deactivateUser(userId);
    // A deactivated account must not stay logged in anywhere.
    await this.options.store.deleteUserSessions(userId);
    this.notify("UserHasBeenDeactivated", { context: contextOf(actor), user });
    this.emit("userDeactivated", user, actor);
    return user;
  }

  /**
   * Checks a login id (username or e-mail address) and password, asks UserWillLogIn of every
   * active plugin (in dispatch order; the first rejection refuses the login with its reason),
   * then opens a session and fires UserHasLoggedIn. Nothing is written for a refused login.
   */
  async login(actor: Actor, loginId: string, password: string): Promise<Login> {
    const user = await this.checkCredentials(loginId, password);
    const context = contextOf(actor);
    for (const target of this.options.hooks.implementing("UserWillLogIn")) {
      let outcome: NonNullable<HookResponse<"UserWillLogIn">["decision"]>["outcome"] | undefined;
      try {
        outcome = (await target.callHook("UserWillLogIn", { context, user }))?.decision?.outcome;
      } catch (error) {
        // As with message hooks, a broken plugin must not lock everyone out.
        this.hookFailed("UserWillLogIn", target.pluginId, error, actor);
        continue;
      }
      switch (outcome?.case) {
        case "allow":
          break;
        case "reject":
          throw new UnauthenticatedError({
            id: LOGIN_REJECTED_ID,
            message: `Login rejected by plugin: ${outcome.value.reason}`,
            where: "UserWillLogIn",
            params: { plugin_id: target.pluginId, reason: outcome.value.reason },
          });
        default:
          this.options.log.warn("UserWillLogIn answered without a decision; the login continues", {
            pluginId: target.pluginId,
          });
      }
    }
    const token = newSessionToken();
    const now = Date.now();
    const session = await this.options.store.createSession({
      id: newId(),
      tokenHash: hashSessionToken(token),
      userId: user.id,
      createAt: now,
      expiresAt: now + SESSION_LENGTH_MS,
      lastActivityAt: now,
    });
    this.notify("UserHasLoggedIn", { context, user });
    return { user, session, token };
  }

  /** Ends a session: its token no longer authenticates and its live connections close. */
  async logout(session: Session): Promise<void> {
    await this.options.store.deleteSession(session.id);
    this.emit("sessionEnded", session);
  }

  /** The session and active user a token belongs to, or undefined when it opens none. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    const session = await this.options.store.getSessionByTokenHash(hashSessionToken(token));
    if (session === undefined) return undefined;
    const user = await this.options.store.getUser(session.userId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (user === undefined || user.deleteAt !== 0n) return undefined;
    const now = Date.now();
    if (now - session.lastActivityAt >= SESSION_ACTIVITY_INTERVAL_MS) {
      await this.options.store.touchSession(session.id, now);
      session.lastActivityAt = now;
    }
    return { user, session };
  }

  /**
   * Creates a channel, then ChannelHasBeenCreated. With addCreator, the creator (creator_id) is
   * made its first member before the hook fires, without a UserHasJoinedChannel of its own, as
   * Mattermost does for channels people create (plugins' channels start empty).
   */
  async createChannel(
    actor: Actor,
    channel: Channel,
    options: { addCreator?: boolean } = {},
  ): Promise<Channel> {
    const addCreator = options.addCreator === true && channel.creatorId !== "";
    // The creator is checked first, so a bad creator id leaves no channel behind.
    if (addCreator) await this.options.store.getUser(channel.creatorId);
    const created = await this.options.store.createChannel(channel);
    if (addCreator) await this.options.store.addChannelMember(created.id, channel.creatorId);
    this.notify("ChannelHasBeenCreated", { context: contextOf(actor), channel: created });
    this.emit("channelCreated", created, actor);
    return created;
  }

  async addChannelMember(actor: Actor, channelId: string, userId: string): Promise<ChannelMember> {
    const member = await this.options.store.addChannelMember(channelId, userId);
    const actorUser = await this.actorUser(actor, userId);
    this.notify("UserHasJoinedChannel", {
      context: contextOf(actor),
      channelMember: member,
      actor: actorUser,
    });
    this.emit("channelMemberAdded", member, actor);
    return member;
  }

  async removeChannelMember(actor: Actor, channelId: string, userId: string): Promise<void> {
    // The actor is looked up first, so a bad actor id fails the call before anything changes.
    const actorUser = await this.actorUser(actor, userId);
    const member = await this.options.store.removeChannelMember(channelId, userId);
    this.notify("UserHasLeftChannel", {
      context: contextOf(actor),
      channelMember: member,
      actor: actorUser,
    });
    this.emit("channelMemberRemoved", member, actor);
  }

  async addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
    options: { admin?: boolean } = {},
  ): Promise<TeamMember> {
    const member = await this.options.store.addTeamMember(teamId, userId, options);
    const actorUser = await this.actorUser(actor, userId);
    this.notify("UserHasJoinedTeam", {
      context: contextOf(actor),
      teamMember: member,
      actor: actorUser,
    });
    this.emit("teamMemberAdded", member, actor);
    return member;
  }

  /** Saves the team's descriptive fields (store.updateTeam), and tells the team's members. */
  async updateTeam(actor: Actor, team: Team): Promise<Team> {
    const updated = await this.options.store.updateTeam(team);
    this.emit("teamUpdated", updated, actor);
    return updated;
  }

  async removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    // The actor is looked up first, so a bad actor id fails the call before anything changes.
    const actorUser = await this.actorUser(actor, userId);
    const member = await this.options.store.removeTeamMember(teamId, userId);
    this.notify("UserHasLeftTeam", {
      context: contextOf(actor),
      teamMember: member,
      actor: actorUser,
    });
    this.emit("teamMemberRemoved", member, actor);
  }

  async createPost(actor: Actor, post: Post): Promise<Post> {
    validatePost(post);
    const channel = await this.options.store.getChannel(post.channelId);
    if (channel.deleteAt !== 0n) {
      throw new ValidationError({
        id: "app.post.create.channel_archived",
        message: `Channel ${channel.id} is archived; posts can't be added to it.`,
        params: { field: "channel_id" },
      });
    }
    await this.options.store.getUser(post.userId);
    const context = contextOf(actor);
    const decided = await this.decidePost("MessageWillBePosted", post, (current) => ({
      context,
      post: current,
    }));
    const stored = await this.options.store.createPost(decided);
    this.notify("MessageHasBeenPosted", { context, post: stored });
    this.emit("postCreated", stored, actor);
    return stored;
  }

  async updatePost(actor: Actor, post: Post): Promise<Post> {
    validatePost(post, { requireAuthor: false });
    const old = await this.options.store.getPost(post.id);
    if (old.deleteAt !== 0n) {
      throw new ValidationError({
        id: "app.post.update.deleted",
        message: `Post ${post.id} was deleted and can't be edited.`,
        params: { field: "id" },
      });
    }
    const proposed = create(PostSchema, {
      ...old,
      message: post.message,
      props: post.props ?? old.props,
      fileIds: post.fileIds,
      isPinned: post.isPinned,
      metadata: post.metadata ?? old.metadata,
    });
    const context = contextOf(actor);
    const decided = await this.decidePost("MessageWillBeUpdated", proposed, (current) => ({
      context,
      newPost: current,
      oldPost: old,
    }));
    const stored = await this.options.store.updatePost(decided);
    this.notify("MessageHasBeenUpdated", { context, newPost: stored, oldPost: old });
    this.emit("postUpdated", stored, actor);
    return stored;
  }

  async deletePost(actor: Actor, postId: string): Promise<void> {
    const deleted = await this.options.store.deletePost(postId);
    this.notify("MessageHasBeenDeleted", { context: contextOf(actor), post: deleted });
    this.emit("postDeleted", deleted, actor);
  }

  async executeCommand(actor: Actor, args: CommandArgs): Promise<CommandResponse> {
    const trigger = /^\/(\S+)/.exec(args.command)?.[1];
    if (!trigger) {
      throw new ValidationError({
        id: "api.command.execute.invalid",
        message: `"${args.command}" is not a slash command: it must start with "/" and a trigger word.`,
        params: { field: "command" },
      });
    }
    const command = await this.options.store.findCommand(args.teamId, trigger.toLowerCase());
    if (!command) {
      throw new NotFoundError({
        id: "api.command.execute.not_found",
        message: `Command with a trigger of "/${trigger}" not found.`,
        params: { trigger },
      });
    }
    const target = this.options.hooks.get(command.pluginId);
    if (!target?.implements("ExecuteCommand")) {
      throw new UnavailableError({
        id: "api.command.execute.plugin_unavailable",
        message: `The plugin that handles "/${trigger}" (${command.pluginId}) is not running.`,
        params: { trigger, plugin_id: command.pluginId },
      });
    }
    const response = await target.callHook("ExecuteCommand", { context: contextOf(actor), args });
    return response?.response ?? create(CommandResponseSchema, { responseType: "ephemeral" });
  }

  async sendEphemeralPost(_actor: Actor, userId: string, post: Post): Promise<Post> {
    if (!userId) {
      throw new ValidationError({
        message: "user_id is required: whom should the post be shown to?",
        params: { field: "user_id" },
      });
    }
    if (!post.channelId) {
      throw new ValidationError({
        message: "post.channel_id is required for an ephemeral post.",
        params: { field: "post.channel_id" },
      });
    }
    await this.options.store.getUser(userId);
    const now = Date.now();
    const delivered = create(PostSchema, {
      ...post,
      id: post.id || newId(),
      createAt: post.createAt || BigInt(now),
      updateAt: BigInt(now),
      type: post.type || "system_ephemeral",
    });
    this.emit("ephemeralPost", userId, delivered);
    return delivered;
  }

  async savePluginConfig(actor: Actor, pluginId: string, config: JsonObject): Promise<void> {
    await this.options.store.savePluginConfig(pluginId, config);
    const target = this.options.hooks.get(pluginId);
    if (target?.implements("OnConfigurationChange")) {
      this.track(
        target.callHook("OnConfigurationChange", { config }).then(
          () => undefined,
          (error: unknown) => this.hookFailed("OnConfigurationChange", pluginId, error, actor),
        ),
      );
    }
  }

  async publishPluginClusterEvent(
    _actor: Actor,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): Promise<void> {
    this.options.cluster?.publish(this.options.hostId, pluginId, event, targetHostId || undefined);
  }

  /** Delivers a cluster event from another host to this host's instance of the plugin. */
  deliverClusterEvent(pluginId: string, event: PluginClusterEvent): void {
    const target = this.options.hooks.get(pluginId);
    if (target?.implements("OnPluginClusterEvent")) {
      this.track(
        target.callHook("OnPluginClusterEvent", { context: contextOf({}), event }).then(
          () => undefined,
          (error: unknown) => this.hookFailed("OnPluginClusterEvent", pluginId, error, {}),
        ),
      );
    }
  }

  private async decidePost<N extends "MessageWillBePosted" | "MessageWillBeUpdated">(
    hook: N,
    post: Post,
    request: (current: Post) => HookRequest<N>,
  ): Promise<Post> {
    let current = post;
    for (const target of this.options.hooks.implementing(hook)) {
      let decision: PostDecision | undefined;
      try {
        decision = (await target.callHook(hook, request(current)))?.decision;
      } catch (error) {
        // Message hooks fail open: a broken plugin must not stop people from posting.
        this.hookFailed(hook, target.pluginId, error, {});
        continue;
      }
      const outcome = decision?.outcome;
      switch (outcome?.case) {
        case "allow":
          break;
        case "modify":
          // A plugin may rewrite the post but not move it or change its author.
          current = create(PostSchema, {
            ...outcome.value,
            id: current.id,
            channelId: current.channelId,
            userId: current.userId,
            createAt: current.createAt,
          });
          break;
        case "reject":
          throw new ValidationError({
            id: POST_REJECTED_ID,
            message: `Post rejected by plugin. ${outcome.value.reason}`.trim(),
            where: hook,
            params: { plugin_id: target.pluginId, reason: outcome.value.reason },
          });
        case "dismiss":
          throw new ValidationError({
            id: POST_DISMISSED_ID,
            message: "The post was dismissed by a plugin.",
            where: hook,
            params: { plugin_id: target.pluginId },
          });
        default:
          this.options.log.warn(
            `${hook} answered without a decision; the post continues unchanged`,
            {
              pluginId: target.pluginId,
            },
          );
      }
    }
    return current;
  }

  /** Fires a notification hook at every plugin implementing it, without waiting. */
  private notify<N extends UnaryHookName>(hook: N, request: HookRequest<N>): void {
    for (const target of this.options.hooks.implementing(hook)) {
      this.track(
        target.callHook(hook, request).then(
          () => undefined,
          (error: unknown) => this.hookFailed(hook, target.pluginId, error, {}),
        ),
      );
    }
  }

  /** Tells every listener; a listener's failure is logged and stops neither the others nor the operation. */
  private emit<E extends keyof AppEvents>(
    event: E,
    ...args: Parameters<NonNullable<AppEvents[E]>>
  ): void {
    for (const listener of this.listeners) {
      try {
        (listener[event] as ((...a: typeof args) => void) | undefined)?.call(listener, ...args);
      } catch (error) {
        this.options.log.warn(`a listener of ${event} failed: ${(error as Error).message}`, {
          event,
        });
      }
    }
  }

  /** The active user a login id and password belong to; one error for every mismatch. */
  private async checkCredentials(loginId: string, password: string): Promise<User> {
    const user = await this.findLoginUser(loginId.trim());
    const hash = user && (await this.options.store.getPasswordHash(user.id));
    this.unknownUserHash ??= hashPassword(newId());
    const matches = await verifyPassword(password, hash ?? (await this.unknownUserHash));
    if (user === undefined || hash === undefined || !matches) {
      throw new UnauthenticatedError({
        id: "api.user.login.invalid_credentials_email_username",
        message: "Enter a valid email or username and/or password.",
        where: "login",
      });
    }
    // Said only to someone who knows the password.
    if (user.deleteAt !== 0n) {
      throw new UnauthenticatedError({
        id: "api.user.login.inactive.app_error",
        message: "Login failed because your account has been deactivated.",
        where: "login",
      });
    }
    return user;
  }

  private async findLoginUser(loginId: string): Promise<User | undefined> {
    const orMissing = (error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    };
    if (loginId === "") return undefined;
    const byUsername = await this.options.store
      .getUserByUsername(loginId.toLowerCase())
      .catch(orMissing);
    return byUsername ?? this.options.store.getUserByEmail(loginId).catch(orMissing);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private hookFailed(hook: string, pluginId: string, error: unknown, _actor: Actor): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.log.warn(`hook ${hook} failed in plugin ${pluginId}: ${message}`, {
      pluginId,
      hook,
      errorId: error instanceof PluginAPIError ? error.id : undefined,
    });
  }

  /** The acting user for membership hooks: unset when users act on themselves. */
  private async actorUser(actor: Actor, subjectUserId: string): Promise<User | undefined> {
    if (!actor.userId || actor.userId === subjectUserId) {
      return undefined;
    }
    return this.options.store.getUser(actor.userId);
  }
}

function contextOf(actor: Actor): PluginContext {
  return (
    actor.context ??
    create(PluginContextSchema, { requestId: randomUUID(), userId: actor.userId ?? "" })
  );
}

function validatePost(post: Post, { requireAuthor = true } = {}): void {
  if (requireAuthor && !post.channelId) {
    throw new ValidationError({
      message: "post.channel_id is required.",
      params: { field: "channel_id" },
    });
  }
  if (requireAuthor && !post.userId) {
    throw new ValidationError({
      message: "post.user_id is required.",
      params: { field: "user_id" },
    });
  }
  if (post.message.length > MAX_POST_MESSAGE_LENGTH) {
    throw new ValidationError({
      message: `post.message is ${post.message.length} characters; the limit is ${MAX_POST_MESSAGE_LENGTH}.`,
      params: { field: "message" },
    });
  }
}
