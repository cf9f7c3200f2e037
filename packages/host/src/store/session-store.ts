/** A login session. The token itself is never stored, only its SHA-256 hash. */
export interface Session {
  id: string;
  /** Hex SHA-256 of the session token the client holds. */
  tokenHash: string;
  userId: string;
  /** Times in ms since the epoch; an expiresAt of 0 never expires (as Mattermost's). */
  createAt: number;
  expiresAt: number;
  lastActivityAt: number;
  /** The device the session was opened on, if the client said; "" otherwise. */
  deviceId: string;
  /** Mattermost's session props, e.g. type "UserAccessToken" for a personal access token's. */
  props: Record<string, string>;
}

/** Login sessions. */
export interface SessionStore {
  createSession(session: Session): Promise<Session>;
  /** The session with this token hash, or undefined when missing or expired. */
  getSessionByTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** A session by id; NotFoundError when missing or expired. */
  getSession(sessionId: string): Promise<Session>;
  /** A user's sessions that have not expired, the most recently used first. */
  getUserSessions(userId: string): Promise<Session[]>;
  /** Moves a session's expiry (0: never); NotFoundError when missing. */
  setSessionExpiry(sessionId: string, expiresAt: number): Promise<void>;
  touchSession(sessionId: string, lastActivityAt: number): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;
}
