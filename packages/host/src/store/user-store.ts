import type { User } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Filters of UserStore.getUsers. */
export interface UserQuery extends PageQuery {
  inTeamId?: string;
  inChannelId?: string;
  /** true: only active users; false: only deactivated users; undefined: both. */
  active?: boolean;
}

/** Users. Passwords are stored only as hashes and never leave through User. */
export interface UserStore {
  createUser(user: User, passwordHash?: string): Promise<User>;
  getUser(userId: string): Promise<User>;
  getUserByUsername(username: string): Promise<User>;
  getUserByEmail(email: string): Promise<User>;
  getUsers(query: UserQuery): Promise<User[]>;
  /** Users that exist among the ids, in the order asked for; unknown ids are skipped. */
  getUsersByIds(userIds: readonly string[]): Promise<User[]>;
  /** Replaces the profile fields of the user with user.id; id, create_at, roles' owner rules kept. */
  updateUser(user: User): Promise<User>;
  /** Sets delete_at (deactivates); returns the updated user. */
  deactivateUser(userId: string): Promise<User>;
  getPasswordHash(userId: string): Promise<string | undefined>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
}
