// One REST request as handlers see it: the parsed URL and path parameters, the session, the
// actor the application layer records, the capped JSON body, and the JSON reply.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { create, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { type PluginContext, PluginContextSchema, type User } from "@plugwire/protocol";
import type { Actor, App, Session } from "../../app/app.js";
import type { Host } from "../../host.js";
import type { RequestAuth } from "./authentication.js";
import type { Presence } from "./presence.js";
import { readJsonBody } from "./request-body.js";
import { sessionRequired } from "./rest-errors.js";

/** Answers one route; what it throws becomes the v4 error body. */
export type RouteHandler = (call: RestCall) => Promise<void>;

/** What every request of one server shares. */
export interface RestServerContext {
  host: Host;
  /** The public URL, e.g. "https://chat.example.com", for command args and cookies. */
  siteUrl: string;
  /** Largest body of any request (uploads, bundles). */
  maxBodyBytes: number;
  /** Largest JSON body. */
  maxJsonBytes: number;
  /** Who is online, from the websockets. */
  presence: Presence;
  /** Aborted when the server closes: long-lived responses (event streams) end then. */
  closing: AbortSignal;
}

export class RestCall {
  /** Path parameters of the matched route. */
  params: Record<string, string> = {};

  constructor(
    readonly server: RestServerContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
    readonly requestId: string,
    private readonly auth: RequestAuth,
  ) {}

  get host(): Host {
    return this.server.host;
  }

  /** The application layer: every read and change a route makes goes through it. */
  get app(): App {
    return this.server.host.app;
  }

  /** A path parameter of the route. */
  param(name: string): string {
    return this.params[name] ?? "";
  }

  /** The logged-in user; 401 when the request has no valid session. */
  user(): User {
    const user = this.auth.session?.user;
    if (user === undefined) throw sessionRequired(this.auth.failure);
    return user;
  }

  /** The logged-in user's id, or "" without a session. */
  get userId(): string {
    return this.auth.session?.user.id ?? "";
  }

  /** The request's session, if it has a valid one. */
  get session(): Session | undefined {
    return this.auth.session?.session;
  }

  get sessionId(): string {
    return this.session?.id ?? "";
  }

  /** The request as hooks see it: who, from where, with which request id. */
  context(): PluginContext {
    return create(PluginContextSchema, this.contextInit());
  }

  /** context() as an init object, for a call that encodes it right away. */
  contextInit(): MessageInitShape<typeof PluginContextSchema> {
    return requestContextInit(this.req, this.requestId, this.auth);
  }

  /** The actor of an application-layer operation made by this request. */
  actor(): Actor {
    return { userId: this.userId || undefined, context: this.context() };
  }

  /** The JSON body, at most maxJsonBytes of it. */
  json(): Promise<unknown> {
    return readJsonBody(this.req, this.server.maxJsonBytes);
  }

  /**
   * Notes a JSON field of the body that this route does not know: ignored, as Mattermost
   * ignores them (clients send fields of newer servers), and logged at debug level.
   */
  readonly ignoreField = (name: string): void => {
    this.app.logger.debug(`${this.req.method} ${this.url.pathname}: ignored unknown JSON field`, {
      field: name,
      requestId: this.requestId,
    });
  };

  /** Answers with a JSON body. */
  send(status: number, body: JsonValue, headers: OutgoingHttpHeaders = {}): void {
    const json = JSON.stringify(body);
    this.res.writeHead(status, {
      ...headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(json),
    });
    this.res.end(json);
  }

  /** Mattermost's answer to an action without a result: {"status":"OK"}. */
  ok(): void {
    this.send(200, { status: "OK" });
  }
}

/** The PluginContext of a request, as an init object: who, from where, with which request id. */
export function requestContextInit(
  req: IncomingMessage,
  requestId: string,
  auth: RequestAuth,
): MessageInitShape<typeof PluginContextSchema> {
  return {
    requestId,
    sessionId: auth.session?.session.id ?? "",
    userId: auth.session?.user.id ?? "",
    ipAddress: req.socket.remoteAddress ?? "",
    acceptLanguage: req.headers["accept-language"] ?? "",
    userAgent: req.headers["user-agent"] ?? "",
  };
}
