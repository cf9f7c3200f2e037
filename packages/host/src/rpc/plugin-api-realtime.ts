// The realtime part of the PluginAPI: websocket events, toasts and typing notices a plugin
// publishes.
// Spread into createPluginApiService.
import type { ServiceImpl } from "@connectrpc/connect";
import type { PluginAPI } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { required } from "./request-validation.js";

type RealtimeMethods = Pick<
  ServiceImpl<typeof PluginAPI>,
  "publishWebSocketEvent" | "sendToastMessage" | "publishUserTyping"
>;

export function realtimeMethods(app: App, pluginId: string, actor: Actor): RealtimeMethods {
  return {
    publishWebSocketEvent: async (request) => {
      const broadcast = request.broadcast;
      await app.publishWebSocketEvent(
        actor,
        pluginId,
        required(request.event, "event"),
        request.payload ?? {},
        broadcast
          ? {
              omitUsers: broadcast.omitUsers,
              userId: broadcast.userId,
              channelId: broadcast.channelId,
              teamId: broadcast.teamId,
              connectionId: broadcast.connectionId,
              omitConnectionId: broadcast.omitConnectionId,
            }
          : {},
      );
      return {};
    },
    sendToastMessage: async (request) => {
      const { userId, connectionId, message, position } = request;
      await app.sendToastMessage(actor, { userId, connectionId, message, position });
      return {};
    },
    publishUserTyping: async (request) => {
      await app.publishUserTyping(
        actor,
        required(request.userId, "user_id"),
        required(request.channelId, "channel_id"),
        request.parentId,
      );
      return {};
    },
  };
}
