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
 * `headers` is a list of pairs, or node:http's rawHeaders (names and values alternating).
 */
export function requestHeadersForPlugin(
  headers: Iterable<readonly [string, string]> | readonly string[],
  userId: string | undefined,
): HeaderField[] {
  const fields = new EndToEndFields(USER_ID_HEADER);
  if (Array.isArray(headers) && typeof headers[0] === "string") {
    const raw = headers as readonly string[];
    for (let i = 0; i + 1 < raw.length; i += 2) fields.add(raw[i] as string, raw[i + 1] as string);
  } else {
    for (const [name, value] of headers as Iterable<readonly [string, string]>) {
      fields.add(name, value);
    }
  }
  const result = fields.result();
  if (userId) result.push({ name: USER_ID_HEADER, value: userId });
  return result;
}

/** The response headers a client sees: the plugin's, without hop-by-hop headers. */
export function responseHeadersFromPlugin(headers: readonly HeaderField[]): HeaderField[] {
  const fields = new EndToEndFields();
  for (const { name, value } of headers) fields.add(name, value);
  return fields.result();
}

/** What a request to a plugin that does not implement ServeHTTP fails with. */
export function notServingHttpError(pluginId: string): NotFoundError {
  return new NotFoundError({
    id: "app.plugin.http.not_implemented",
    message: `Plugin ${pluginId} does not serve HTTP (it does not implement ServeHTTP).`,
    params: { plugin_id: pluginId },
  });
}

/**
 * Collects lower-cased fields in order, minus hop-by-hop ones, those the Connection header
 * names, and `drop`. One pass and no Set per message: this runs for every request a plugin
 * serves.
 */
class EndToEndFields {
  private readonly fields: HeaderField[] = [];
  private connectionScoped: string[] | undefined;

  constructor(private readonly drop?: string) {}

  add(name: string, value: string): void {
    const lower = name.toLowerCase();
    if (lower === "connection") {
      this.connectionScoped ??= [];
      for (const token of value.split(",")) this.connectionScoped.push(token.trim().toLowerCase());
    }
    if (lower !== this.drop && !hopByHopHeaders.has(lower)) {
      this.fields.push({ name: lower, value });
    }
  }

  result(): HeaderField[] {
    const scoped = this.connectionScoped;
    return scoped === undefined
      ? this.fields
      : this.fields.filter(({ name }) => !scoped.includes(name));
  }
}
