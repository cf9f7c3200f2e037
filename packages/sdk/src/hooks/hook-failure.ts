// The error a hook call answers with when its handler throws: the host must see which hook
// failed and why, with the error class the handler chose.
import type { ConnectError } from "@connectrpc/connect";
import { asPluginAPIError, type PluginAPIError, toConnectError } from "@plugwire/errors";
import type { HookName } from "@plugwire/protocol";

/**
 * The ConnectError for `reason` thrown by the handler of `hook`: the message names the hook
 * and keeps the original message, `where` is the hook, and a PluginAPIError keeps its class.
 * Anything else becomes InternalError.
 */
export function hookFailure(hook: HookName, reason: unknown): ConnectError {
  const error = asPluginAPIError(reason);
  const errorClass = error.constructor as typeof PluginAPIError;
  return toConnectError(
    new errorClass(
      {
        id: error.id,
        message: `${hook} failed: ${error.message}`,
        detailedError: error.detailedError,
        statusCode: error.statusCode,
        where: hook,
        params: error.params,
        cause: reason,
      },
      error.code,
    ),
  );
}
