// The per-start token of go-plugin-style mutual trust: the host gives it to the plugin in
// PLUGWIRE_API_TOKEN; the plugin sends it on every API call and requires it on every call it
// serves, as "authorization: Bearer <token>".
import type { Interceptor } from "@connectrpc/connect";
import { toConnectError, UnauthenticatedError } from "@plugwire/errors";
import { AUTHORIZATION_HEADER } from "@plugwire/protocol";

/** The request headers that carry `token`. */
export function bearerHeaders(token: string): Record<string, string> {
  return { [AUTHORIZATION_HEADER]: `Bearer ${token}` };
}

/** A server interceptor refusing, with Unauthenticated, every call that lacks `token`. */
export function requireBearerToken(token: string): Interceptor {
  // A plain comparison is enough: the socket sits in a folder only the host's user can open,
  // so nobody can time the answers.
  const expected = `Bearer ${token}`;
  return (next) => (request) => {
    if (request.header.get(AUTHORIZATION_HEADER) !== expected) {
      throw toConnectError(
        new UnauthenticatedError({
          message: `${request.method.name}: this plugin answers only the host that started it, and the call did not carry that host's token`,
          where: `${request.service.typeName}.${request.method.name}`,
        }),
      );
    }
    return next(request);
  };
}
