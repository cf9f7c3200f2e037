// The PluginAPI's account calls: bots, sessions, personal access tokens and the audit log.
// As in Mattermost, a plugin is trusted with them (no permission of its own is checked); a bot
// it creates without an owner is its own, and a record it writes names it in extra_info.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { BotPatchSchema, BotSchema, type PluginAPI } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { pageOf, required, requiredMessage } from "./request-validation.js";

type AccountCalls =
  | "createBot"
  | "patchBot"
  | "getBot"
  | "getBots"
  | "updateBotActive"
  | "permanentDeleteBot"
  | "getSession"
  | "createSession"
  | "extendSessionExpiry"
  | "revokeSession"
  | "createUserAccessToken"
  | "revokeUserAccessToken"
  | "logAuditRec"
  | "logAuditRecWithLevel";

export function pluginApiAccounts(
  app: App,
  pluginId: string,
  actor: Actor,
): Pick<ServiceImpl<typeof PluginAPI>, AccountCalls> {
  return {
    createBot: async (request) => {
      const bot = requiredMessage(request.bot, "bot");
      required(bot.username, "bot.username");
      // Ids, times and the picture are the host's to set.
      const init = create(BotSchema, {
        username: bot.username,
        displayName: bot.displayName,
        description: bot.description,
        ownerId: bot.ownerId || pluginId,
      });
      return { bot: await app.createBot(actor, init) };
    },
    patchBot: async (request) => ({
      bot: await app.patchBot(
        actor,
        required(request.botUserId, "bot_user_id"),
        request.botPatch ?? create(BotPatchSchema),
      ),
    }),
    getBot: async (request) => ({
      bot: await app.getBot(required(request.botUserId, "bot_user_id"), request.includeDeleted),
    }),
    getBots: async (request) => {
      const options = request.options;
      return {
        bots: await app.getBots({
          ...pageOf(options?.paging),
          ownerId: options?.ownerId || undefined,
          includeDeleted: options?.includeDeleted ?? false,
          onlyOrphaned: options?.onlyOrphaned ?? false,
        }),
      };
    },
    updateBotActive: async (request) => ({
      bot: await app.updateBotActive(
        actor,
        required(request.botUserId, "bot_user_id"),
        request.active,
      ),
    }),
    permanentDeleteBot: async (request) => {
      await app.permanentDeleteBot(actor, required(request.botUserId, "bot_user_id"));
      return {};
    },

    getSession: async (request) => ({
      session: await app.getSession(required(request.sessionId, "session_id")),
    }),
    createSession: async (request) => {
      const session = requiredMessage(request.session, "session");
      return {
        session: await app.createSession(actor, {
          userId: required(session.userId, "session.user_id"),
          expiresAt: Number(session.expiresAt),
          deviceId: session.deviceId,
          props: session.props,
        }),
      };
    },
    extendSessionExpiry: async (request) => {
      await app.extendSessionExpiry(
        required(request.sessionId, "session_id"),
        Number(request.newExpiry),
      );
      return {};
    },
    revokeSession: async (request) => {
      await app.revokeSession(actor, required(request.sessionId, "session_id"));
      return {};
    },

    createUserAccessToken: async (request) => {
      const token = requiredMessage(request.token, "token");
      return {
        token: await app.createUserAccessToken(
          actor,
          required(token.userId, "token.user_id"),
          token.description,
        ),
      };
    },
    revokeUserAccessToken: async (request) => {
      await app.revokeUserAccessToken(actor, required(request.tokenId, "token_id"));
      return {};
    },

    logAuditRec: async (request) => {
      await app.logAuditRecord(actor, requiredMessage(request.record, "record"));
      return {};
    },
    logAuditRecWithLevel: async (request) => {
      await app.logAuditRecord(
        actor,
        requiredMessage(request.record, "record"),
        required(request.level, "level"),
      );
      return {};
    },
  };
}
