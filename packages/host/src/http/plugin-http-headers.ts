// The header rules of every HTTP exchange with a plugin's ServeHTTP, whichever way the request
// arrives (a Fetch Request or a node:http request): only the host sets Mattermost-User-Id, and
// hop-by-hop headers stop at the host, since the plugin's connection is a stream, not a socket.
import { NotFoundError } from "@plugwire/errors";

/** The header that tells a plugin which user is logged in; only the host may set it. */
export const USER_ID_HEADER = "mattermost-user-id";

/** Headers that describe one connection (RFC 9110 §7.6.1), never forwarded. */
const hopByHopHeaders = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** One header field as ServeHTTP's head carries it. */
export interface HeaderField {
  name: string;
  value: string;
}

/**
 * The request headers a plugin sees: the client's, without hop-by-hop headers and without any
 * Mattermost-User-Id it sent, plus Mattermost-User-Id = `userId` when someone is logged in.
 */
export function requestHeadersForPlugin(
  headers: Iterable<readonly [string, string]>,
  userId: string | undefined,
): HeaderField[] {
  const fields = endToEnd(headers).filter(({ name }) => name !== USER_ID_HEADER);
  if (userId) fields.push({ name: USER_ID_HEADER, value: userId });
  return fields;
}

/** The response headers a client sees: the plugin's, without hop-by-hop headers. */
export function responseHeadersFromPlugin(headers: Iterable<HeaderField>): HeaderField[] {
  return endToEnd([...headers].map(({ name, value }) => [name, value] as const));
}

/** What a request to a plugin that does not implement ServeHTTP fails with. */
export function notServingHttpError(pluginId: string): NotFoundError {
  return new NotFoundError({
    id: "app.plugin.http.not_implemented",
    message: `Plugin ${pluginId} does not serve HTTP (it does not implement ServeHTTP).`,
    params: { plugin_id: pluginId },
  });
}

/** Lower-cased fields in order, minus hop-by-hop ones and those the Connection header names. */
function endToEnd(headers: Iterable<readonly [string, string]>): HeaderField[] {
  const fields = [...headers].map(([name, value]) => ({ name: name.toLowerCase(), value }));
  const connectionScoped = new Set(
    fields
      .filter(({ name }) => name === "connection")
      .flatMap(({ value }) => value.split(","))
      .map((token) => token.trim().toLowerCase()),
  );
  return fields.filter(({ name }) => !hopByHopHeaders.has(name) && !connectionScoped.has(name));
}
