// Failed password attempts per user, for Mattermost's MaximumLoginAttempts lockout (its
// Users.FailedAttempts): counted on a wrong password, back to 0 on a successful login or a new
// password.

export interface LoginAttemptStore {
  /** The user's failed password attempts since the last reset; 0 when none were counted. */
  getFailedLoginAttempts(userId: string): Promise<number>;
  /** Counts one more failed attempt, atomically; returns the new count. */
  recordFailedLogin(userId: string): Promise<number>;
  /** Sets the count back to 0. */
  resetFailedLogins(userId: string): Promise<void>;
}
