import type { Status } from "@plugwire/protocol";

/** Users' statuses as last saved (presence itself lives in the app layer's memory). */
export interface StatusStore {
  /** Inserts or replaces the user's status. */
  saveStatus(status: Status): Promise<void>;
  /** The saved statuses of those of `userIds` that have one. */
  getStatuses(userIds: readonly string[]): Promise<Status[]>;
}
