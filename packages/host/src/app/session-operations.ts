// Logging in and out, and the sessions that requests authenticate with. A login checks the
// password, asks UserWillLogIn of every active plugin (in dispatch order; the first rejection
// refuses it with its reason), then opens a session and fires UserHasLoggedIn.
//
// As in Mattermost, an account locks after MaximumLoginAttempts wrong passwords: until a new
// password is set (by the user, or an admin for them), every login is refused, even with the
// right password, so that guessing stops paying.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, UnauthenticatedError, ValidationError } from "@plugwire/errors";
import { type Session as SessionMessage, SessionSchema, type User } from "@plugwire/protocol";
import type { Session } from "../store/store.js";
import type { HookResponse } from "../supervisor/hook-client.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { newId } from "./ids.js";
import { hashPassword, verifyPassword } from "./password.js";
import {
  ACCESS_TOKEN_SESSION_LENGTH_MS,
  hashSessionToken,
  newSessionToken,
  SESSION_ACTIVITY_INTERVAL_MS,
  SESSION_LENGTH_MS,
  SESSION_PROP_TYPE,
  SESSION_PROP_USER_ACCESS_TOKEN_ID,
  SESSION_TYPE_USER_ACCESS_TOKEN,
} from "./sessions.js";

/** Error id of a login a plugin's UserWillLogIn rejected; the message carries the reason. */
export const LOGIN_REJECTED_ID = "plugin.user_will_log_in.rejected";

export { DEFAULT_MAX_LOGIN_ATTEMPTS } from "./server-config.js";

/** A successful login: the user, the new session, and the token only the client will hold. */
export interface Login {
  user: User;
  session: Session;
  token: string;
}

/** A session a plugin opens for a user (Mattermost's CreateSession). */
export interface NewSession {
  userId: string;
  /** ms since the epoch; 0 never expires. */
  expiresAt: number;
  deviceId: string;
  props: Record<string, string>;
}

/** A request's session, once its token checked out. */
export interface Authenticated {
  user: User;
  session: Session;
}

export interface SessionOperations {
  /**
   * Checks a login id (username or e-mail address) and password, asks UserWillLogIn, then opens
   * a session and fires UserHasLoggedIn. Nothing is written for a refused login.
   */
  login(actor: Actor, loginId: string, password: string): Promise<Login>;
  /** Ends a session: its token no longer authenticates and its live connections close. */
  logout(session: Session): Promise<void>;
  /**
   * The session and active user a token belongs to, or undefined when it opens none; records
   * the session's activity when the last record is stale.
   */
  authenticate(token: string): Promise<Authenticated | undefined>;
  /** Unlocks an account (an admin's reset): its failed attempts back to 0. NotFoundError for no user. */
  resetFailedAttempts(userId: string): Promise<void>;
  /** A session by id, without its token; NotFoundError when missing or expired. */
  getSession(sessionId: string): Promise<SessionMessage>;
  /** A user's live sessions, most recently used first, without their tokens. */
  getUserSessions(userId: string): Promise<SessionMessage[]>;
  /** Opens a session for a user; the answer alone carries its token. NotFoundError for no user. */
  createSession(actor: Actor, session: NewSession): Promise<SessionMessage>;
  /** Moves a session's expiry (ms since the epoch). NotFoundError when missing. */
  extendSessionExpiry(sessionId: string, expiresAt: number): Promise<void>;
  /** Ends a session (its websockets close). NotFoundError when missing. */
  revokeSession(actor: Actor, sessionId: string): Promise<void>;
  /** Ends every session of a user. */
  revokeUserSessions(actor: Actor, userId: string): Promise<void>;
}

export class Sessions implements SessionOperations {
  /** A hash to check passwords of unknown users against, so they take as long as known ones. */
  private unknownUserHash: Promise<string> | undefined;

  constructor(private readonly core: AppCore) {}

  async login(actor: Actor, loginId: string, password: string): Promise<Login> {
    const user = await this.checkCredentials(loginId, password);
    const context = contextOf(actor);
    for (const target of this.core.hooks.implementing("UserWillLogIn")) {
      let outcome: NonNullable<HookResponse<"UserWillLogIn">["decision"]>["outcome"] | undefined;
      try {
        outcome = (await target.callHook("UserWillLogIn", { context, user }))?.decision?.outcome;
      } catch (error) {
        // As with message hooks, a broken plugin must not lock everyone out.
        this.core.hookFailed("UserWillLogIn", target.pluginId, error);
        continue;
      }
      switch (outcome?.case) {
        case "allow":
          break;
        case "reject":
          throw new UnauthenticatedError({
            id: LOGIN_REJECTED_ID,
            message: `Login rejected by plugin: ${outcome.value.reason}`,
            where: "UserWillLogIn",
            params: { plugin_id: target.pluginId, reason: outcome.value.reason },
          });
        default:
          this.core.log.warn("UserWillLogIn answered without a decision; the login continues", {
            pluginId: target.pluginId,
          });
      }
    }
    const token = newSessionToken();
    const now = Date.now();
    const session = await this.core.store.createSession({
      id: newId(),
      tokenHash: hashSessionToken(token),
      userId: user.id,
      createAt: now,
      expiresAt: now + SESSION_LENGTH_MS,
      lastActivityAt: now,
      deviceId: "",
      props: {},
    });
    this.core.notify("UserHasLoggedIn", { context, user });
    return { user, session, token };
  }

  async logout(session: Session): Promise<void> {
    await this.core.store.deleteSession(session.id);
    this.core.emit("sessionEnded", session);
  }

  async authenticate(token: string): Promise<Authenticated | undefined> {
    const tokenHash = hashSessionToken(token);
    const session =
      (await this.core.store.getSessionByTokenHash(tokenHash)) ??
      (await this.openAccessTokenSession(tokenHash));
    if (session === undefined) return undefined;
    const user = await this.core.store.getUser(session.userId).catch(orMissing);
    if (user === undefined || user.deleteAt !== 0n) return undefined;
    const now = Date.now();
    if (now - session.lastActivityAt >= SESSION_ACTIVITY_INTERVAL_MS) {
      await this.core.store.touchSession(session.id, now);
      session.lastActivityAt = now;
    }
    return { user, session };
  }

  async getSession(sessionId: string): Promise<SessionMessage> {
    const session = await this.core.store.getSession(sessionId);
    return sessionMessage(session, await this.core.store.getUser(session.userId).catch(orMissing));
  }

  async getUserSessions(userId: string): Promise<SessionMessage[]> {
    const user = await this.core.store.getUser(userId);
    return (await this.core.store.getUserSessions(userId)).map((s) => sessionMessage(s, user));
  }

  async createSession(_actor: Actor, request: NewSession): Promise<SessionMessage> {
    const user = await this.core.store.getUser(request.userId);
    if (request.expiresAt < 0) {
      throw new ValidationError({
        id: "api.request.invalid",
        message: `session.expires_at is ${request.expiresAt}; give a time in ms since the epoch, or 0 for never.`,
        params: { field: "session.expires_at" },
      });
    }
    const token = newSessionToken();
    const now = this.core.now();
    const session = await this.core.store.createSession({
      id: newId(),
      tokenHash: hashSessionToken(token),
      userId: user.id,
      createAt: now,
      expiresAt: request.expiresAt,
      lastActivityAt: now,
      deviceId: request.deviceId,
      props: request.props,
    });
    return sessionMessage(session, user, token);
  }

  async extendSessionExpiry(sessionId: string, expiresAt: number): Promise<void> {
    if (expiresAt <= 0) {
      throw new ValidationError({
        id: "api.request.invalid",
        message: `new_expiry is ${expiresAt}; give the new expiry in ms since the epoch.`,
        params: { field: "new_expiry" },
      });
    }
    await this.core.store.setSessionExpiry(sessionId, expiresAt);
  }

  async revokeSession(_actor: Actor, sessionId: string): Promise<void> {
    await this.logout(await this.core.store.getSession(sessionId));
  }

  async revokeUserSessions(_actor: Actor, userId: string): Promise<void> {
    await this.core.store.getUser(userId);
    const sessions = await this.core.store.getUserSessions(userId);
    await this.core.store.deleteUserSessions(userId);
    for (const session of sessions) this.core.emit("sessionEnded", session);
  }

  /**
   * The session of an active personal access token with this hash, opened at its first use as
   * Mattermost does, and kept until the token is revoked or disabled.
   */
  private async openAccessTokenSession(tokenHash: string): Promise<Session | undefined> {
    const token = await this.core.store.getUserAccessTokenByHash(tokenHash);
    if (token === undefined || !token.isActive) return undefined;
    const now = this.core.now();
    try {
      return await this.core.store.createSession({
        id: newId(),
        tokenHash,
        userId: token.userId,
        createAt: now,
        expiresAt: now + ACCESS_TOKEN_SESSION_LENGTH_MS,
        lastActivityAt: now,
        deviceId: "",
        props: {
          [SESSION_PROP_TYPE]: SESSION_TYPE_USER_ACCESS_TOKEN,
          [SESSION_PROP_USER_ACCESS_TOKEN_ID]: token.id,
        },
      });
    } catch (error) {
      // Two first requests at once: the other one opened it.
      const opened = await this.core.store.getSessionByTokenHash(tokenHash);
      if (opened === undefined) throw error;
      return opened;
    }
  }

  async resetFailedAttempts(userId: string): Promise<void> {
    await this.core.store.getUser(userId);
    await this.core.store.resetFailedLogins(userId);
  }

  /** The active user a login id and password belong to; one error for every mismatch. */
  private async checkCredentials(loginId: string, password: string): Promise<User> {
    const user = await this.findLoginUser(loginId.trim());
    const hash = user && (await this.core.store.getPasswordHash(user.id));
    if (user !== undefined && hash !== undefined) await requireUnlocked(this.core, user);
    this.unknownUserHash ??= hashPassword(newId());
    const matches = await verifyPassword(password, hash ?? (await this.unknownUserHash));
    if (user !== undefined && hash !== undefined && !matches) {
      await this.core.store.recordFailedLogin(user.id);
    }
    if (user === undefined || hash === undefined || !matches) {
      throw new UnauthenticatedError({
        id: "api.user.login.invalid_credentials_email_username",
        message: "Enter a valid email or username and/or password.",
        where: "login",
      });
    }
    // Said only to someone who knows the password.
    if (user.deleteAt !== 0n) {
      throw new UnauthenticatedError({
        id: "api.user.login.inactive.app_error",
        message: "Login failed because your account has been deactivated.",
        where: "login",
      });
    }
    if ((await this.core.store.getFailedLoginAttempts(user.id)) > 0) {
      await this.core.store.resetFailedLogins(user.id);
    }
    return user;
  }

  private async findLoginUser(loginId: string): Promise<User | undefined> {
    if (loginId === "") return undefined;
    const byUsername = await this.core.store
      .getUserByUsername(loginId.toLowerCase())
      .catch(orMissing);
    return byUsername ?? this.core.store.getUserByEmail(loginId).catch(orMissing);
  }
}

/** A session as plugins and clients see it: the user's roles, the token only when just made. */
export function sessionMessage(
  session: Session,
  user: User | undefined,
  token = "",
): SessionMessage {
  return create(SessionSchema, {
    id: session.id,
    token,
    createAt: BigInt(session.createAt),
    expiresAt: BigInt(session.expiresAt),
    lastActivityAt: BigInt(session.lastActivityAt),
    userId: session.userId,
    deviceId: session.deviceId,
    roles: user?.roles ?? "",
    props: session.props,
  });
}

/** undefined for a NotFoundError; anything else is thrown on. */
export function orMissing(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined;
  throw error;
}

/** Refuses a locked account, as Mattermost's checkUserLoginAttempts does (401). */
export async function requireUnlocked(core: AppCore, user: User): Promise<void> {
  const max = Number(core.config.get("ServiceSettings", "MaximumLoginAttempts"));
  if ((await core.store.getFailedLoginAttempts(user.id)) >= max) {
    throw new UnauthenticatedError({
      id: "api.user.check_user_login_attempts.too_many.app_error",
      message:
        "Your account is locked because of too many failed password attempts. Please reset your password.",
      where: "checkUserLoginAttempts",
      params: { user_id: user.id },
    });
  }
}
