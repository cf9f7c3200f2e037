// How each hook's RPC calls its handler. Most hooks differ only in which request fields the
// handler gets and what its result becomes, so each is one row of `unaryHooks`; the generic
// adapter does the rest the same way for all (the HookContext, required fields, the handler's
// failure naming the hook). ServeHTTP and ServeMetrics carry HTTP, and FileWillBeUploaded
// streams a file each way; they are written out below.
import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type MethodImpl } from "@connectrpc/connect";
import {
  FileInfoSchema,
  type FileWillBeUploadedRequest,
  type FileWillBeUploadedResultSchema,
  type HookName,
  type PluginContext,
  PluginHooks,
} from "@plugwire/protocol";
import { splitChunks } from "../chunks.js";
import { headerList, responseBytes, responseFrames, toFetchRequest } from "../http/fetch-bridge.js";
import { serveInScope } from "../http/inter-plugin-scope.js";
import { fetchResponse } from "../http/serve-once.js";
import { type Plain, type PlainInit, plain } from "../models/plain.js";
import type { Plugin } from "../plugin/plugin.js";
import { fileDecisionMessage, loginDecisionMessage, postDecisionMessage } from "./decisions.js";
import { FileOutputStream } from "./file-output.js";
import { type HookContext, hookContext } from "./hook-context.js";
import { hookFailure } from "./hook-failure.js";
import type { Awaitable, HookHandlers } from "./hook-handlers.js";

type HookMethods = (typeof PluginHooks)["method"];
type MethodOf<N extends HookName> = HookMethods[Uncapitalize<N>];
/** A hook's request as its row reads it: made plain (see models/plain.ts). */
type RequestOf<N extends HookName> = Plain<MessageShape<MethodOf<N>["input"]>>;
type ResponseInitOf<N extends HookName> = PlainInit<MethodOf<N>["output"]>;
/** The handler's arguments after its HookContext. */
type ArgsOf<N extends HookName> = HookHandlers[N] extends (
  ctx: HookContext,
  ...args: infer A
) => unknown
  ? A
  : never;
type ResultOf<N extends HookName> = Awaited<ReturnType<HookHandlers[N]>>;

/** Turns a handler into the RPC implementation of its hook. */
export type Adapter<N extends HookName> = (
  plugin: Plugin,
  handler: HookHandlers[N],
) => MethodImpl<MethodOf<N>>;

/** How one hook's request becomes its handler's arguments, and its result the response. */
interface HookRow<N extends HookName> {
  /** The handler's arguments after its context; `need` marks the fields the host must set. */
  args: (request: RequestOf<N>) => ArgsOf<N>;
  /** Runs before the handler, as part of the hook (what it throws fails the hook). */
  before?: (plugin: Plugin, request: RequestOf<N>) => Awaitable<void>;
  /** The response for the handler's result; a response without fields when absent. */
  answer?: (result: ResultOf<N>) => ResponseInitOf<N>;
}

type RowHookName = Exclude<HookName, "ServeHTTP" | "ServeMetrics" | "FileWillBeUploaded">;

const unaryHooks: { readonly [N in RowHookName]: HookRow<N> } = {
  OnActivate: {
    args: () => [],
    // The host sends the configuration along; an older host does not, and the plugin asks.
    before: async (plugin, r) => {
      plugin.config = r.config ?? (await plugin.api.getPluginConfig());
    },
  },
  OnDeactivate: { args: () => [] },
  OnConfigurationChange: {
    args: (r) => [r.config ?? {}],
    before: (plugin, r) => {
      plugin.config = r.config ?? {};
    },
  },
  OnInstall: { args: (r) => [{ userId: r.userId }] },
  MessageWillBePosted: {
    args: (r) => [need(r, "post")],
    answer: (decision) => ({ decision: postDecisionMessage(decision) }),
  },
  MessageWillBeUpdated: {
    args: (r) => [need(r, "newPost"), need(r, "oldPost")],
    answer: (decision) => ({ decision: postDecisionMessage(decision) }),
  },
  MessageHasBeenPosted: { args: (r) => [need(r, "post")] },
  MessageHasBeenUpdated: { args: (r) => [need(r, "newPost"), need(r, "oldPost")] },
  MessageHasBeenDeleted: { args: (r) => [need(r, "post")] },
  UserHasBeenCreated: { args: (r) => [need(r, "user")] },
  UserWillLogIn: {
    args: (r) => [need(r, "user")],
    answer: (decision) => ({ decision: loginDecisionMessage(decision) }),
  },
  UserHasLoggedIn: { args: (r) => [need(r, "user")] },
  UserHasBeenDeactivated: { args: (r) => [need(r, "user")] },
  ChannelHasBeenCreated: { args: (r) => [need(r, "channel")] },
  UserHasJoinedChannel: { args: (r) => [need(r, "channelMember"), r.actor] },
  UserHasLeftChannel: { args: (r) => [need(r, "channelMember"), r.actor] },
  UserHasJoinedTeam: { args: (r) => [need(r, "teamMember"), r.actor] },
  UserHasLeftTeam: { args: (r) => [need(r, "teamMember"), r.actor] },
  ExecuteCommand: {
    args: (r) => [need(r, "args")],
    answer: (response) => ({ response }),
  },
  OnPluginClusterEvent: { args: (r) => [need(r, "event")] },
  OnWebSocketConnect: { args: (r) => [r.webConnId, r.userId] },
  OnWebSocketDisconnect: { args: (r) => [r.webConnId, r.userId] },
  WebSocketMessageHasBeenPosted: {
    args: (r) => [r.webConnId, r.userId, need(r, "request")],
  },
  ReactionHasBeenAdded: { args: (r) => [need(r, "reaction")] },
  ReactionHasBeenRemoved: { args: (r) => [need(r, "reaction")] },
  PreferencesHaveChanged: { args: (r) => [r.preferences] },
  MessagesWillBeConsumed: {
    args: (r) => [r.posts],
    answer: (posts) => ({ posts: posts === undefined ? [] : [...posts] }),
  },
  ConfigurationWillBeSaved: {
    args: (r) => [r.newConfig ?? {}],
    answer: (config) => (config === undefined ? {} : { config }),
  },
};

/** Thrown by `need`; the adapter names the hook and the field's proto name. */
class MissingField {
  constructor(readonly localName: string) {}
}

/** A request field the host must always set; its absence fails the call as InvalidArgument. */
function need<R, K extends keyof R & string>(request: R, field: K): Exclude<R[K], undefined> {
  const value = request[field];
  if (value === undefined) {
    throw new MissingField(field);
  }
  return value as Exclude<R[K], undefined>;
}

function missingField(hook: HookName, protoName: string): ConnectError {
  return new ConnectError(`${hook}: the request has no ${protoName}`, Code.InvalidArgument);
}

/** Every response without fields; never mutated, so one object serves all calls. */
const acknowledged = {};

/** The RPC implementation of a hook described by a row of `unaryHooks`. */
function rowAdapter<N extends RowHookName>(name: N, row: HookRow<N>): Adapter<N> {
  const input = PluginHooks.method[uncapitalize(name)].input;
  const { args, before, answer } = row;
  return (plugin, handler) => {
    // The row's types tie its args and answer to this handler; the union of all handlers does not.
    const call = handler as unknown as (
      ctx: HookContext,
      ...args: ArgsOf<N>
    ) => Awaitable<ResultOf<N>>;
    // What the handler's result becomes, and what its failure: both name the hook.
    const answerOf = (result: ResultOf<N>) => {
      try {
        return answer === undefined ? acknowledged : answer(result);
      } catch (reason) {
        throw hookFailure(name, reason);
      }
    };
    const failure = (reason: unknown): never => {
      throw hookFailure(name, reason);
    };
    // Not an async function: the handler's result is followed with one `then`, without the
    // turns of the microtask queue an async wrapper adds to every hook call.
    const impl = (
      received: MessageShape<MethodOf<N>["input"]>,
      context: { signal: AbortSignal },
    ): Promise<unknown> => {
      const request = plain(input, received) as RequestOf<N>;
      let handlerArgs: ArgsOf<N>;
      try {
        handlerArgs = args(request);
      } catch (reason) {
        if (reason instanceof MissingField) {
          return Promise.reject(
            missingField(name, input.field[reason.localName]?.name ?? reason.localName),
          );
        }
        return Promise.reject(reason);
      }
      const ctx = hookContext((request as { context?: PluginContext }).context, context);
      let result: Awaitable<ResultOf<N>>;
      try {
        if (before !== undefined) {
          return Promise.resolve(before(plugin, request))
            .then(() => call.call(plugin, ctx, ...handlerArgs))
            .then(answerOf, failure);
        }
        result = call.call(plugin, ctx, ...handlerArgs);
      } catch (reason) {
        return Promise.reject(hookFailure(name, reason));
      }
      return Promise.resolve(result).then(answerOf, failure);
    };
    return impl as unknown as MethodImpl<MethodOf<N>>;
  };
}

function uncapitalize<N extends HookName>(name: N): Uncapitalize<N> {
  return (name.charAt(0).toLowerCase() + name.slice(1)) as Uncapitalize<N>;
}

const serveHttp: Adapter<"ServeHTTP"> = (plugin, handler) =>
  async function* (requests, context) {
    const frames = requests[Symbol.asyncIterator]();
    const first = await frames.next();
    if (first.done === true || first.value.frame.case !== "head") {
      throw new ConnectError("ServeHTTP: the first frame must be the head", Code.InvalidArgument);
    }
    const head = first.value.frame.value;
    const request = toFetchRequest(head, frames, context);
    let response: Response;
    try {
      const ctx = hookContext(head.context, context);
      response = fetchResponse(
        await serveInScope(head, context, context, () => handler.call(plugin, ctx, request)),
      );
    } catch (reason) {
      throw hookFailure("ServeHTTP", reason);
    }
    try {
      yield* responseFrames(response);
    } catch (reason) {
      throw hookFailure("ServeHTTP", reason);
    }
  };

const serveMetrics: Adapter<"ServeMetrics"> = (plugin, handler) => async (request, context) => {
  if (request.head === undefined) {
    throw missingField("ServeMetrics", "head");
  }
  const { head } = request;
  const fetchRequest = toFetchRequest(head, undefined, context);
  try {
    const ctx = hookContext(head.context, context);
    const response = fetchResponse(await handler.call(plugin, ctx, fetchRequest));
    return {
      head: { status: response.status, headers: headerList(response.headers) },
      body: await responseBytes(response),
    };
  } catch (reason) {
    throw hookFailure("ServeMetrics", reason);
  }
};

const fileWillBeUploaded: Adapter<"FileWillBeUploaded"> = (plugin, handler) =>
  async function* (requests, context) {
    const frames = requests[Symbol.asyncIterator]();
    const first = await frames.next();
    if (first.done === true || first.value.frame.case !== "head") {
      throw new ConnectError(
        "FileWillBeUploaded: the first frame must be the head",
        Code.InvalidArgument,
      );
    }
    const head = first.value.frame.value;
    if (head.fileInfo === undefined) {
      throw missingField("FileWillBeUploaded", "head.file_info");
    }
    const output = new FileOutputStream();
    const ctx = hookContext(head.context, context);
    // The handler runs while its output streams back; its decision comes after the last chunk.
    const info = plain(FileInfoSchema, head.fileInfo);
    const decided = (async () => handler.call(plugin, ctx, info, fileContent(frames), output))();
    decided.then(
      () => output.end(),
      (reason: unknown) => output.end(reason),
    );
    try {
      for await (const chunk of output) {
        for (const piece of splitChunks(chunk)) yield { frame: { case: "data", value: piece } };
      }
      // A plain init: the protocol's codec takes numbers for 64-bit fields.
      const result = fileDecisionMessage(await decided) as MessageInitShape<
        typeof FileWillBeUploadedResultSchema
      >;
      yield { frame: { case: "result", value: result } };
    } catch (reason) {
      throw hookFailure("FileWillBeUploaded", reason);
    }
  };

/** The file's content: the data frames after the head. */
async function* fileContent(
  frames: AsyncIterator<FileWillBeUploadedRequest>,
): AsyncGenerator<Uint8Array> {
  for (let next = await frames.next(); next.done !== true; next = await frames.next()) {
    if (next.value.frame.case === "data") yield next.value.frame.value;
  }
}

/** The adapter of every hook, by name. */
export const hookAdapters: { readonly [N in HookName]: Adapter<N> } = {
  ...(Object.fromEntries(
    Object.entries(unaryHooks).map(([name, row]) => [
      name,
      rowAdapter(name as RowHookName, row as HookRow<RowHookName>),
    ]),
  ) as { [N in RowHookName]: Adapter<N> }),
  ServeHTTP: serveHttp,
  ServeMetrics: serveMetrics,
  FileWillBeUploaded: fileWillBeUploaded,
};
