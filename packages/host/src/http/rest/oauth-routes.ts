// /api/v4/oauth/apps, as Mattermost's api4/oauth.go serves the records of OAuth 2.0 client
// apps: registering, listing, reading, changing and removing one needs manage_oauth, and
// another user's app manage_system_wide_oauth too; only manage_system sets is_trusted. The
// client secret is answered to those who manage the app and hidden in /info, which any
// logged-in user reads. Plugwire runs no OAuth flow (no /oauth/authorize, no access tokens).
import { PermissionDeniedError } from "@plugwire/errors";
import { type OAuthApp, OAuthAppSchema } from "@plugwire/protocol";
import { modelFromJson, modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

/** The v4 fields of an app a client sets; the host assigns the others. */
const SETTABLE = [
  "id",
  "name",
  "description",
  "icon_url",
  "callback_urls",
  "homepage",
  "is_trusted",
  "mattermost_app_id",
];

export function oauthRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/oauth/apps", createApp)
    .add("GET", "/api/v4/oauth/apps", getApps)
    .add("GET", "/api/v4/oauth/apps/{app_id}", async (call) => {
      sendApp(call, 200, await managedApp(call));
    })
    .add("PUT", "/api/v4/oauth/apps/{app_id}", updateApp)
    .add("DELETE", "/api/v4/oauth/apps/{app_id}", async (call) => {
      const app = await managedApp(call);
      await call.app.deleteOAuthApp(call.actor(), app.id);
      call.ok();
    })
    .add("GET", "/api/v4/oauth/apps/{app_id}/info", async (call) => {
      call.user();
      const app = await call.app.getOAuthApp(appIdOf(call));
      sendApp(call, 200, { ...app, clientSecret: "" });
    })
    .add("POST", "/api/v4/oauth/apps/{app_id}/regen_secret", async (call) => {
      const app = await managedApp(call);
      sendApp(call, 200, await call.app.regenerateOAuthAppSecret(call.actor(), app.id));
    });
}

/** A new app; an id in the body is refused by the app layer, as Mattermost's SaveApp does. */
async function createApp(call: RestCall): Promise<void> {
  const { value: app } = modelFromJson(
    OAuthAppSchema,
    await call.json(),
    SETTABLE,
    call.ignoreField,
  );
  const user = requireManageOAuth(call);
  if (!call.app.hasPermissionTo(user, "manage_system")) app.isTrusted = false;
  app.creatorId = user.id;
  sendApp(call, 201, await call.app.createOAuthApp(call.actor(), app));
}

/** Every app for manage_system_wide_oauth, one's own for manage_oauth alone. */
async function getApps(call: RestCall): Promise<void> {
  const user = call.user();
  if (!call.app.hasPermissionTo(user, "manage_oauth")) {
    throw new PermissionDeniedError({
      id: "api.command.admin_only.app_error",
      message: "Only those with manage_oauth may list OAuth apps.",
      params: { permission: "manage_oauth" },
    });
  }
  const everyone = call.app.hasPermissionTo(user, "manage_system_wide_oauth");
  const apps = await call.app.getOAuthApps(
    pageOfQuery(call.url.searchParams),
    everyone ? undefined : user.id,
  );
  call.send(
    200,
    apps.map((app) => modelToJson(OAuthAppSchema, app)),
  );
}

/** PUT writes the whole app; its id must be the URL's, as Mattermost's updateOAuthApp checks. */
async function updateApp(call: RestCall): Promise<void> {
  const user = requireManageOAuth(call);
  const appId = appIdOf(call);
  const { value: app } = modelFromJson(
    OAuthAppSchema,
    await call.json(),
    SETTABLE,
    call.ignoreField,
  );
  if (app.id !== appId) {
    throw invalidBodyParam("app_id", `the body's id "${app.id}" is not the URL's "${appId}".`);
  }
  const old = await managedApp(call);
  if (!call.app.hasPermissionTo(user, "manage_system")) app.isTrusted = old.isTrusted;
  sendApp(call, 200, await call.app.updateOAuthApp(call.actor(), app));
}

/** The URL's app, when the logged-in user may manage it: its creator, or system-wide. */
async function managedApp(call: RestCall): Promise<OAuthApp> {
  const user = requireManageOAuth(call);
  const app = await call.app.getOAuthApp(appIdOf(call));
  if (app.creatorId !== user.id && !call.app.hasPermissionTo(user, "manage_system_wide_oauth")) {
    throw permissionDenied("the app is another user's", "manage_system_wide_oauth");
  }
  return app;
}

function requireManageOAuth(call: RestCall) {
  const user = call.user();
  if (!call.app.hasPermissionTo(user, "manage_oauth")) {
    throw permissionDenied("you may not manage OAuth apps", "manage_oauth");
  }
  return user;
}

/** Mattermost's RequireAppId: a 26-character id. */
function appIdOf(call: RestCall): string {
  const appId = call.param("app_id");
  if (!/^[a-zA-Z0-9]{26}$/.test(appId)) {
    throw invalidUrlParam("app_id", `"${appId}" is not an app id.`);
  }
  return appId;
}

function sendApp(call: RestCall, status: number, app: OAuthApp): void {
  call.send(status, modelToJson(OAuthAppSchema, app));
}
