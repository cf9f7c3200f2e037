// OAuth 2.0 client apps, as Mattermost's app/oauth.go manages them: an app's record (name,
// callback URLs, homepage) with a client secret the host makes. Plugwire keeps the records
// only; it runs no OAuth flow (no /oauth/authorize, no access tokens), so an app registered
// here authorizes nothing yet. Who may manage which app is the caller's check (REST:
// manage_oauth, manage_system_wide_oauth for others' apps); the Plugin API, as Mattermost's,
// manages any app.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type OAuthApp, OAuthAppSchema } from "@plugwire/protocol";
import type { PageQuery } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { newId } from "./ids.js";

/** Mattermost's limits of an OAuth app (model/oauth.go, IsValid). */
export const OAUTH_APP_LIMITS = {
  name: 64,
  description: 512,
  homepage: 256,
  iconUrl: 512,
  callbackUrls: 1024,
  clientSecret: 128,
  mattermostAppId: 32,
} as const;

export interface OAuthOperations {
  /**
   * Registers an app with a new client secret; the answer carries the secret. The app's id
   * must be empty; its creator is required.
   */
  createOAuthApp(actor: Actor, app: OAuthApp): Promise<OAuthApp>;
  /** An app, with its secret; NotFoundError when there is none. */
  getOAuthApp(appId: string): Promise<OAuthApp>;
  /** A page of apps, oldest first: every app, or those `creatorId` registered. */
  getOAuthApps(page: PageQuery, creatorId?: string): Promise<OAuthApp[]>;
  /**
   * Writes the app's fields over the app with its id, keeping its creator, creation time and
   * client secret, as Mattermost's UpdateOAuthApp; NotFoundError when there is none.
   */
  updateOAuthApp(actor: Actor, app: OAuthApp): Promise<OAuthApp>;
  /** Removes an app; NotFoundError when there is none. */
  deleteOAuthApp(actor: Actor, appId: string): Promise<void>;
  /** Gives an app a new client secret; the old one stops being the app's. */
  regenerateOAuthAppSecret(actor: Actor, appId: string): Promise<OAuthApp>;
}

export class OAuthApps implements OAuthOperations {
  constructor(private readonly core: AppCore) {}

  createOAuthApp(_actor: Actor, app: OAuthApp): Promise<OAuthApp> {
    if (app.id !== "") {
      throw new ValidationError({
        id: "app.oauth.save_app.existing.app_error",
        message: `An app to register has no id yet; the host assigns it (got "${app.id}").`,
        params: { field: "id" },
      });
    }
    const fresh = create(OAuthAppSchema, {
      ...app,
      createAt: 0n,
      updateAt: 0n,
      clientSecret: newId(),
    });
    checkApp(fresh);
    return this.core.store.createOAuthApp(fresh);
  }

  getOAuthApp(appId: string): Promise<OAuthApp> {
    return this.core.store.getOAuthApp(appId);
  }

  getOAuthApps(page: PageQuery, creatorId?: string): Promise<OAuthApp[]> {
    return this.core.store.getOAuthApps(page, creatorId);
  }

  async updateOAuthApp(_actor: Actor, app: OAuthApp): Promise<OAuthApp> {
    const old = await this.core.store.getOAuthApp(app.id);
    const updated = create(OAuthAppSchema, {
      ...app,
      creatorId: old.creatorId,
      createAt: old.createAt,
      clientSecret: old.clientSecret,
    });
    checkApp(updated);
    return this.core.store.updateOAuthApp(updated);
  }

  deleteOAuthApp(_actor: Actor, appId: string): Promise<void> {
    return this.core.store.deleteOAuthApp(appId);
  }

  async regenerateOAuthAppSecret(_actor: Actor, appId: string): Promise<OAuthApp> {
    const old = await this.core.store.getOAuthApp(appId);
    return this.core.store.updateOAuthApp(
      create(OAuthAppSchema, { ...old, clientSecret: newId() }),
    );
  }
}

/** Mattermost's OAuthApp.IsValid, for the fields a caller sets. */
function checkApp(app: OAuthApp): void {
  const invalid = (field: string, id: string, message: string) =>
    new ValidationError({
      id: `model.oauth.is_valid.${id}.app_error`,
      message,
      params: { field },
    });
  if (!/^[a-zA-Z0-9]{26}$/.test(app.creatorId)) {
    throw invalid(
      "creator_id",
      "creator_id",
      `"${app.creatorId}" is not a user id; an app needs the 26-character id of the user registering it.`,
    );
  }
  if (app.clientSecret === "" || app.clientSecret.length > OAUTH_APP_LIMITS.clientSecret) {
    throw invalid(
      "client_secret",
      "client_secret",
      "The app's client secret is missing or too long.",
    );
  }
  if (app.name === "" || utf8Length(app.name) > OAUTH_APP_LIMITS.name) {
    throw invalid(
      "name",
      "name",
      `An app's name has 1 to ${OAUTH_APP_LIMITS.name} bytes (got ${utf8Length(app.name)}).`,
    );
  }
  // Mattermost measures the list as Go prints it: "[url1 url2]".
  const listed = `[${app.callbackUrls.join(" ")}]`;
  if (app.callbackUrls.length === 0 || utf8Length(listed) > OAUTH_APP_LIMITS.callbackUrls) {
    throw invalid(
      "callback_urls",
      "callback",
      `An app needs one or more callback URLs, ${OAUTH_APP_LIMITS.callbackUrls} bytes at most together.`,
    );
  }
  const badCallback = app.callbackUrls.find((url) => !isHttpUrl(url));
  if (badCallback !== undefined) {
    throw invalid(
      "callback_urls",
      "callback",
      `"${badCallback}" is not an http:// or https:// URL; callback URLs must be.`,
    );
  }
  if (
    app.homepage === "" ||
    utf8Length(app.homepage) > OAUTH_APP_LIMITS.homepage ||
    !isHttpUrl(app.homepage)
  ) {
    throw invalid(
      "homepage",
      "homepage",
      `An app needs its homepage: an http:// or https:// URL of at most ${OAUTH_APP_LIMITS.homepage} bytes.`,
    );
  }
  if ([...app.description].length > OAUTH_APP_LIMITS.description) {
    throw invalid(
      "description",
      "description",
      `An app's description has at most ${OAUTH_APP_LIMITS.description} characters.`,
    );
  }
  if (
    app.iconUrl !== "" &&
    (utf8Length(app.iconUrl) > OAUTH_APP_LIMITS.iconUrl || !isHttpUrl(app.iconUrl))
  ) {
    throw invalid(
      "icon_url",
      "icon_url",
      `An app's icon URL is empty or an http:// or https:// URL of at most ${OAUTH_APP_LIMITS.iconUrl} bytes.`,
    );
  }
  if (utf8Length(app.mattermostAppId) > OAUTH_APP_LIMITS.mattermostAppId) {
    throw invalid(
      "mattermost_app_id",
      "mattermost_app_id",
      `An app's mattermost_app_id has at most ${OAUTH_APP_LIMITS.mattermostAppId} bytes.`,
    );
  }
}

/** Mattermost's IsValidHTTPURL: http:// or https://, then a URL with a host. */
function isHttpUrl(text: string): boolean {
  if (!text.startsWith("http://") && !text.startsWith("https://")) return false;
  try {
    return new URL(text).host !== "";
  } catch {
    return false;
  }
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
