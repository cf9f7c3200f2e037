import type { UserAccessToken } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";
import type { Session } from "./session-store.js";

/** A personal access token to keep: its id, owner, description and the SHA-256 of its secret. */
export interface NewUserAccessToken {
  id: string;
  /** Hex SHA-256 of the token the user holds; the session it opens has the same hash. */
  tokenHash: string;
  userId: string;
  description: string;
}

/**
 * Personal access tokens. A UserAccessToken read from here never carries the token (only its
 * hash is kept). Taking a token away (delete, disable) ends the session it opened, in the same
 * write, and answers that session so the caller can close its connections.
 */
export interface UserAccessTokenStore {
  /** Keeps a new, active token. NotFoundError when the user does not exist. */
  createUserAccessToken(token: NewUserAccessToken): Promise<UserAccessToken>;
  /** A token by id; NotFoundError when there is none. */
  getUserAccessToken(tokenId: string): Promise<UserAccessToken>;
  /** The token with this hash, if any (active or not). */
  getUserAccessTokenByHash(tokenHash: string): Promise<UserAccessToken | undefined>;
  /** A page of a user's tokens, by id. */
  getUserAccessTokensForUser(userId: string, page: PageQuery): Promise<UserAccessToken[]>;
  /** A page of every user's tokens, by id. */
  getUserAccessTokens(page: PageQuery): Promise<UserAccessToken[]>;
  /** Deletes a token and ends its session. NotFoundError when there is no such token. */
  deleteUserAccessToken(tokenId: string): Promise<Session[]>;
  /** Enables or disables a token; disabling ends its session. NotFoundError when missing. */
  setUserAccessTokenActive(tokenId: string, active: boolean): Promise<Session[]>;
}
