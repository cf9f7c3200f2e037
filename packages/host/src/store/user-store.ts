import type { User } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Filters of UserStore.getUsers. */
export interface UserQuery extends PageQuery {
  inTeamId?: string;
  inChannelId?: string;
  /** Only current members of this group. */
  inGroupId?: string;
  /** Only users who are not (active) members of this team. */
  notInTeamId?: string;
  /** Only users who are not members of this channel. */
  notInChannelId?: string;
  /** "" by username; "create_at" newest first; "last_activity_at" latest update first. */
  sort?: "" | "create_at" | "last_activity_at";
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
  /** Users whose username, names, nickname or e-mail start with the term (case-insensitive). */
  searchUsers(term: string, query: UserQuery): Promise<User[]>;
  /** Users with these usernames; unknown names are skipped. */
  getUsersByUsernames(usernames: readonly string[]): Promise<User[]>;
  /** Clears delete_at (reactivates); returns the updated user. */
  reactivateUser(userId: string): Promise<User>;
  /** The picture the user (or a plugin) set, PNG or JPEG bytes; undefined when none is set. */
  getProfileImage(userId: string): Promise<Uint8Array | undefined>;
  /** Keeps the picture and sets last_picture_update; returns the updated user. */
  setProfileImage(userId: string, image: Uint8Array): Promise<User>;
  /**
   * Erases a user and everything that is theirs: sessions, tokens, memberships, preferences,
   * status, reactions, picture, bot record, and their posts with the posts' file records.
   * Answers the ids of the files whose records went, for the caller to remove their bytes.
   * NotFoundError when the user does not exist.
   */
  permanentDeleteUser(userId: string): Promise<string[]>;
  getPasswordHash(userId: string): Promise<string | undefined>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
}
