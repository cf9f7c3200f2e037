/** A login session. The token itself is never stored, only its SHA-256 hash. */
export interface Session {
  id: string;
  /** Hex SHA-256 of the session token the client holds. */
  tokenHash: string;
  userId: string;
  /** Times in ms since the epoch. */
  createAt: number;
  expiresAt: number;
  lastActivityAt: number;
}

/** Login sessions. */
export interface SessionStore {
  createSession(session: Session): Promise<Session>;
  /** The session with this token hash, or undefined when missing or expired. */
  getSessionByTokenHash(tokenHash: string): Promise<Session | undefined>;
  touchSession(sessionId: string, lastActivityAt: number): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;
}
