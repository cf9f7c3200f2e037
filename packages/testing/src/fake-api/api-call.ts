// A record of every PluginAPI call a plugin makes: the method as the proto names it, the
// request and either the response or the error, in the order the calls began. Recording wraps
// the host's own service, so what is recorded is exactly what the host received and answered.
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { asPluginAPIError, type PluginAPIError } from "@plugwire/errors";
import { PluginAPI } from "@plugwire/protocol";

type ApiMethods = (typeof PluginAPI)["method"];

/** A PluginAPI method as the proto names it, e.g. "GetUser", "KVSetWithOptions". */
export type ApiMethodName = Capitalize<keyof ApiMethods & string>;

type MethodOf<M extends ApiMethodName> = ApiMethods[Uncapitalize<M>];
type Kind<M extends ApiMethodName> = MethodOf<M>["methodKind"];

/** The request of a call; UploadFile's is its frames, in order. */
export type ApiRequest<M extends ApiMethodName> =
  Kind<M> extends "client_streaming"
    ? MessageShape<MethodOf<M>["input"]>[]
    : MessageShape<MethodOf<M>["input"]>;

/** The response of a call; GetFile's is its frames, in order. */
export type ApiResponse<M extends ApiMethodName> =
  Kind<M> extends "server_streaming"
    ? MessageShape<MethodOf<M>["output"]>[]
    : MessageShape<MethodOf<M>["output"]>;

/** One PluginAPI call. While it runs, neither `response` nor `error` is set. */
export type ApiCall<M extends ApiMethodName = ApiMethodName> = {
  [K in M]: {
    readonly method: K;
    /** The plugin that made the call. */
    readonly pluginId: string;
    readonly request: ApiRequest<K>;
    /** Set when the call succeeded. */
    response?: ApiResponse<K>;
    /** Set when the call failed: the error class the plugin received. */
    error?: PluginAPIError;
  };
}[M];

/** Untyped views of the three method shapes the PluginAPI has. */
type Unary = (request: unknown, context: HandlerContext) => unknown;
type ClientStreaming = (requests: AsyncIterable<unknown>, context: HandlerContext) => unknown;
type ServerStreaming = (
  request: unknown,
  context: HandlerContext,
) => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>;

/** A mutable record while the call runs; typed per method only for readers. */
interface OpenCall {
  method: string;
  pluginId: string;
  request: unknown;
  response?: unknown;
  error?: PluginAPIError;
}

/** `service` with every call of `pluginId` appended to `calls` as it begins and completed as it ends. */
export function recordCalls(
  service: ServiceImpl<typeof PluginAPI>,
  pluginId: string,
  calls: ApiCall[],
): ServiceImpl<typeof PluginAPI> {
  const recorded: Record<string, unknown> = {};
  for (const method of PluginAPI.methods) {
    const impl = (service as Record<string, unknown>)[method.localName];
    const begin = (request: unknown): OpenCall => {
      const call: OpenCall = { method: method.name, pluginId, request };
      calls.push(call as ApiCall);
      return call;
    };
    const fail = (call: OpenCall, reason: unknown): never => {
      call.error = asPluginAPIError(reason);
      throw reason;
    };
    switch (method.methodKind) {
      case "unary":
        recorded[method.localName] = async (request: unknown, context: HandlerContext) => {
          const call = begin(request);
          try {
            call.response = message(method.output, await (impl as Unary)(request, context));
          } catch (reason) {
            fail(call, reason);
          }
          return call.response;
        };
        break;
      case "client_streaming":
        recorded[method.localName] = async (
          requests: AsyncIterable<unknown>,
          context: HandlerContext,
        ) => {
          const frames: unknown[] = [];
          const call = begin(frames);
          async function* tee() {
            for await (const frame of requests) {
              frames.push(frame);
              yield frame;
            }
          }
          try {
            call.response = message(method.output, await (impl as ClientStreaming)(tee(), context));
          } catch (reason) {
            fail(call, reason);
          }
          return call.response;
        };
        break;
      case "server_streaming":
        recorded[method.localName] = async function* (request: unknown, context: HandlerContext) {
          const frames: unknown[] = [];
          const call = begin(request);
          try {
            for await (const frame of await (impl as ServerStreaming)(request, context)) {
              const sent = message(method.output, frame);
              frames.push(sent);
              yield sent;
            }
            call.response = frames;
          } catch (reason) {
            fail(call, reason);
          }
        };
        break;
      default:
        throw new Error(
          `PluginAPI.${method.name}: recording ${method.methodKind} is not supported`,
        );
    }
  }
  return recorded as ServiceImpl<typeof PluginAPI>;
}

/** The message a handler's result stands for (handlers may answer with an init object). */
function message(schema: DescMessage, init: unknown): unknown {
  return create(schema, init as Parameters<typeof create>[1]);
}
