// Personal access tokens, as Mattermost's app/user_access_token.go: a secret that authenticates
// REST calls as "Authorization: Bearer <token>" (sessions.ts opens its session at its first
// use). The host keeps only the token's SHA-256, so the secret is answered once, on creation.
// Taking a token away (revoking or disabling it) ends its session and closes its websockets.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type UserAccessToken, UserAccessTokenSchema } from "@plugwire/protocol";
import type { PageQuery, Session } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { newId } from "./ids.js";
import { hashSessionToken, newSessionToken } from "./sessions.js";

/** Mattermost's longest token description. */
export const MAX_TOKEN_DESCRIPTION = 255;

export interface AccessTokenOperations {
  /** Issues a token for the user; the answer alone carries the secret. NotFoundError for no user. */
  createUserAccessToken(
    actor: Actor,
    userId: string,
    description: string,
  ): Promise<UserAccessToken>;
  /** A token, without its secret; NotFoundError when there is none. */
  getUserAccessToken(tokenId: string): Promise<UserAccessToken>;
  /** A page of a user's tokens. */
  getUserAccessTokensForUser(userId: string, page: PageQuery): Promise<UserAccessToken[]>;
  /** A page of every user's tokens. */
  getUserAccessTokens(page: PageQuery): Promise<UserAccessToken[]>;
  /** Deletes a token and ends its session. NotFoundError when there is none. */
  revokeUserAccessToken(actor: Actor, tokenId: string): Promise<void>;
  /** Enables or disables a token; disabling ends its session. */
  setUserAccessTokenActive(actor: Actor, tokenId: string, active: boolean): Promise<void>;
}

export class AccessTokens implements AccessTokenOperations {
  constructor(private readonly core: AppCore) {}

  async createUserAccessToken(
    _actor: Actor,
    userId: string,
    description: string,
  ): Promise<UserAccessToken> {
    if (description.trim() === "" || [...description].length > MAX_TOKEN_DESCRIPTION) {
      throw new ValidationError({
        id: "model.user_access_token.is_valid.description.app_error",
        message: `A token needs a description of 1 to ${MAX_TOKEN_DESCRIPTION} characters saying what it is for.`,
        params: { field: "description" },
      });
    }
    const token = newSessionToken();
    const stored = await this.core.store.createUserAccessToken({
      id: newId(),
      tokenHash: hashSessionToken(token),
      userId,
      description,
    });
    return create(UserAccessTokenSchema, { ...stored, token });
  }

  getUserAccessToken(tokenId: string): Promise<UserAccessToken> {
    return this.core.store.getUserAccessToken(tokenId);
  }

  getUserAccessTokensForUser(userId: string, page: PageQuery): Promise<UserAccessToken[]> {
    return this.core.store.getUserAccessTokensForUser(userId, page);
  }

  getUserAccessTokens(page: PageQuery): Promise<UserAccessToken[]> {
    return this.core.store.getUserAccessTokens(page);
  }

  async revokeUserAccessToken(_actor: Actor, tokenId: string): Promise<void> {
    this.ended(await this.core.store.deleteUserAccessToken(tokenId));
  }

  async setUserAccessTokenActive(_actor: Actor, tokenId: string, active: boolean): Promise<void> {
    this.ended(await this.core.store.setUserAccessTokenActive(tokenId, active));
  }

  private ended(sessions: readonly Session[]): void {
    for (const session of sessions) this.core.emit("sessionEnded", session);
  }
}
