// Guest accounts, as every store treats their memberships.
import type { User } from "@plugwire/protocol";

/** Whether the user is a guest account (system_guest): their memberships are guest ones. */
export function isGuestUser(user: User): boolean {
  return user.roles.split(/\s+/).includes("system_guest");
}
