// The PluginAPI methods of OAuth 2.0 client apps, spread into createPluginApiService. As
// Mattermost's Plugin API, a plugin manages any app and reads its client secret: a plugin that
// registers an app needs the secret to hand to the client it configures.
import type { ServiceImpl } from "@connectrpc/connect";
import type { PluginAPI } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { required, requiredMessage } from "./request-validation.js";

type OAuthMethods = "createOAuthApp" | "getOAuthApp" | "updateOAuthApp" | "deleteOAuthApp";

export function pluginApiOAuth(
  app: App,
  actor: Actor,
): Pick<ServiceImpl<typeof PluginAPI>, OAuthMethods> {
  return {
    createOAuthApp: async (request) => ({
      app: await app.createOAuthApp(actor, requiredMessage(request.app, "app")),
    }),
    getOAuthApp: async (request) => ({
      app: await app.getOAuthApp(required(request.appId, "app_id")),
    }),
    updateOAuthApp: async (request) => {
      const update = requiredMessage(request.app, "app");
      required(update.id, "app.id");
      return { app: await app.updateOAuthApp(actor, update) };
    },
    deleteOAuthApp: async (request) => {
      await app.deleteOAuthApp(actor, required(request.appId, "app_id"));
      return {};
    },
  };
}
