// Every PluginAPI call must carry the plugin's per-start token as "authorization: Bearer
// <token>"; that token is how the host knows which plugin calls. The comparison hashes both
// sides first, so it takes the same time whatever the presented value's length or content.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";
import { UnauthenticatedError } from "@plugwire/errors";
import { AUTHORIZATION_HEADER, PluginEnv } from "@plugwire/protocol";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Refuses every call whose authorization header is not exactly "Bearer <token>". */
export function tokenAuthInterceptor(token: string): Interceptor {
  const expected = digest(`Bearer ${token}`);
  return (next) => async (request) => {
    const presented = request.header.get(AUTHORIZATION_HEADER);
    if (presented === null) {
      throw new UnauthenticatedError({
        id: "api.auth.missing_token",
        message: `The call has no ${AUTHORIZATION_HEADER} header; send "Bearer " followed by the token in ${PluginEnv.apiToken}.`,
      });
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new UnauthenticatedError({
        id: "api.auth.invalid_token",
        message: `The ${AUTHORIZATION_HEADER} header is not "Bearer " followed by this plugin's token; send the token in ${PluginEnv.apiToken}, which changes at every start.`,
      });
    }
    return next(request);
  };
}
