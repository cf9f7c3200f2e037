// Login session tokens. The client holds a random token; the store holds only its SHA-256, so
// a copy of the database opens no session. The CSRF token is derived from the session token
// one way: a page that can read it (the MMCSRF cookie) learns nothing about the session token.
import { createHash } from "node:crypto";
import { newId } from "../store/ids.js";

/** How long a session lasts after login: 30 days, as Mattermost's web sessions by default. */
export const SESSION_LENGTH_MS = 30 * 24 * 60 * 60 * 1000;

/** How stale a session's last activity may get before a request records it again. */
export const SESSION_ACTIVITY_INTERVAL_MS = 5 * 60 * 1000;

/** A new session token: 26 characters of base32, 128 random bits, in Mattermost's shape. */
export function newSessionToken(): string {
  return newId();
}

/** The hex SHA-256 of a session token: what the store keeps and looks sessions up by. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The CSRF token of a session, sent as the MMCSRF cookie and checked in X-CSRF-Token. */
export function csrfTokenOf(token: string): string {
  return createHash("sha256").update(`csrf:${token}`).digest("base64url").slice(0, 26);
}

/** How long a personal access token's session lasts: 100 years, as Mattermost's. */
export const ACCESS_TOKEN_SESSION_LENGTH_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/** Mattermost's session props of a personal access token's session. */
export const SESSION_PROP_TYPE = "type";
export const SESSION_TYPE_USER_ACCESS_TOKEN = "UserAccessToken";
export const SESSION_PROP_USER_ACCESS_TOKEN_ID = "user_access_token_id";
