// One typed method per hook, so a test calls a plugin the way the host does and reads the
// answer the way the plugin wrote it. Each goes through a HookDispatcher, the host's own
// interface to a plugin: in-process over Connect's in-memory transport, out-of-process over
// the plugin's socket. Either way every request and response is protobuf-encoded on the way.
import { create, type DescMessage, type DescMethod, type JsonObject } from "@bufbuild/protobuf";
import type { HookDispatcher, HookRequest, HookResponse, UnaryHookName } from "@plugwire/host";
import {
  type ChannelMemberSchema,
  type CommandResponse,
  CommandResponseSchema,
  type FileInfo,
  FileInfoSchema,
  type HookName,
  type LoginDecision as LoginDecisionMessage,
  type PluginClusterEventSchema,
  type PluginContext,
  PluginHooks,
  type PostDecision as PostDecisionMessage,
  type PreferenceSchema,
  type ReactionSchema,
  type TeamMemberSchema,
  type WebSocketRequestSchema,
} from "@plugwire/protocol";
import {
  allow,
  type ChannelInit,
  dismiss,
  type FileDecision,
  type FileInfoInit,
  type InstallEvent,
  type LoginDecision,
  modify,
  modifyFile,
  type Plain,
  type PlainInit,
  type Post,
  type PostDecision,
  type PostInit,
  plain,
  protocolMessage,
  reject,
  type UserInit,
} from "@plugwire/sdk";
import type { CommandArgsInit } from "../builders.js";
import { type HookContextInit, hookContext } from "./hook-context.js";
import { notImplemented } from "./not-implemented.js";
import { pluginFetch } from "./plugin-http.js";

type Init<S extends DescMessage> = PlainInit<S>;
type HookInput<N extends UnaryHookName> = (typeof PluginHooks)["method"][Uncapitalize<N>]["input"];

function uncapitalize<N extends string>(name: N): Uncapitalize<N> {
  return (name.charAt(0).toLowerCase() + name.slice(1)) as Uncapitalize<N>;
}

/**
 * A hook call whose context may be left out: `(post)` or `(ctx, post)`. Without one, the
 * context has a fresh request id and every other field "".
 */
export interface WithContext<A extends unknown[], R> {
  (...args: A): Promise<R>;
  (ctx: HookContextInit, ...args: A): Promise<R>;
}

/** What FileWillBeUploaded answered. */
export interface FileUploadHookResult {
  /** allow(), modifyFile(info) or reject(reason), as the handler returned it. */
  decision: FileDecision;
  /** The replacement content the handler wrote; empty when it kept the upload's own. */
  output: Uint8Array;
}

/**
 * The hooks of the plugin under test. Arguments take any subset of a model's fields (build
 * them with makePost, makeUser, …); results are what the handler returned: a decision as
 * allow()/modify()/reject()/dismiss() make it, the CommandResponse, the Response. A handler
 * that throws rejects the call with the error class it threw. Calling a hook the plugin does
 * not implement throws.
 */
export interface HookCalls {
  OnActivate(): Promise<void>;
  OnDeactivate(): Promise<void>;
  OnConfigurationChange(config: JsonObject): Promise<void>;
  OnInstall: WithContext<[event: InstallEvent], void>;
  MessageWillBePosted: WithContext<[post: PostInit], PostDecision>;
  MessageWillBeUpdated: WithContext<[newPost: PostInit, oldPost: PostInit], PostDecision>;
  MessageHasBeenPosted: WithContext<[post: PostInit], void>;
  MessageHasBeenUpdated: WithContext<[newPost: PostInit, oldPost: PostInit], void>;
  MessageHasBeenDeleted: WithContext<[post: PostInit], void>;
  UserHasBeenCreated: WithContext<[user: UserInit], void>;
  UserWillLogIn: WithContext<[user: UserInit], LoginDecision>;
  UserHasLoggedIn: WithContext<[user: UserInit], void>;
  UserHasBeenDeactivated: WithContext<[user: UserInit], void>;
  ChannelHasBeenCreated: WithContext<[channel: ChannelInit], void>;
  /** `actor` is who added the user; pass undefined when they joined by themselves. */
  UserHasJoinedChannel: WithContext<
    [member: Init<typeof ChannelMemberSchema>, actor: UserInit | undefined],
    void
  >;
  /** `actor` is who removed the user; pass undefined when they left by themselves. */
  UserHasLeftChannel: WithContext<
    [member: Init<typeof ChannelMemberSchema>, actor: UserInit | undefined],
    void
  >;
  /** `actor` is who added the user; pass undefined when they joined by themselves. */
  UserHasJoinedTeam: WithContext<
    [member: Init<typeof TeamMemberSchema>, actor: UserInit | undefined],
    void
  >;
  /** `actor` is who removed the user; pass undefined when they left by themselves. */
  UserHasLeftTeam: WithContext<
    [member: Init<typeof TeamMemberSchema>, actor: UserInit | undefined],
    void
  >;
  ExecuteCommand: WithContext<[args: CommandArgsInit], CommandResponse>;
  /** The request goes through the host's ServeHTTP path; `ctx.userId` becomes Mattermost-User-Id. */
  ServeHTTP: WithContext<[request: Request], Response>;
  ServeMetrics: WithContext<[request: Request], Response>;
  OnPluginClusterEvent: WithContext<[event: Init<typeof PluginClusterEventSchema>], void>;
  OnWebSocketConnect: WithContext<[webConnId: string, userId: string], void>;
  OnWebSocketDisconnect: WithContext<[webConnId: string, userId: string], void>;
  WebSocketMessageHasBeenPosted: WithContext<
    [webConnId: string, userId: string, request: Init<typeof WebSocketRequestSchema>],
    void
  >;
  ReactionHasBeenAdded: WithContext<[reaction: Init<typeof ReactionSchema>], void>;
  ReactionHasBeenRemoved: WithContext<[reaction: Init<typeof ReactionSchema>], void>;
  PreferencesHaveChanged: WithContext<[preferences: Init<typeof PreferenceSchema>[]], void>;
  /** The posts the plugin answered: each replaces the post with its id (none: no change). */
  MessagesWillBeConsumed(posts: PostInit[]): Promise<Post[]>;
  /** The configuration the plugin answered to save instead; undefined when it kept it as given. */
  ConfigurationWillBeSaved(newConfig: JsonObject): Promise<JsonObject | undefined>;
  /** The content streams to the handler as the host streams it, in chunks of at most 64 KiB. */
  FileWillBeUploaded: WithContext<
    [info: FileInfoInit, content: Uint8Array | AsyncIterable<Uint8Array>],
    FileUploadHookResult
  >;
}

/** The typed hooks of the plugin behind `plugin`. */
export function hookCalls(plugin: HookDispatcher): HookCalls {
  // Requests take plain values (numbers for 64-bit fields), sent as the protocol's messages;
  // answers come back plain, as the plugin's handler wrote them.
  async function call<N extends UnaryHookName>(
    name: N,
    request: PlainInit<HookInput<N>>,
  ): Promise<Plain<HookResponse<N>>> {
    const method = PluginHooks.method[uncapitalize(name)] as DescMethod;
    const message = protocolMessage(method.input, request as never) as HookRequest<N>;
    const response = await plugin.callHook(name, message);
    if (response === undefined) {
      throw notImplemented(plugin.pluginId, name);
    }
    return plain(method.output, response as never) as Plain<HookResponse<N>>;
  }
  const done = () => undefined;
  return {
    OnActivate: () => call("OnActivate", {}).then(done),
    OnDeactivate: () => call("OnDeactivate", {}).then(done),
    OnConfigurationChange: (config) => call("OnConfigurationChange", { config }).then(done),
    OnInstall: withContext(1, (context, event: InstallEvent) =>
      call("OnInstall", { context, userId: event.userId }).then(done),
    ),
    MessageWillBePosted: withContext(1, async (context, post) =>
      postDecision(
        "MessageWillBePosted",
        (await call("MessageWillBePosted", { context, post })).decision,
      ),
    ),
    MessageWillBeUpdated: withContext(2, async (context, newPost, oldPost) =>
      postDecision(
        "MessageWillBeUpdated",
        (await call("MessageWillBeUpdated", { context, newPost, oldPost })).decision,
      ),
    ),
    MessageHasBeenPosted: withContext(1, (context, post) =>
      call("MessageHasBeenPosted", { context, post }).then(done),
    ),
    MessageHasBeenUpdated: withContext(2, (context, newPost, oldPost) =>
      call("MessageHasBeenUpdated", { context, newPost, oldPost }).then(done),
    ),
    MessageHasBeenDeleted: withContext(1, (context, post) =>
      call("MessageHasBeenDeleted", { context, post }).then(done),
    ),
    UserHasBeenCreated: withContext(1, (context, user) =>
      call("UserHasBeenCreated", { context, user }).then(done),
    ),
    UserWillLogIn: withContext(1, async (context, user) =>
      loginDecision((await call("UserWillLogIn", { context, user })).decision),
    ),
    UserHasLoggedIn: withContext(1, (context, user) =>
      call("UserHasLoggedIn", { context, user }).then(done),
    ),
    UserHasBeenDeactivated: withContext(1, (context, user) =>
      call("UserHasBeenDeactivated", { context, user }).then(done),
    ),
    ChannelHasBeenCreated: withContext(1, (context, channel) =>
      call("ChannelHasBeenCreated", { context, channel }).then(done),
    ),
    UserHasJoinedChannel: withContext(2, (context, channelMember, actor) =>
      call("UserHasJoinedChannel", { context, channelMember, actor }).then(done),
    ),
    UserHasLeftChannel: withContext(2, (context, channelMember, actor) =>
      call("UserHasLeftChannel", { context, channelMember, actor }).then(done),
    ),
    UserHasJoinedTeam: withContext(2, (context, teamMember, actor) =>
      call("UserHasJoinedTeam", { context, teamMember, actor }).then(done),
    ),
    UserHasLeftTeam: withContext(2, (context, teamMember, actor) =>
      call("UserHasLeftTeam", { context, teamMember, actor }).then(done),
    ),
    ExecuteCommand: withContext(1, async (context, args) => {
      const { response } = await call("ExecuteCommand", { context, args });
      return response ?? create(CommandResponseSchema);
    }),
    ServeHTTP: withContext(1, (context, request) => pluginFetch(plugin)(request, { context })),
    ServeMetrics: withContext(1, async (context, request) => {
      const url = new URL(request.url);
      const headers: { name: string; value: string }[] = [];
      request.headers.forEach((value, name) => {
        headers.push({ name, value });
      });
      const { head, body } = await call("ServeMetrics", {
        head: { method: request.method, url: url.pathname + url.search, headers, context },
      });
      const responseHeaders = new Headers();
      for (const { name, value } of head?.headers ?? []) responseHeaders.append(name, value);
      return new Response(body.byteLength > 0 ? body : null, {
        status: head?.status || 200,
        headers: responseHeaders,
      });
    }),
    OnPluginClusterEvent: withContext(1, (context, event) =>
      call("OnPluginClusterEvent", { context, event }).then(done),
    ),
    // Mattermost's websocket hooks carry no request context; the one given is not sent.
    OnWebSocketConnect: withContext(2, (_context, webConnId, userId) =>
      call("OnWebSocketConnect", { webConnId, userId }).then(done),
    ),
    OnWebSocketDisconnect: withContext(2, (_context, webConnId, userId) =>
      call("OnWebSocketDisconnect", { webConnId, userId }).then(done),
    ),
    WebSocketMessageHasBeenPosted: withContext(3, (_context, webConnId, userId, request) =>
      call("WebSocketMessageHasBeenPosted", { webConnId, userId, request }).then(done),
    ),
    ReactionHasBeenAdded: withContext(1, (context, reaction) =>
      call("ReactionHasBeenAdded", { context, reaction }).then(done),
    ),
    ReactionHasBeenRemoved: withContext(1, (context, reaction) =>
      call("ReactionHasBeenRemoved", { context, reaction }).then(done),
    ),
    PreferencesHaveChanged: withContext(1, (context, preferences) =>
      call("PreferencesHaveChanged", { context, preferences }).then(done),
    ),
    MessagesWillBeConsumed: async (posts) =>
      (await call("MessagesWillBeConsumed", { posts })).posts,
    ConfigurationWillBeSaved: async (newConfig) =>
      (await call("ConfigurationWillBeSaved", { newConfig })).config,
    FileWillBeUploaded: withContext(2, async (context, fileInfo, content) => {
      const chunks: Uint8Array[] = [];
      const answer = await plugin.fileWillBeUploaded(
        { context, fileInfo: protocolMessage(FileInfoSchema, fileInfo) },
        content instanceof Uint8Array ? wholeContent(content) : content,
        async (replacement) => {
          for await (const chunk of replacement) chunks.push(chunk);
          return chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
        },
      );
      if (answer === undefined) throw notImplemented(plugin.pluginId, "FileWillBeUploaded");
      return {
        decision: fileDecision(answer.result),
        output: new Uint8Array(Buffer.concat(chunks)),
      };
    }),
  };
}

/** Accepts the hook's `arity` arguments with or without a context in front. */
function withContext<A extends unknown[], R>(
  arity: number,
  handler: (context: PluginContext, ...args: A) => Promise<R>,
): WithContext<A, R> {
  return ((...args: unknown[]) => {
    const given = args.length > arity;
    const context = hookContext(given ? (args[0] as HookContextInit) : undefined);
    return handler(context, ...((given ? args.slice(1) : args) as A));
  }) as WithContext<A, R>;
}

/** The decision as the plugin's handler returned it. */
function postDecision(
  hook: HookName,
  decision: Plain<PostDecisionMessage> | undefined,
): PostDecision {
  const outcome = decision?.outcome;
  switch (outcome?.case) {
    case "allow":
      return allow();
    case "modify":
      return modify(outcome.value);
    case "reject":
      return reject(outcome.value.reason);
    case "dismiss":
      return dismiss();
    default:
      throw new Error(`${hook} answered without a decision`);
  }
}

async function* wholeContent(content: Uint8Array): AsyncGenerator<Uint8Array> {
  yield content;
}

/** The decision as the plugin's FileWillBeUploaded handler returned it. */
function fileDecision(result: { fileInfo?: FileInfo; rejectionReason: string }): FileDecision {
  if (result.rejectionReason !== "") return reject(result.rejectionReason);
  return result.fileInfo === undefined
    ? allow()
    : modifyFile(plain(FileInfoSchema, result.fileInfo));
}

function loginDecision(decision: LoginDecisionMessage | undefined): LoginDecision {
  const outcome = decision?.outcome;
  switch (outcome?.case) {
    case "allow":
      return allow();
    case "reject":
      return reject(outcome.value.reason);
    default:
      throw new Error("UserWillLogIn answered without a decision");
  }
}
