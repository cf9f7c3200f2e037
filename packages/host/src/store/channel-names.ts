// Mattermost's names of direct and group channels, the same in every store and in the app.
import { createHash } from "node:crypto";

/** A direct channel's name: both user ids, sorted, joined by "__". */
export function directChannelName(userId1: string, userId2: string): string {
  return [userId1, userId2].sort().join("__");
}

/** A group channel's name: the SHA-1 (hex) of its members' ids, sorted and concatenated. */
export function groupChannelName(userIds: readonly string[]): string {
  return createHash("sha1")
    .update([...new Set(userIds)].sort().join(""))
    .digest("hex");
}
