// Every PluginAPI call must carry the plugin's per-start token as "authorization: Bearer
// <token>"; that token is how the host knows which plugin calls. The server checks it before
// the method runs. The first check on a connection (an HTTP/2 session, or the socket of a direct
// call channel) hashes both sides, so it takes the same time whatever the presented value's
// length or content; later calls on that connection need only present the same value again,
// which nobody but the process that opened it can do.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http2";
import { UnauthenticatedError } from "@plugwire/errors";
import { AUTHORIZATION_HEADER, PluginEnv } from "@plugwire/protocol";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Throws UnauthenticatedError unless the authorization header is exactly "Bearer <token>". */
export function requireToken(
  token: string,
): (header: IncomingHttpHeaders, connection: object) => void {
  const expected = digest(`Bearer ${token}`);
  const verified = new WeakMap<object, string>();
  return (header, connection) => {
    const presented = header[AUTHORIZATION_HEADER];
    if (presented !== undefined && verified.get(connection) === presented) {
      return;
    }
    if (presented === undefined) {
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
    verified.set(connection, presented);
  };
}
