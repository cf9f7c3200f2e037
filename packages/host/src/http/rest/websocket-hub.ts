// The live connections of GET /api/v4/websocket, as Mattermost's web hub keeps them. A
// connection authenticates at the upgrade (header or cookie) or afterwards with v4's
// authentication_challenge; then it gets `hello` and, from then on, the events meant for its
// user, each numbered `seq` from 0 per connection. Events are delivered one at a time in the
// order the application layer reported them, so every connection sees them in that order.
//
// Reliable websocket: a connection outlives its socket for RESUME_WINDOW_MS, still numbering and
// keeping the events meant for it (the last REPLAY_BUFFER_SIZE of them). A client that comes back
// with ?connection_id=&sequence_number= (the next seq it expects) gets what it missed; when
// that is no longer kept, it gets a new connection id and a fresh hello, so it reloads.
import { once } from "node:events";
import { hostname } from "node:os";
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Channel,
  ChannelMember,
  Emoji,
  Group,
  GroupMember,
  GroupSyncable,
  Post,
  Preference,
  Reaction,
  Role,
  Status,
  Team,
  TeamMember,
  User,
} from "@plugwire/protocol";
import { WebSocket } from "ws";
import type {
  Actor,
  AppEvents,
  Authenticated,
  EndedConnections,
  PublishedWebSocketEvent,
  Session,
  SidebarChange,
  Toast,
} from "../../app/app.js";
import { newId } from "../../app/ids.js";
import type { Host } from "../../host.js";
import {
  channelDeletedEvent,
  channelRestoredEvent,
  channelUpdatedEvent,
  channelViewedEvents,
  deleteTeamEvent,
  directAddedEvent,
  sidebarEvent,
  userUpdatedEvent,
} from "./people-events.js";
import type { Presence } from "./presence.js";
import {
  addedToTeamEvent,
  channelCreatedEvent,
  channelMemberUpdatedEvent,
  emojiAddedEvent,
  ephemeralMessageEvent,
  ephemeralPostDeletedEvent,
  ephemeralPostEditedEvent,
  groupMemberEvent,
  groupSyncableEvent,
  leaveTeamEvents,
  memberRoleUpdatedEvent,
  openDialogEvent,
  postDeletedEvent,
  postEditedEvent,
  postedEvent,
  preferencesEvent,
  reactionEvent,
  receivedGroupEvent,
  roleUpdatedEvent,
  statusChangeEvent,
  typingEvent,
  updateTeamEvent,
  userAddedEvent,
  userRemovedEvents,
  userRoleUpdatedEvent,
  type WebSocketEvent,
  webSocketEvent,
} from "./websocket-events.js";

/** How long closeAll waits for clients to answer the close frame. */
const CLOSE_TIMEOUT_MS = 1000;

/** Close code for a connection whose session ended (logout, deactivation). */
const SESSION_ENDED = 4001;
/**
 * Close code when this host may have missed other hosts' events (its cluster bus was cut
 * off): the client reconnects, gets a new connection and hello, and loads again.
 */
const SERVICE_RESTART = 1012;
/** Close code for a connection that did not authenticate in time (policy violation). */
const AUTHENTICATION_TIMED_OUT = 1008;
/** How long a connection may stay unauthenticated before it is closed. */
export const DEFAULT_WEBSOCKET_AUTH_TIMEOUT_MS = 30_000;
/** Events kept per connection for a client that reconnects (Mattermost's dead queue). */
export const REPLAY_BUFFER_SIZE = 128;
/** How long a connection whose socket closed can be resumed (Mattermost reaps after 5 min). */
export const RESUME_WINDOW_MS = 5 * 60_000;

/** What a reconnecting client asks for: its connection and the next seq it expects. */
export interface ResumeRequest {
  connectionId: string;
  sequence: number;
}

/** ?connection_id=&sequence_number= of an upgrade request, when both are there and valid. */
export function resumeRequest(query: URLSearchParams): ResumeRequest | undefined {
  const connectionId = query.get("connection_id") ?? "";
  const sequence = Number(query.get("sequence_number") ?? "");
  if (connectionId === "" || !Number.isSafeInteger(sequence) || sequence < 0) return undefined;
  return { connectionId, sequence };
}

/** One socket, from the upgrade until it closes; `connection` once it authenticated. */
class Link {
  connection: Connection | undefined;
  /** Messages are handled one at a time, in the order they came. */
  inbox: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    readonly resume: ResumeRequest | undefined,
  ) {}

  /** Answers request `seqReply`: OK, with `data` when the action has an answer, or FAIL. */
  reply(
    seqReply: number,
    error?: { id: string; message: string; status?: number },
    data?: JsonObject,
  ): void {
    const response: JsonObject = { status: error ? "FAIL" : "OK", seq_reply: seqReply };
    if (data) response.data = data;
    if (error) {
      const { status = 400, ...rest } = error;
      response.error = { ...rest, detailed_error: "", request_id: "", status_code: status };
    }
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(response));
  }
}

/** A user's connection: it numbers the events meant for it and keeps the last ones. */
class Connection {
  id = newId();
  /** The seq the next event gets. */
  private seq = 0;
  /** The last events sent (or meant to be sent while the socket was gone), oldest first. */
  private sent: { seq: number; text: string }[] = [];
  /** Drops the connection once it can no longer be resumed. */
  expiry: NodeJS.Timeout | undefined;

  constructor(
    public auth: Authenticated,
    public socket: WebSocket | undefined,
  ) {}

  get userId(): string {
    return this.auth.user.id;
  }

  send(event: WebSocketEvent): void {
    const text = JSON.stringify({ ...event, seq: this.seq });
    this.sent.push({ seq: this.seq, text });
    if (this.sent.length > REPLAY_BUFFER_SIZE) this.sent.shift();
    this.seq += 1;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
  }

  /**
   * A client came back expecting `sequence` next: sends what it missed and answers true, or,
   * when that is no longer kept, starts over as a new connection and answers false.
   */
  resume(sequence: number): boolean {
    if (sequence === this.seq) return true;
    const from = this.sent.findIndex((entry) => entry.seq === sequence);
    if (from === -1) {
      this.id = newId();
      this.seq = 0;
      this.sent = [];
      return false;
    }
    for (const { text } of this.sent.slice(from)) this.socket?.send(text);
    return true;
  }
}

export class WebSocketHub implements AppEvents {
  /** Every open socket, authenticated or not. */
  private readonly links = new Set<Link>();
  /** Authenticated connections, with or without a socket now. */
  private readonly connections = new Set<Connection>();
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: Host,
    private readonly presence: Presence,
    private readonly authTimeoutMs = DEFAULT_WEBSOCKET_AUTH_TIMEOUT_MS,
  ) {}

  /**
   * Takes over an upgraded socket; `auth` is set when the upgrade request carried a session,
   * `resume` when the client asks to resume a connection.
   */
  accept(socket: WebSocket, auth: Authenticated | undefined, resume?: ResumeRequest): void {
    const link = new Link(socket, resume);
    this.links.add(link);
    socket.on("close", () => {
      this.links.delete(link);
      if (link.connection) this.detach(link.connection, socket);
    });
    socket.on("error", () => socket.terminate());
    socket.on("message", (data, isBinary) => {
      link.inbox = link.inbox
        .then(() => this.receive(link, isBinary ? "" : data.toString()))
        .catch((error: unknown) => {
          this.host.app.logger.warn(`websocket message failed: ${(error as Error).message}`);
          socket.close(1011, "internal error");
        });
    });
    if (auth) {
      this.attach(link, auth);
      return;
    }
    // An idle unauthenticated connection costs a socket and gets nothing: don't keep it forever.
    const deadline = setTimeout(() => {
      if (!link.connection) socket.close(AUTHENTICATION_TIMED_OUT, "authentication timed out");
    }, this.authTimeoutMs);
    socket.once("close", () => clearTimeout(deadline));
  }

  /**
   * Closes every connection, e.g. when the server stops: with a close frame, so clients know to
   * reconnect, and after a second without the client's answer, at once.
   */
  async closeAll(): Promise<void> {
    for (const connection of this.connections) clearTimeout(connection.expiry);
    this.connections.clear();
    const sockets = [...this.links].map((link) => link.socket);
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

  dialogOpened(userId: string, request: JsonObject): void {
    this.publish(async () => [openDialogEvent(userId, request)]);
  }

  ephemeralPost(userId: string, post: Post): void {
    this.publish(async () => [ephemeralMessageEvent(userId, post)]);
  }

  ephemeralPostUpdated(userId: string, post: Post): void {
    this.publish(async () => [ephemeralPostEditedEvent(userId, post)]);
  }

  ephemeralPostDeleted(userId: string, post: Post): void {
    this.publish(async () => [ephemeralPostDeletedEvent(userId, post)]);
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

  webSocketEventPublished(published: PublishedWebSocketEvent): void {
    const { broadcast } = published;
    const omitUsers = Object.keys(broadcast.omitUsers).length > 0 ? broadcast.omitUsers : null;
    this.publish(async () => [
      webSocketEvent(published.event, published.data, {
        omit_users: omitUsers,
        user_id: broadcast.userId,
        channel_id: broadcast.channelId,
        team_id: broadcast.teamId,
        connection_id: broadcast.connectionId,
        omit_connection_id: broadcast.omitConnectionId,
      }),
    ]);
  }

  sidebarChanged(change: SidebarChange): void {
    this.publish(async () => [sidebarEvent(change)]);
  }

  toastSent(toast: Toast): void {
    this.publish(async () => [
      webSocketEvent(
        "show_toast",
        { message: toast.message, position: toast.position },
        { user_id: toast.userId, connection_id: toast.connectionId },
      ),
    ]);
  }

  userTyping(channelId: string, userId: string, parentId: string): void {
    this.publish(async () => [typingEvent(channelId, userId, parentId)]);
  }

  userDeactivated(user: User): void {
    this.end((connection) => connection.userId === user.id);
    this.host.app.forwardConnectionsEnded({ userId: user.id });
  }

  // Users, teams and channels changing (people-events.ts).
  userUpdated(user: User): void {
    this.publish(async () => [userUpdatedEvent(user)]);
  }
  teamDeleted(team: Team): void {
    this.publish(async () => [deleteTeamEvent(team)]);
  }
  channelUpdated(channel: Channel): void {
    this.publish(async () => [channelUpdatedEvent(channel)]);
  }
  channelDeleted(channel: Channel): void {
    this.publish(async () => [channelDeletedEvent(channel)]);
  }
  channelRestored(channel: Channel): void {
    this.publish(async () => [channelRestoredEvent(channel)]);
  }
  directChannelCreated(channel: Channel, actor: Actor): void {
    this.publish(async () => [await directAddedEvent(this.host.app, channel, actor)]);
  }
  channelsViewed(userId: string, channelIds: readonly string[]): void {
    this.publish(async () => channelViewedEvents(userId, channelIds));
  }
  channelMemberUpdated(member: ChannelMember): void {
    this.publish(async () => [channelMemberUpdatedEvent(member)]);
  }

  // Roles changed (role-operations.ts).
  userRolesUpdated(user: User): void {
    this.publish(async () => [userRoleUpdatedEvent(user)]);
  }

  teamMemberRolesUpdated(member: TeamMember): void {
    this.publish(async () => [memberRoleUpdatedEvent(member)]);
  }

  channelMemberRolesUpdated(member: ChannelMember): void {
    this.publish(async () => [channelMemberUpdatedEvent(member)]);
  }

  roleUpdated(role: Role): void {
    this.publish(async () => [roleUpdatedEvent(role)]);
  }

  emojiAdded(emoji: Emoji): void {
    this.publish(async () => [emojiAddedEvent(emoji)]);
  }

  // Groups changed (group-operations.ts).
  groupChanged(group: Group): void {
    this.publish(async () => [receivedGroupEvent(group)]);
  }

  groupMemberAdded(member: GroupMember): void {
    this.publish(async () => [groupMemberEvent(member, true)]);
  }

  groupMemberRemoved(member: GroupMember): void {
    this.publish(async () => [groupMemberEvent(member, false)]);
  }

  groupSyncableChanged(syncable: GroupSyncable): void {
    this.publish(async () => [groupSyncableEvent(syncable)]);
  }

  sessionEnded(session: Session): void {
    this.end((connection) => connection.auth.session.id === session.id);
    this.host.app.forwardConnectionsEnded({ sessionId: session.id });
  }

  // The cluster: what other hosts delivered reaches this host's clients too, in the order sent.
  clusterWebSocketEvent(event: JsonObject): void {
    this.delivering = this.delivering.then(() =>
      this.deliver(event as unknown as WebSocketEvent).catch((error: unknown) => {
        this.host.app.logger.warn(
          `a websocket event from another host was not delivered: ${(error as Error).message}`,
        );
      }),
    );
  }

  clusterConnectionsEnded(ended: EndedConnections): void {
    this.end((connection) =>
      "userId" in ended
        ? connection.userId === ended.userId
        : connection.auth.session.id === ended.sessionId,
    );
  }

  /** Events may have been missed: every client reconnects as a new connection and reloads. */
  clusterResync(): void {
    this.end(() => true, SERVICE_RESTART, "resync: reconnect and reload");
  }

  /** Resolves once every event reported so far has been delivered. */
  async settled(): Promise<void> {
    await this.delivering;
  }

  private async receive(link: Link, text: string): Promise<void> {
    let request: { seq?: unknown; action?: unknown; data?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      link.reply(0, {
        id: "api.web_socket_router.bad_request.app_error",
        message: "A websocket request must be a JSON object {seq, action, data}.",
      });
      return;
    }
    const seq = typeof request?.seq === "number" ? request.seq : 0;
    const action = typeof request?.action === "string" ? request.action : "";
    const data = isObject(request?.data) ? request.data : {};
    // A connection whose session ended speaks for no one while its socket closes.
    const connection =
      link.connection && this.connections.has(link.connection) ? link.connection : undefined;
    if (connection) {
      // Saying the user is inactive is not activity.
      if (action !== "user_update_active_status") this.presence.active(connection.userId);
      switch (action) {
        case "authentication_challenge":
          link.reply(seq);
          return;
        case "ping":
          link.reply(seq, undefined, {
            text: "pong",
            version: this.host.serverVersion,
            server_time: Date.now(),
            node_id: this.host.app.hostId,
          });
          return;
        case "user_typing":
          await this.typingAction(link, connection, seq, data);
          return;
        case "get_statuses":
          link.reply(seq, undefined, await this.presence.statuses(this.presence.online()));
          return;
        case "get_statuses_by_ids":
          await this.statusesByIds(link, seq, data);
          return;
        case "user_update_active_status":
          await this.updateActiveStatus(link, connection.userId, seq, data);
          return;
      }
      // Actions named custom_<plugin id>_... go to that plugin, and get no answer (Mattermost).
      if (
        action.startsWith("custom_") &&
        this.host.app.webSocketMessagePosted(connection.id, connection.userId, {
          seq,
          action,
          data,
          sessionId: connection.auth.session.id,
        })
      ) {
        return;
      }
      link.reply(seq, {
        id: "api.web_socket_router.bad_action.app_error",
        message: `The action ${JSON.stringify(request?.action)} is not supported.`,
        status: 501,
      });
      return;
    }
    if (action !== "authentication_challenge") {
      link.reply(seq, {
        id: "api.web_socket_router.not_authenticated.app_error",
        message: "Authenticate first: send the action authentication_challenge with data.token.",
        status: 401,
      });
      return;
    }
    const token = data.token;
    const auth = typeof token === "string" ? await this.host.app.authenticate(token) : undefined;
    if (auth === undefined) {
      link.reply(seq, {
        id: "api.web_socket_router.bad_token.app_error",
        message: "The session token is missing, unknown or expired.",
      });
      return;
    }
    link.reply(seq);
    this.attach(link, auth);
  }

  /**
   * The socket speaks for `auth` from now on: as the connection it asks to resume when that
   * is still kept for this user (sending what it missed), else as a new one that gets hello.
   */
  private attach(link: Link, auth: Authenticated): void {
    const userId = auth.user.id;
    const kept = link.resume && this.inactive(userId, link.resume.connectionId);
    let connection: Connection;
    if (kept && link.resume) {
      connection = kept;
      clearTimeout(connection.expiry);
      connection.auth = auth;
      connection.socket = link.socket;
      if (!connection.resume(link.resume.sequence)) this.hello(connection);
    } else {
      connection = new Connection(auth, link.socket);
      this.connections.add(connection);
      this.hello(connection);
    }
    link.connection = connection;
    this.presence.connected(userId);
    this.host.app.webSocketConnected(connection.id, userId);
  }

  /** The socket of `connection` closed: it stays resumable for a while unless it was ended. */
  private detach(connection: Connection, socket: WebSocket): void {
    this.presence.disconnected(connection.userId);
    this.host.app.webSocketDisconnected(connection.id, connection.userId);
    // A client that came back before this socket's close was seen already has it on another.
    if (connection.socket !== socket) return;
    connection.socket = undefined;
    if (!this.connections.has(connection)) return;
    connection.expiry = setTimeout(() => this.connections.delete(connection), RESUME_WINDOW_MS);
    connection.expiry.unref();
  }

  /** The connection `connectionId` of `userId`, if it is kept without a socket. */
  private inactive(userId: string, connectionId: string): Connection | undefined {
    for (const connection of this.connections) {
      if (
        connection.id === connectionId &&
        connection.userId === userId &&
        connection.socket === undefined
      ) {
        return connection;
      }
    }
    return undefined;
  }

  /** get_statuses_by_ids {user_ids}: the status of each, "offline" for anyone not connected. */
  private async statusesByIds(link: Link, seq: number, data: JsonObject): Promise<void> {
    const userIds = data.user_ids;
    if (
      !Array.isArray(userIds) ||
      userIds.length === 0 ||
      userIds.some((id) => typeof id !== "string" || id === "")
    ) {
      link.reply(seq, invalidParam("get_statuses_by_ids needs data.user_ids, a list of user ids."));
      return;
    }
    link.reply(seq, undefined, await this.presence.statuses(userIds as string[]));
  }

  /** user_update_active_status {user_is_active, manual?}: online, or away, as Mattermost. */
  private async updateActiveStatus(
    link: Link,
    userId: string,
    seq: number,
    data: JsonObject,
  ): Promise<void> {
    if (typeof data.user_is_active !== "boolean") {
      link.reply(
        seq,
        invalidParam("user_update_active_status needs data.user_is_active, true or false."),
      );
      return;
    }
    await this.presence.activeStatus(userId, data.user_is_active, data.manual === true);
    link.reply(seq);
  }

  /**
   * user_typing {channel_id, parent_id?}: tells the channel's other members, as Mattermost does;
   * refused (invalid channel_id, as Mattermost answers) for a channel the user can't post in.
   */
  private async typingAction(
    link: Link,
    connection: Connection,
    seq: number,
    data: JsonObject,
  ): Promise<void> {
    const { userId } = connection;
    const channelId = data.channel_id;
    const parentId = typeof data.parent_id === "string" ? data.parent_id : "";
    if (typeof channelId !== "string" || channelId === "") {
      link.reply(
        seq,
        invalidParam("user_typing needs data.channel_id, the channel being typed in."),
      );
      return;
    }
    if ((await this.host.app.getChannelMember(channelId, userId)) === undefined) {
      link.reply(seq, invalidParam(`user_typing: you are not a member of channel ${channelId}.`));
      return;
    }
    await this.host.app.publishUserTyping({ userId }, userId, channelId, parentId);
    link.reply(seq);
  }

  private hello(connection: Connection): void {
    connection.send(
      webSocketEvent(
        "hello",
        {
          server_version: this.host.serverVersion,
          connection_id: connection.id,
          server_hostname: hostname(),
        },
        { user_id: connection.userId },
      ),
    );
  }

  /** Ends the connections that match: closed now, and not resumable. */
  private end(
    matches: (connection: Connection) => boolean,
    code = SESSION_ENDED,
    reason = "session ended",
  ): void {
    for (const connection of this.connections) {
      if (matches(connection)) {
        this.connections.delete(connection);
        clearTimeout(connection.expiry);
        connection.socket?.close(code, reason);
      }
    }
  }

  /** Queues the events `make` builds; a failure to build them is logged and delivers nothing. */
  private publish(make: () => Promise<WebSocketEvent[]>): void {
    this.delivering = this.delivering.then(async () => {
      try {
        for (const event of await make()) {
          await this.deliver(event);
          this.host.app.forwardWebSocketEvent(event as unknown as JsonObject);
        }
      } catch (error) {
        this.host.app.logger.warn(
          `a websocket event was not delivered: ${(error as Error).message}`,
        );
      }
    });
  }

  /** Sends `event` to the connections its broadcast names, by Mattermost's rules. */
  private async deliver(event: WebSocketEvent): Promise<void> {
    const broadcast = event.broadcast;
    const receives = new Map<string, boolean>();
    for (const connection of this.connections) {
      if (broadcast.connection_id) {
        if (connection.id === broadcast.connection_id) connection.send(event);
        continue;
      }
      if (connection.id === broadcast.omit_connection_id) continue;
      const user = connection.userId;
      let allowed = receives.get(user);
      if (allowed === undefined) {
        allowed = await this.receives(user, broadcast);
        receives.set(user, allowed);
      }
      if (allowed) connection.send(event);
    }
  }

  /** Whether `user` is among those `broadcast` names (its connection rules aside). */
  private async receives(user: string, broadcast: WebSocketEvent["broadcast"]): Promise<boolean> {
    if (broadcast.user_id) return user === broadcast.user_id;
    if (broadcast.omit_users?.[user]) return false;
    if (broadcast.channel_id) {
      return (await this.host.app.getChannelMember(broadcast.channel_id, user)) !== undefined;
    }
    if (broadcast.team_id) {
      return (await this.host.app.getTeamMember(broadcast.team_id, user)) !== undefined;
    }
    return true;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalidParam(message: string): { id: string; message: string } {
  return { id: "api.websocket_handler.invalid_param.app_error", message };
}
