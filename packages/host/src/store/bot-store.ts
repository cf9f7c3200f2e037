import type { Bot } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Filters of BotStore.getBots. */
export interface BotQuery extends PageQuery {
  /** Only the bots of this owner (a plugin id or a user id). */
  ownerId?: string;
  /** Disabled bots (their user deactivated) too. */
  includeDeleted?: boolean;
  /** Only bots whose owner is a deactivated user. */
  onlyOrphaned?: boolean;
}

/**
 * Bot accounts. A bot is a user (is_bot) plus the owner kept here: a plugin id or a user id.
 * Its name, description, times and picture are its user's, so a Bot is read from both.
 */
export interface BotStore {
  /** The user id of the owner's bot with this username, if any. */
  getBotUserId(ownerId: string, username: string): Promise<string | undefined>;
  /** Records who owns a bot user. NotFoundError when the user does not exist. */
  setBotOwner(userId: string, ownerId: string): Promise<void>;
  /** A bot; NotFoundError (Mattermost's id) when there is none, or it is disabled and not asked for. */
  getBot(userId: string, includeDeleted: boolean): Promise<Bot>;
  /** A page of bots by username. */
  getBots(query: BotQuery): Promise<Bot[]>;
}
