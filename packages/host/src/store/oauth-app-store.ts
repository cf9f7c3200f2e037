import type { OAuthApp } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/**
 * OAuth 2.0 client apps: the records only (Plugwire runs no OAuth flow, so there are no
 * authorizations or access tokens to keep beside them). Deleting an app removes its row.
 */
export interface OAuthAppStore {
  /** Stores a new app (id and times filled in when empty); AlreadyExistsError when the id is taken. */
  createOAuthApp(app: OAuthApp): Promise<OAuthApp>;
  /** NotFoundError when there is no such app. */
  getOAuthApp(appId: string): Promise<OAuthApp>;
  /** A page of apps, oldest first: every app, or those `creatorId` registered. */
  getOAuthApps(page: PageQuery, creatorId?: string): Promise<OAuthApp[]>;
  /**
   * Writes an app's fields, keeping its creator and create_at and setting update_at;
   * NotFoundError when there is no such app.
   */
  updateOAuthApp(app: OAuthApp): Promise<OAuthApp>;
  /** Removes an app; NotFoundError when there is none. */
  deleteOAuthApp(appId: string): Promise<void>;
}
