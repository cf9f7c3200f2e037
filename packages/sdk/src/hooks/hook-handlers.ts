// The signature of each hook's handler, by hook name. @hook(name) and definePlugin check the
// handler against this map, so a handler of the wrong shape does not compile.
import type { JsonObject } from "@bufbuild/protobuf";
import type { CommandResponseSchema, HookName } from "@plugwire/protocol";
import type { PostInit } from "../api/plugin-api-client.js";
import type {
  Channel,
  ChannelMember,
  CommandArgs,
  FileInfo,
  PluginClusterEvent,
  Post,
  Preference,
  Reaction,
  TeamMember,
  User,
  WebSocketRequest,
} from "../models/models.js";
import type { PlainInit } from "../models/plain.js";
import type { FileDecision, LoginDecision, PostDecision } from "./decisions.js";
import type { HookContext } from "./hook-context.js";

/** A value or a promise of it: every handler may be sync or async. */
export type Awaitable<T> = T | Promise<T>;

/** What a slash command answers: any subset of CommandResponse's fields. */
export type CommandResponseInit = PlainInit<typeof CommandResponseSchema>;

/** Who installed the plugin. */
export interface InstallEvent {
  userId: string;
}

/**
 * Where FileWillBeUploaded writes replacement content. Each write resolves once the host took
 * the chunk, so a large replacement streams out without being held whole.
 */
export interface FileOutput {
  write(chunk: Uint8Array): Promise<void>;
}

/**
 * The handler signature of every hook. Properties (not methods) on purpose: TypeScript then
 * checks handler parameters strictly instead of bivariantly.
 */
export interface HookHandlers {
  /** The plugin is activated; `this.config` is already fetched. Throw to stay inactive. */
  OnActivate: (ctx: HookContext) => Awaitable<void>;
  /** The plugin is deactivated; its process is shut down afterwards. */
  OnDeactivate: (ctx: HookContext) => Awaitable<void>;
  /** The configuration changed; `this.config` is already the new one. */
  OnConfigurationChange: (ctx: HookContext, config: JsonObject) => Awaitable<void>;
  /** The plugin bundle was installed. */
  OnInstall: (ctx: HookContext, event: InstallEvent) => Awaitable<void>;
  /** Decide about a post before it is stored. */
  MessageWillBePosted: (ctx: HookContext, post: Post) => Awaitable<PostDecision>;
  /** Decide about a post update before it is stored. */
  MessageWillBeUpdated: (ctx: HookContext, newPost: Post, oldPost: Post) => Awaitable<PostDecision>;
  /** A post was stored. */
  MessageHasBeenPosted: (ctx: HookContext, post: Post) => Awaitable<void>;
  /** A post was updated. */
  MessageHasBeenUpdated: (ctx: HookContext, newPost: Post, oldPost: Post) => Awaitable<void>;
  /** A post was deleted. */
  MessageHasBeenDeleted: (ctx: HookContext, post: Post) => Awaitable<void>;
  /** A user was created. */
  UserHasBeenCreated: (ctx: HookContext, user: User) => Awaitable<void>;
  /** Decide whether a user may log in. */
  UserWillLogIn: (ctx: HookContext, user: User) => Awaitable<LoginDecision>;
  /** A user logged in. */
  UserHasLoggedIn: (ctx: HookContext, user: User) => Awaitable<void>;
  /** A user was deactivated. */
  UserHasBeenDeactivated: (ctx: HookContext, user: User) => Awaitable<void>;
  /** A channel was created. */
  ChannelHasBeenCreated: (ctx: HookContext, channel: Channel) => Awaitable<void>;
  /** A user joined a channel; `actor` added them, undefined when they joined by themselves. */
  UserHasJoinedChannel: (
    ctx: HookContext,
    member: ChannelMember,
    actor: User | undefined,
  ) => Awaitable<void>;
  /** A user left a channel; `actor` removed them, undefined when they left by themselves. */
  UserHasLeftChannel: (
    ctx: HookContext,
    member: ChannelMember,
    actor: User | undefined,
  ) => Awaitable<void>;
  /** A user joined a team; `actor` added them, undefined when they joined by themselves. */
  UserHasJoinedTeam: (
    ctx: HookContext,
    member: TeamMember,
    actor: User | undefined,
  ) => Awaitable<void>;
  /** A user left a team; `actor` removed them, undefined when they left by themselves. */
  UserHasLeftTeam: (
    ctx: HookContext,
    member: TeamMember,
    actor: User | undefined,
  ) => Awaitable<void>;
  /** Run a slash command this plugin registered. */
  ExecuteCommand: (ctx: HookContext, args: CommandArgs) => Awaitable<CommandResponseInit>;
  /**
   * Answer an HTTP request to /plugins/{id}/...; `request.url` is that path and query on
   * http://localhost. Any fetch-style router (Hono, itty-router) can be the handler.
   */
  ServeHTTP: (ctx: HookContext, request: Request) => Awaitable<Response>;
  /** Answer a request for the plugin's metrics (usually Prometheus text). */
  ServeMetrics: (ctx: HookContext, request: Request) => Awaitable<Response>;
  /** Receive an event another instance of this plugin published. */
  OnPluginClusterEvent: (ctx: HookContext, event: PluginClusterEvent) => Awaitable<void>;
  /** A websocket connection of `userId` opened (or came back), as `webConnId`. */
  OnWebSocketConnect: (ctx: HookContext, webConnId: string, userId: string) => Awaitable<void>;
  /** The websocket connection `webConnId` of `userId` closed. */
  OnWebSocketDisconnect: (ctx: HookContext, webConnId: string, userId: string) => Awaitable<void>;
  /** A client sent this plugin the websocket action custom_<plugin id>_<name>. */
  WebSocketMessageHasBeenPosted: (
    ctx: HookContext,
    webConnId: string,
    userId: string,
    request: WebSocketRequest,
  ) => Awaitable<void>;
  /** A reaction was added to a post. */
  ReactionHasBeenAdded: (ctx: HookContext, reaction: Reaction) => Awaitable<void>;
  /** A reaction was removed from a post. */
  ReactionHasBeenRemoved: (ctx: HookContext, reaction: Reaction) => Awaitable<void>;
  /** A user's preferences were saved. */
  PreferencesHaveChanged: (ctx: HookContext, preferences: Preference[]) => Awaitable<void>;
  /**
   * Posts on their way to a client (a channel's posts, a thread, a post by id, search results,
   * websocket events): return the posts to show instead (each replaces the post with its id;
   * posts left out, or nothing returned, stay as they are). Runs on every read: keep it fast.
   */
  MessagesWillBeConsumed: (
    ctx: HookContext,
    posts: Post[],
  ) => Awaitable<readonly PostInit[] | undefined>;
  /**
   * A file is uploaded: read its content from `file` as it streams in, and decide. Writing
   * anything to `output` replaces the content; return allow(), modifyFile(info) to store a
   * changed record, or reject(reason) to refuse the upload.
   */
  FileWillBeUploaded: (
    ctx: HookContext,
    info: FileInfo,
    file: AsyncIterable<Uint8Array>,
    output: FileOutput,
  ) => Awaitable<FileDecision>;
  /**
   * The server configuration is about to be saved (`newConfig`, secrets included, in
   * Mattermost's shape). Throw to refuse the save (the admin sees your error's message), return
   * the configuration to save instead, or nothing to let it be saved as it is.
   */
  ConfigurationWillBeSaved: (
    ctx: HookContext,
    newConfig: JsonObject,
  ) => Awaitable<JsonObject | undefined>;
}

/** Any handler of any hook, as stored before its hook is known statically. */
export type AnyHookHandler = HookHandlers[HookName];
