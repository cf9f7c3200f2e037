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
  /**
   * Sets the password; the user signs in with it again, so the auth service and data are
   * cleared (as Mattermost's UpdatePassword).
   */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /**
   * Moves the user to a sign-in service, as Mattermost's UpdateAuthData: sets auth_service and
   * auth_data (undefined: none), removes the password and the failed login attempts.
   * AlreadyExistsError when another user has this auth_data; NotFoundError for no such user.
   */
  updateAuthData(userId: string, authService: string, authData: string | undefined): Promise<User>;
  /** The user's id at their sign-in service; undefined when none. */
  getAuthData(userId: string): Promise<string | undefined>;
}
