// Conversion between PluginAPIError and ConnectError: the error travels as a gRPC code plus
// one plugwire.v1.ErrorDetail in the status details, so nothing is lost on the way.
import { create, type JsonObject } from "@bufbuild/protobuf";
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { type ErrorDetail, ErrorDetailSchema } from "@plugwire/protocol";
import {
  errorClassForCode,
  errorClassForStatus,
  InternalError,
  type JsonValue,
  PluginAPIError,
} from "./plugin-api-error.js";

/** The ErrorDetail message describing an error. */
export function toErrorDetail(error: PluginAPIError): ErrorDetail {
  return create(ErrorDetailSchema, {
    id: error.id,
    message: error.message,
    detailedError: error.detailedError,
    statusCode: error.statusCode,
    where: error.where,
    params: error.params as JsonObject,
  });
}

/**
 * The PluginAPIError an ErrorDetail describes, of the class of its HTTP status: how an error
 * travels inside a response (a per-item failure, as Mattermost's TeamMemberWithError).
 */
export function fromErrorDetail(detail: ErrorDetail): PluginAPIError {
  const cls = errorClassForStatus(detail.statusCode);
  return new cls({
    id: detail.id,
    message: detail.message,
    detailedError: detail.detailedError,
    statusCode: detail.statusCode || undefined,
    where: detail.where,
    params: (detail.params ?? {}) as Record<string, JsonValue>,
  });
}

/**
 * Turns anything thrown into a ConnectError. A PluginAPIError keeps its code and every field;
 * a ConnectError passes as it is; any other error becomes Internal with its message, so a
 * handler's bug reaches the caller as a readable error and never as a dropped connection.
 */
export function toConnectError(reason: unknown): ConnectError {
  if (reason instanceof PluginAPIError) {
    return new ConnectError(reason.message, reason.code, undefined, [
      { desc: ErrorDetailSchema, value: toErrorDetail(reason) },
    ]);
  }
  if (reason instanceof ConnectError) {
    return reason;
  }
  const message = reason instanceof Error ? reason.message : String(reason);
  return toConnectError(new InternalError({ message, cause: reason }));
}

/**
 * Turns a ConnectError back into the PluginAPIError subclass it was sent as. An error
 * without an ErrorDetail (a transport failure, a foreign server) gets the subclass of its
 * code and its raw message; a code no subclass claims gives the base class.
 */
export function fromConnectError(error: ConnectError): PluginAPIError {
  const [detail] = error.findDetails(ErrorDetailSchema);
  const cls = errorClassForCode(error.code);
  if (detail === undefined) {
    return new cls({ message: error.rawMessage, cause: error }, error.code);
  }
  return new cls(
    {
      id: detail.id,
      message: detail.message,
      detailedError: detail.detailedError,
      statusCode: detail.statusCode || undefined,
      where: detail.where,
      params: (detail.params ?? {}) as Record<string, JsonValue>,
      cause: error,
    },
    error.code,
  );
}

/** Turns anything caught into a PluginAPIError, keeping a PluginAPIError as it is. */
export function asPluginAPIError(reason: unknown): PluginAPIError {
  if (reason instanceof PluginAPIError) {
    return reason;
  }
  if (reason instanceof ConnectError) {
    return fromConnectError(reason);
  }
  const message = reason instanceof Error ? reason.message : String(reason);
  return new InternalError({ message, cause: reason });
}

/**
 * Server-side interceptor: whatever a handler throws leaves as a ConnectError with an
 * ErrorDetail. A server-streaming handler runs later, while Connect pulls its response
 * messages and outside this try, so its response stream is wrapped to convert there too.
 */
export const serverErrorInterceptor: Interceptor = (next) => async (request) => {
  try {
    const response = await next(request);
    return response.stream
      ? { ...response, message: convertStreamErrors(response.message, toConnectError) }
      : response;
  } catch (reason) {
    throw toConnectError(reason);
  }
};

/**
 * Wraps a Connect client so that every failed call throws the PluginAPIError subclass the
 * server sent, for unary and streaming methods alike. (A client interceptor can't do this:
 * Connect turns whatever an interceptor throws back into a ConnectError.)
 */
export function withPluginAPIErrors<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") {
        return value;
      }
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(target, args);
        } catch (reason) {
          throw asPluginAPIError(reason);
        }
        if (result instanceof Promise) {
          return result.catch((reason: unknown) => {
            throw asPluginAPIError(reason);
          });
        }
        if (isAsyncIterable(result)) {
          return convertStreamErrors(result, asPluginAPIError);
        }
        return result;
      };
    },
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

async function* convertStreamErrors<T>(
  stream: AsyncIterable<T>,
  convert: (reason: unknown) => Error,
): AsyncIterable<T> {
  try {
    yield* stream;
  } catch (reason) {
    throw convert(reason);
  }
}
