// The live connections of GET /api/v4/websocket. A connection authenticates at the upgrade
// (header or cookie) or afterwards with v4's authentication_challenge; then it gets `hello`
// and, from then on, the events meant for its user. Events are delivered one at a time in the
// order the application layer reported them, so every connection sees them in that order.
import { once } from "node:events";
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Channel,
  ChannelMember,
  Post,
  Preference,
  Reaction,
  Status,
  Team,
  TeamMember,
  User,
} from "@plugwire/protocol";
import { WebSocket } from "ws";
import type { Actor, AppEvents, Authenticated, Session } from "../../app/app.js";
import { newId } from "../../app/ids.js";
import type { Host } from "../../host.js";
import type { Presence } from "./presence.js";
import {
  addedToTeamEvent,
  channelCreatedEvent,
  ephemeralMessageEvent,
  leaveTeamEvents,
  postDeletedEvent,
  postEditedEvent,
  postedEvent,
  preferencesEvent,
  reactionEvent,
  statusChangeEvent,
  typingEvent,
  updateTeamEvent,
  userAddedEvent,
  userRemovedEvents,
  type WebSocketEvent,
  webSocketEvent,
} from "./websocket-events.js";

/** How long closeAll waits for clients to answer the close frame. */
const CLOSE_TIMEOUT_MS = 1000;

/** Close code for a connection whose session ended (logout, deactivation). */
const SESSION_ENDED = 4001;
/** Close code for a connection that did not authenticate in time (policy violation). */
const AUTHENTICATION_TIMED_OUT = 1008;
/** How long a connection may stay unauthenticated before it is closed. */
export const DEFAULT_WEBSOCKET_AUTH_TIMEOUT_MS = 30_000;

class Connection {
  readonly id = newId();
  private seq = 0;
  /** Who the connection speaks for, once authenticated (WebSocketHub.signIn). */
  auth: Authenticated | undefined;
  /** The user this connection counts as online in Presence, while it does. */
  online: string | undefined;

  constructor(readonly socket: WebSocket) {}

  send(event: WebSocketEvent): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ ...event, seq: this.seq++ }));
    }
  }

  /** Answers request `seqReply`: OK, with `data` when the action has an answer, or FAIL. */
  reply(seqReply: number, error?: { id: string; message: string }, data?: JsonObject): void {
    const response: JsonObject = { status: error ? "FAIL" : "OK", seq_reply: seqReply };
    if (data) response.data = data;
    if (error) response.error = { ...error, detailed_error: "", request_id: "", status_code: 400 };
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(response));
  }
}

export class WebSocketHub implements AppEvents {
  private readonly connections = new Set<Connection>();
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: Host,
    private readonly presence: Presence,
    private readonly authTimeoutMs = DEFAULT_WEBSOCKET_AUTH_TIMEOUT_MS,
  ) {}

  /** Takes over an upgraded socket; `auth` is set when the upgrade request carried a session. */
  accept(socket: WebSocket, auth: Authenticated | undefined): void {
    const connection = new Connection(socket);
    this.connections.add(connection);
    socket.on("close", () => {
      this.connections.delete(connection);
      this.signOut(connection);
    });
    socket.on("error", () => socket.terminate());
    socket.on("message", (data, isBinary) => {
      this.receive(connection, isBinary ? "" : data.toString()).catch((error: unknown) => {
        this.host.app.logger.warn(`websocket message failed: ${(error as Error).message}`);
        socket.close(1011, "internal error");
      });
    });
    if (auth) {
      this.signIn(connection, auth);
      this.hello(connection);
      return;
    }
    // An idle unauthenticated connection costs a socket and gets nothing: don't keep it forever.
    const deadline = setTimeout(() => {
      if (!connection.auth) socket.close(AUTHENTICATION_TIMED_OUT, "authentication timed out");
    }, this.authTimeoutMs);
    socket.once("close", () => clearTimeout(deadline));
  }

  /**
   * Closes every connection, e.g. when the server stops: with a close frame, so clients know to
   * reconnect, and after a second without the client's answer, at once.
   */
  async closeAll(): Promise<void> {
    const sockets = [...this.connections].map((connection) => connection.socket);
    const closed = sockets.map((socket) =>
      socket.readyState === WebSocket.CLOSED ? undefined : once(socket, "close"),
    );
    for (const socket of sockets) socket.close(1001, "server stopping");
    const timer = setTimeout(() => {
      for (const socket of sockets) socket.terminate();
    }, CLOSE_TIMEOUT_MS);
    await Promise.all(closed);
    clearTimeout(timer);
  }

  ephemeralPost(userId: string, post: Post): void {
    this.publish(async () => [ephemeralMessageEvent(userId, post)]);
  }

  postCreated(post: Post): void {
    this.publish(async () => [await postedEvent(this.host.app, post)]);
  }

  postUpdated(post: Post): void {
    this.publish(async () => [postEditedEvent(post)]);
  }

  postDeleted(post: Post, actor: Actor): void {
    this.publish(async () => [postDeletedEvent(post, actor)]);
  }

  reactionAdded(reaction: Reaction): void {
    this.publish(async () => [reactionEvent("reaction_added", reaction)]);
  }

  reactionRemoved(reaction: Reaction): void {
    this.publish(async () => [reactionEvent("reaction_removed", reaction)]);
  }

  preferencesChanged(userId: string, preferences: Preference[]): void {
    this.publish(async () => [preferencesEvent("preferences_changed", userId, preferences)]);
  }

  preferencesDeleted(userId: string, preferences: Preference[]): void {
    this.publish(async () => [preferencesEvent("preferences_deleted", userId, preferences)]);
  }

  statusChanged(status: Status): void {
    this.publish(async () => [statusChangeEvent(status)]);
  }

  channelCreated(channel: Channel, actor: Actor): void {
    this.publish(async () => [channelCreatedEvent(channel, actor)].filter((e) => e !== undefined));
  }

  channelMemberAdded(member: ChannelMember): void {
    this.publish(async () => [await userAddedEvent(this.host.app, member)]);
  }

  channelMemberRemoved(member: ChannelMember, actor: Actor): void {
    this.publish(async () => userRemovedEvents(member, actor));
  }

  teamMemberAdded(member: TeamMember): void {
    this.publish(async () => [addedToTeamEvent(member)]);
  }

  teamMemberRemoved(member: TeamMember): void {
    this.publish(async () => leaveTeamEvents(member));
  }

  teamUpdated(team: Team): void {
    this.publish(async () => [updateTeamEvent(team)]);
  }

  userDeactivated(user: User): void {
    this.end((connection) => connection.auth?.user.id === user.id);
  }

  sessionEnded(session: Session): void {
    this.end((connection) => connection.auth?.session.id === session.id);
  }

  /** Resolves once every event reported so far has been delivered. */
  async settled(): Promise<void> {
    await this.delivering;
  }

  private async receive(connection: Connection, text: string): Promise<void> {
    let request: {
      seq?: unknown;
      action?: unknown;
      data?: {
        token?: unknown;
        channel_id?: unknown;
        parent_id?: unknown;
        user_ids?: unknown;
        user_is_active?: unknown;
        manual?: unknown;
      };
    };
    try {
      request = JSON.parse(text);
    } catch {
      connection.reply(0, {
        id: "api.web_socket_router.bad_request.app_error",
        message: "A websocket request must be a JSON object {seq, action, data}.",
      });
      return;
    }
    const seq = typeof request?.seq === "number" ? request.seq : 0;
    if (connection.auth) {
      // Saying the user is inactive is not activity.
      if (request?.action !== "user_update_active_status") {
        this.presence.active(connection.auth.user.id);
      }
      switch (request?.action) {
        case "user_typing":
          await this.userTyping(connection, seq, request.data);
          return;
        case "get_statuses":
          connection.reply(seq, undefined, await this.presence.statuses(this.presence.online()));
          return;
        case "get_statuses_by_ids":
          await this.statusesByIds(connection, seq, request.data);
          return;
        case "user_update_active_status":
          await this.updateActiveStatus(connection, seq, request.data);
          return;
      }
    }
    if (request?.action !== "authentication_challenge") {
      connection.reply(seq, {
        id: connection.auth
          ? "api.web_socket_router.bad_action.app_error"
          : "api.web_socket_router.not_authenticated.app_error",
        message: connection.auth
          ? `The action ${JSON.stringify(request?.action)} is not supported.`
          : "Authenticate first: send the action authentication_challenge with data.token.",
      });
      return;
    }
    if (connection.auth) {
      connection.reply(seq);
      return;
    }
    const token = request.data?.token;
    const auth = typeof token === "string" ? await this.host.app.authenticate(token) : undefined;
    if (auth === undefined) {
      connection.reply(seq, {
        id: "api.web_socket_router.bad_token.app_error",
        message: "The session token is missing, unknown or expired.",
      });
      return;
    }
    this.signIn(connection, auth);
    connection.reply(seq);
    this.hello(connection);
  }

  private signIn(connection: Connection, auth: Authenticated): void {
    connection.auth = auth;
    connection.online = auth.user.id;
    this.presence.connected(auth.user.id);
  }

  /** The connection no longer speaks for its user: closed, or its session ended. */
  private signOut(connection: Connection): void {
    connection.auth = undefined;
    if (connection.online !== undefined) {
      this.presence.disconnected(connection.online);
      connection.online = undefined;
    }
  }

  /** get_statuses_by_ids {user_ids}: the status of each, "offline" for anyone not connected. */
  private async statusesByIds(
    connection: Connection,
    seq: number,
    data: { user_ids?: unknown } | undefined,
  ): Promise<void> {
    const userIds = data?.user_ids;
    if (
      !Array.isArray(userIds) ||
      userIds.length === 0 ||
      userIds.some((id) => typeof id !== "string" || id === "")
    ) {
      connection.reply(seq, {
        id: "api.websocket_handler.invalid_param.app_error",
        message: "get_statuses_by_ids needs data.user_ids, a list of user ids.",
      });
      return;
    }
    connection.reply(seq, undefined, await this.presence.statuses(userIds as string[]));
  }

  /** user_update_active_status {user_is_active, manual?}: online, or away, as Mattermost. */
  private async updateActiveStatus(
    connection: Connection,
    seq: number,
    data: { user_is_active?: unknown; manual?: unknown } | undefined,
  ): Promise<void> {
    if (typeof data?.user_is_active !== "boolean") {
      connection.reply(seq, {
        id: "api.websocket_handler.invalid_param.app_error",
        message: "user_update_active_status needs data.user_is_active, true or false.",
      });
      return;
    }
    const userId = (connection.auth as Authenticated).user.id;
    await this.presence.activeStatus(userId, data.user_is_active, data.manual === true);
    connection.reply(seq);
  }

  /**
   * user_typing {channel_id, parent_id?}: tells the channel's other members, as Mattermost does;
   * refused for a channel the user is not a member of.
   */
  private async userTyping(
    connection: Connection,
    seq: number,
    data: { channel_id?: unknown; parent_id?: unknown } | undefined,
  ): Promise<void> {
    const userId = (connection.auth as Authenticated).user.id;
    const channelId = data?.channel_id;
    const parentId = typeof data?.parent_id === "string" ? data.parent_id : "";
    if (typeof channelId !== "string" || channelId === "") {
      connection.reply(seq, {
        id: "api.websocket_handler.invalid_param.app_error",
        message: "user_typing needs data.channel_id, the channel being typed in.",
      });
      return;
    }
    if ((await this.host.app.getChannelMember(channelId, userId)) === undefined) {
      connection.reply(seq, {
        id: "api.context.permissions.app_error",
        message: `You are not a member of channel ${channelId}.`,
      });
      return;
    }
    connection.reply(seq);
    this.publish(async () => [typingEvent(channelId, userId, parentId)]);
  }

  private hello(connection: Connection): void {
    connection.send(
      webSocketEvent(
        "hello",
        { server_version: this.host.serverVersion, connection_id: connection.id },
        { user_id: connection.auth?.user.id },
      ),
    );
  }

  private end(matches: (connection: Connection) => boolean): void {
    for (const connection of this.connections) {
      if (matches(connection)) {
        this.signOut(connection);
        connection.socket.close(SESSION_ENDED, "session ended");
      }
    }
  }

  /** Queues the events `make` builds; a failure to build them is logged and delivers nothing. */
  private publish(make: () => Promise<WebSocketEvent[]>): void {
    this.delivering = this.delivering.then(async () => {
      try {
        for (const event of await make()) await this.deliver(event);
      } catch (error) {
        this.host.app.logger.warn(
          `a websocket event was not delivered: ${(error as Error).message}`,
        );
      }
    });
  }

  private async deliver(event: WebSocketEvent): Promise<void> {
    const { user_id: userId, channel_id: channelId, team_id: teamId } = event.broadcast;
    const receives = new Map<string, boolean>();
    for (const connection of this.connections) {
      const user = connection.auth?.user.id;
      if (user === undefined || event.broadcast.omit_users?.[user]) continue;
      let allowed = receives.get(user);
      if (allowed === undefined) {
        allowed = userId
          ? user === userId
          : channelId
            ? (await this.host.app.getChannelMember(channelId, user)) !== undefined
            : teamId
              ? (await this.host.app.getTeamMember(teamId, user)) !== undefined
              : true;
        receives.set(user, allowed);
      }
      if (allowed) connection.send(event);
    }
  }
}
