// Live connections as the application layer sees them: plugins publish websocket events and
// typing notices, and hear of connections opening, closing and sending them messages
// (OnWebSocketConnect, OnWebSocketDisconnect, WebSocketMessageHasBeenPosted). What reaches a
// client is the websocket server's business; this layer checks, names and reports.
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";

/** Who receives a websocket event, as Mattermost's WebsocketBroadcast. */
export interface WebSocketBroadcast {
  /** Users who do not receive it. */
  omitUsers: Record<string, boolean>;
  /** Only this user. */
  userId: string;
  /** Only the members of this channel. */
  channelId: string;
  /** Only the members of this team. */
  teamId: string;
  /** Only this connection. */
  connectionId: string;
  /** Every connection but this one. */
  omitConnectionId: string;
}

/** A websocket event a plugin published, named as clients receive it. */
export interface PublishedWebSocketEvent {
  /** custom_<plugin id>_<event>. */
  event: string;
  data: JsonObject;
  broadcast: WebSocketBroadcast;
}

/** A short notice shown in a user's clients (Mattermost's SendToastMessage). */
export interface Toast {
  userId: string;
  /** Only this connection of the user, when set. */
  connectionId: string;
  message: string;
  /** Where the client shows it (Mattermost's SendToastMessageOptions.Position). */
  position: string;
}

/** A message a client sent on its websocket, as Mattermost's WebSocketRequest. */
export interface WebSocketRequest {
  seq: number;
  action: string;
  data: JsonObject;
  /** The session the connection authenticated with. */
  sessionId: string;
}

/** The prefix of the events a plugin publishes and of the actions sent to a plugin. */
export function customPrefix(pluginId: string): string {
  return `custom_${pluginId}_`;
}

export interface RealtimeOperations {
  /**
   * Sends `custom_<plugin id>_<event>` with `payload` to the clients `broadcast` names.
   * ValidationError (nothing sent) when the event is unnamed or the payload holds a value JSON
   * can't carry.
   */
  publishWebSocketEvent(
    actor: Actor,
    pluginId: string,
    event: string,
    payload: JsonObject,
    broadcast: Partial<WebSocketBroadcast>,
  ): Promise<void>;
  /**
   * Shows a toast in the user's clients (the show_toast event). ValidationError (400) when the
   * user or the message is empty; an unknown user simply has no clients.
   */
  sendToastMessage(actor: Actor, toast: Toast): Promise<void>;
  /** Tells the members of a channel but `userId` that `userId` is typing (in thread `parentId`). */
  publishUserTyping(
    actor: Actor,
    userId: string,
    channelId: string,
    parentId: string,
  ): Promise<void>;
  /** A websocket connection authenticated as `userId`: OnWebSocketConnect to every plugin. */
  webSocketConnected(connectionId: string, userId: string): void;
  /** A websocket connection of `userId` closed: OnWebSocketDisconnect to every plugin. */
  webSocketDisconnected(connectionId: string, userId: string): void;
  /**
   * A client's action named custom_<plugin id>_...: WebSocketMessageHasBeenPosted to that
   * plugin. False when no running plugin takes the action.
   */
  webSocketMessagePosted(connectionId: string, userId: string, request: WebSocketRequest): boolean;
}

export class Realtime implements RealtimeOperations {
  constructor(private readonly core: AppCore) {}

  async publishWebSocketEvent(
    _actor: Actor,
    pluginId: string,
    event: string,
    payload: JsonObject,
    broadcast: Partial<WebSocketBroadcast>,
  ): Promise<void> {
    if (event === "") {
      throw new ValidationError({
        id: "app.plugin.publish_websocket_event.event",
        message: "PublishWebSocketEvent needs an event name.",
        params: { field: "event" },
      });
    }
    checkJson(payload, "payload");
    this.core.emit("webSocketEventPublished", {
      event: `${customPrefix(pluginId)}${event}`,
      data: payload,
      broadcast: {
        omitUsers: broadcast.omitUsers ?? {},
        userId: broadcast.userId ?? "",
        channelId: broadcast.channelId ?? "",
        teamId: broadcast.teamId ?? "",
        connectionId: broadcast.connectionId ?? "",
        omitConnectionId: broadcast.omitConnectionId ?? "",
      },
    });
  }

  async sendToastMessage(_actor: Actor, toast: Toast): Promise<void> {
    for (const [field, value, id] of [
      ["user_id", toast.userId, "user_id"],
      ["message", toast.message, "message"],
    ] as const) {
      if (value === "") {
        throw new ValidationError({
          id: `app.toast.send_toast_message.${id}.app_error`,
          message: `SendToastMessage needs ${field}.`,
          params: { field },
        });
      }
    }
    this.core.emit("toastSent", { ...toast });
  }

  async publishUserTyping(
    _actor: Actor,
    userId: string,
    channelId: string,
    parentId: string,
  ): Promise<void> {
    for (const [field, value] of [
      ["user_id", userId],
      ["channel_id", channelId],
    ]) {
      if (value === "") {
        throw new ValidationError({
          id: "app.publish_user_typing.missing",
          message: `PublishUserTyping needs ${field}.`,
          params: { field },
        });
      }
    }
    // Unknown ids are NotFoundErrors.
    await this.core.store.getUser(userId);
    await this.core.store.getChannel(channelId);
    this.core.emit("userTyping", channelId, userId, parentId);
  }

  webSocketConnected(connectionId: string, userId: string): void {
    this.core.notify("OnWebSocketConnect", { webConnId: connectionId, userId });
  }

  webSocketDisconnected(connectionId: string, userId: string): void {
    this.core.notify("OnWebSocketDisconnect", { webConnId: connectionId, userId });
  }

  webSocketMessagePosted(connectionId: string, userId: string, request: WebSocketRequest): boolean {
    const hook = "WebSocketMessageHasBeenPosted";
    const target = this.core.hooks
      .implementing(hook)
      .find((plugin) => request.action.startsWith(customPrefix(plugin.pluginId)));
    if (target === undefined) return false;
    this.core.track(
      target
        .callHook(hook, {
          webConnId: connectionId,
          userId,
          request: {
            seq: BigInt(request.seq),
            action: request.action,
            data: request.data,
            sessionId: request.sessionId,
          },
        })
        .then(
          () => undefined,
          (error: unknown) => this.core.hookFailed(hook, target.pluginId, error),
        ),
    );
    return true;
  }
}

/** Throws a ValidationError naming the first value under `path` that JSON can't carry. */
function checkJson(value: JsonValue, path: string): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new ValidationError({
        id: "app.plugin.publish_websocket_event.payload",
        message: `${path} is ${value}, which JSON can't carry; send a finite number or a string.`,
        params: { field: path },
      });
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkJson(item, `${path}[${index}]`);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`);
  }
}
