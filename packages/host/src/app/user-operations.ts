// Accounts: creating, changing and deactivating users (with the hooks Mattermost fires), and
// reading them.
import type { User } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { hashPassword } from "./password.js";

/** Reads answer as the store does; writes fire the hooks. */
export interface UserOperations
  extends Pick<
    Store,
    "getUser" | "getUserByUsername" | "getUserByEmail" | "getUsers" | "getUsersByIds"
  > {
  /** Creates the user (password hashed), then UserHasBeenCreated. */
  createUser(actor: Actor, user: User, password?: string): Promise<User>;
  /** Replaces the user's profile fields. */
  updateUser(actor: Actor, user: User): Promise<User>;
  /** Deactivates the user, ends their sessions, then UserHasBeenDeactivated and user_updated. */
  deactivateUser(actor: Actor, userId: string): Promise<User>;
}

export class Users implements Pick<UserOperations, "createUser" | "updateUser" | "deactivateUser"> {
  constructor(private readonly core: AppCore) {}

  async createUser(actor: Actor, user: User, password?: string): Promise<User> {
    const passwordHash = password ? await hashPassword(password) : undefined;
    const created = await this.core.store.createUser(user, passwordHash);
    this.core.notify("UserHasBeenCreated", { context: contextOf(actor), user: created });
    return created;
  }

  async updateUser(actor: Actor, user: User): Promise<User> {
    const updated = await this.core.store.updateUser(user);
    this.core.emit("userUpdated", updated, actor);
    return updated;
  }

  async deactivateUser(actor: Actor, userId: string): Promise<User> {
    const user = await this.core.store.deactivateUser(userId);
    // A deactivated account must not stay logged in anywhere.
    await this.core.store.deleteUserSessions(userId);
    this.core.notify("UserHasBeenDeactivated", { context: contextOf(actor), user });
    this.core.emit("userDeactivated", user, actor);
    this.core.emit("userUpdated", user, actor);
    return user;
  }
}
