// The header rules of every HTTP exchange with a plugin's ServeHTTP, whichever way the request
// arrives (a Fetch Request or a node:http request): only the host sets Mattermost-User-Id, and
// hop-by-hop headers stop at the host, since the plugin's connection is a stream, not a socket.
import { NotFoundError } from "@plugwire/errors";

/** The header that tells a plugin which user is logged in; only the host may set it. */
export const USER_ID_HEADER = "mattermost-user-id";
/** On a request from another plugin (PluginHTTP), the caller's id; only the host sets it. */
export const PLUGIN_ID_HEADER = "mattermost-plugin-id";
/**
 * On a request from another plugin, how many inter-plugin requests led to it (1 for a request
 * a plugin made while serving none); only the host sets it, and the SDK passes it on.
 */
export const PLUGIN_DEPTH_HEADER = "plugwire-plugin-depth";

/** What a client may not tell a plugin: who is logged in, which plugin calls, how deep. */
const clientForbidden = [USER_ID_HEADER, PLUGIN_ID_HEADER, PLUGIN_DEPTH_HEADER];
/** What a calling plugin may not tell another: which plugin calls, how deep. */
const pluginForbidden = [PLUGIN_ID_HEADER, PLUGIN_DEPTH_HEADER];

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
 * Mattermost-User-Id, Mattermost-Plugin-ID or depth it sent, plus Mattermost-User-Id =
 * `userId` when someone is logged in. `headers` is a list of pairs, or node:http's rawHeaders
 * (names and values alternating).
 */
export function requestHeadersForPlugin(
  headers: Iterable<readonly [string, string]> | readonly string[],
  userId: string | undefined,
): HeaderField[] {
  const fields = new EndToEndFields(clientForbidden);
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

/**
 * The request headers a plugin sees on another plugin's request (PluginHTTP): the caller's,
 * without hop-by-hop headers, with Mattermost-Plugin-ID = `callerId` and the depth set by the
 * host. A Mattermost-User-Id the caller sets goes through, as in Mattermost: plugins may act
 * for users.
 */
export function interPluginRequestHeaders(
  headers: readonly HeaderField[],
  callerId: string,
  depth: number,
): HeaderField[] {
  const fields = new EndToEndFields(pluginForbidden);
  for (const { name, value } of headers) fields.add(name, value);
  const result = fields.result();
  result.push({ name: PLUGIN_ID_HEADER, value: callerId });
  result.push({ name: PLUGIN_DEPTH_HEADER, value: String(depth) });
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

  constructor(private readonly drop: readonly string[] = []) {}

  add(name: string, value: string): void {
    const lower = name.toLowerCase();
    if (lower === "connection") {
      this.connectionScoped ??= [];
      for (const token of value.split(",")) this.connectionScoped.push(token.trim().toLowerCase());
    }
    if (!this.drop.includes(lower) && !hopByHopHeaders.has(lower)) {
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
