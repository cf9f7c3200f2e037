// Who is online: a user with at least one authenticated websocket is "online", anyone else
// "offline", as Mattermost's automatic status is without away and do-not-disturb. Statuses
// live in this server's memory only: a second host sharing the database sees its own
// connections.

/** A user's status as v4 sends it (GET /api/v4/users/{user_id}/status and friends). */
export interface UserStatus {
  user_id: string;
  status: "online" | "offline";
  /** Whether the user set it by hand; never, here. */
  manual: boolean;
  /** When the user was last seen on a websocket (Unix milliseconds); 0 if never. */
  last_activity_at: number;
}

export class Presence {
  /** Authenticated websockets per user, while there are any. */
  private readonly connections = new Map<string, number>();
  private readonly lastActivity = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A websocket of `userId` authenticated. */
  connected(userId: string): void {
    this.connections.set(userId, (this.connections.get(userId) ?? 0) + 1);
    this.active(userId);
  }

  /** A websocket of `userId` that had authenticated ended. */
  disconnected(userId: string): void {
    const left = (this.connections.get(userId) ?? 0) - 1;
    if (left > 0) this.connections.set(userId, left);
    else this.connections.delete(userId);
    this.active(userId);
  }

  /** `userId` did something on a websocket. */
  active(userId: string): void {
    this.lastActivity.set(userId, this.now());
  }

  status(userId: string): UserStatus {
    return {
      user_id: userId,
      status: this.connections.has(userId) ? "online" : "offline",
      manual: false,
      last_activity_at: this.lastActivity.get(userId) ?? 0,
    };
  }

  /** The users online now. */
  online(): string[] {
    return [...this.connections.keys()];
  }
}
