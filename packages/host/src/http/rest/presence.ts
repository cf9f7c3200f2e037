// What the websockets tell the app about presence: a user's connections opening and closing
// and their activity on them. The app keeps the statuses (app/status-operations.ts); this
// forwards what the hub sees, answers the websocket's status actions from the app, and
// periodically asks the app to make idle users away and end timed do-not-disturbs.
import type { JsonObject } from "@bufbuild/protobuf";
import type { App } from "../../app/app.js";

/** How often idle users are checked for away, and timed do-not-disturbs for their end. */
export const STATUS_CHECK_INTERVAL_MS = 30_000;

export class Presence {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly app: App) {}

  /** Starts the periodic status check; stop() ends it. */
  start(intervalMs = STATUS_CHECK_INTERVAL_MS): void {
    this.timer ??= setInterval(() => this.forward(this.app.checkStatuses()), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A websocket of `userId` authenticated. */
  connected(userId: string): void {
    this.forward(this.app.userConnected(userId));
  }

  /** A websocket of `userId` that had authenticated ended. */
  disconnected(userId: string): void {
    this.forward(this.app.userDisconnected(userId));
  }

  /** `userId` did something on a websocket. */
  active(userId: string): void {
    this.forward(this.app.userActive(userId));
  }

  /** The client's user_update_active_status: whether its user is active, and if by hand. */
  activeStatus(userId: string, active: boolean, manual: boolean): Promise<void> {
    return this.app.userActiveStatus(userId, active, manual);
  }

  /** The users with a websocket open here. */
  online(): string[] {
    return this.app.connectedUserIds();
  }

  /** v4's answer to get_statuses and get_statuses_by_ids: each user id to its status. */
  async statuses(userIds: readonly string[]): Promise<JsonObject> {
    const data: JsonObject = {};
    for (const status of await this.app.getUserStatusesByIds(userIds)) {
      data[status.userId] = status.status;
    }
    return data;
  }

  private forward(work: Promise<void>): void {
    work.catch((error: unknown) =>
      this.app.logger.warn(`a status change failed: ${(error as Error).message}`),
    );
  }
}
