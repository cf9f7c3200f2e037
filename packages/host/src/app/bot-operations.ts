// Bots: user accounts (is_bot) that a plugin or a person owns, as Mattermost's app/bot.go
// keeps them. A bot's name, description and active state are its user's, so creating,
// patching, disabling and erasing a bot go through the user operations (hooks and
// user_updated events included); the owner is the bot's own record.
//
// Who may manage a bot is Mattermost's SessionHasPermissionToManageBot: one's own bots with
// manage_bots, others' with manage_others_bots; without even the matching read permission the
// bot is "not found", so that a refusal does not tell that the account is a bot.
import { create } from "@bufbuild/protobuf";
import { PermissionDeniedError, ValidationError } from "@plugwire/errors";
import { type Bot, type BotPatch, type User, UserSchema } from "@plugwire/protocol";
import type { BotQuery } from "../store/store.js";
import { botNotFound } from "../store/store-errors.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import type { Permissions } from "./permissions.js";
import type { Users } from "./user-operations.js";

/** Mattermost's limits of a bot (model/bot.go). */
export const BOT_DISPLAY_NAME_MAX_RUNES = 64;
export const BOT_DESCRIPTION_MAX_RUNES = 1024;
export const BOT_OWNER_ID_MAX_RUNES = 190;
const USERNAME = /^[a-z][a-z0-9.\-_]{0,63}$/;
const RESERVED_USERNAMES = new Set(["all", "channel", "here", "matterbot", "system"]);

export interface BotOperations {
  /** A bot; NotFoundError (Mattermost's id) for a user that is no bot, or disabled unless asked. */
  getBot(botUserId: string, includeDeleted: boolean): Promise<Bot>;
  /** A page of bots by username. */
  getBots(query: BotQuery): Promise<Bot[]>;
  /** Creates the bot's user, then the bot; owner_id is required. UserHasBeenCreated fires. */
  createBot(actor: Actor, bot: Bot): Promise<Bot>;
  /** Changes the fields the patch sets; an unchanged bot is answered as it is. */
  patchBot(actor: Actor, botUserId: string, patch: BotPatch): Promise<Bot>;
  /** Disables (deactivating its user and ending its sessions) or enables a bot. */
  updateBotActive(actor: Actor, botUserId: string, active: boolean): Promise<Bot>;
  /** Erases a bot and its user, with its posts, memberships, sessions and tokens. */
  permanentDeleteBot(actor: Actor, botUserId: string): Promise<void>;
  /** Gives a bot to another owner (a user id or a plugin id). */
  assignBot(actor: Actor, botUserId: string, ownerId: string): Promise<Bot>;
  /**
   * The bot, when `user` may read it (read_bots for their own, read_others_bots for any);
   * NotFoundError otherwise, as for a user that is no bot.
   */
  requireBotReader(user: User, botUserId: string, includeDeleted: boolean): Promise<Bot>;
  /**
   * The bot, when `user` may manage it; NotFoundError when they may not even read it,
   * PermissionDeniedError naming manage_bots or manage_others_bots otherwise.
   */
  requireBotManager(user: User, botUserId: string): Promise<Bot>;
}

export class Bots implements BotOperations {
  constructor(
    private readonly core: AppCore,
    private readonly users: Users,
    private readonly permissions: Permissions,
  ) {}

  getBot(botUserId: string, includeDeleted: boolean): Promise<Bot> {
    return this.core.store.getBot(botUserId, includeDeleted);
  }

  getBots(query: BotQuery): Promise<Bot[]> {
    return this.core.store.getBots(query);
  }

  async createBot(actor: Actor, bot: Bot): Promise<Bot> {
    const username = bot.username.trim().toLowerCase();
    checkBot({ ...bot, username });
    const user = await this.users.createUser(
      actor,
      create(UserSchema, {
        username,
        firstName: bot.displayName,
        botDescription: bot.description,
        isBot: true,
        roles: "system_user",
      }),
    );
    try {
      await this.core.store.setBotOwner(user.id, bot.ownerId);
    } catch (error) {
      // As Mattermost: a bot record that could not be written takes its new user with it.
      await this.core.store.permanentDeleteUser(user.id);
      throw error;
    }
    return this.core.store.getBot(user.id, true);
  }

  async patchBot(actor: Actor, botUserId: string, patch: BotPatch): Promise<Bot> {
    const bot = await this.core.store.getBot(botUserId, true);
    const next = {
      ...bot,
      username: patch.username?.trim().toLowerCase() ?? bot.username,
      displayName: patch.displayName ?? bot.displayName,
      description: patch.description ?? bot.description,
    };
    if (
      next.username === bot.username &&
      next.displayName === bot.displayName &&
      next.description === bot.description
    ) {
      return bot;
    }
    checkBot(next);
    const user = await this.core.store.getUser(botUserId);
    await this.users.updateUser(
      actor,
      create(UserSchema, {
        ...user,
        username: next.username,
        firstName: next.displayName,
        botDescription: next.description,
      }),
    );
    return this.core.store.getBot(botUserId, true);
  }

  async updateBotActive(actor: Actor, botUserId: string, active: boolean): Promise<Bot> {
    const bot = await this.core.store.getBot(botUserId, true);
    if (active && bot.deleteAt !== 0n) {
      const user = await this.core.store.reactivateUser(botUserId);
      this.core.emit("userUpdated", user, actor);
    } else if (!active && bot.deleteAt === 0n) {
      await this.users.deactivateUser(actor, botUserId);
    }
    return this.core.store.getBot(botUserId, true);
  }

  async permanentDeleteBot(actor: Actor, botUserId: string): Promise<void> {
    const user = await this.core.store.getUser(botUserId);
    if (!user.isBot) {
      throw new ValidationError({
        id: "app.bot.permenent_delete.bad_id",
        message: `User ${botUserId} is not a bot; only bots are erased this way.`,
        params: { field: "bot_user_id", user_id: botUserId },
      });
    }
    const fileIds = await this.core.store.permanentDeleteUser(botUserId);
    for (const fileId of fileIds) {
      await this.core.files.remove(fileId).catch((error: unknown) => {
        this.core.log.warn(`the file ${fileId} of an erased bot was not removed: ${error}`, {
          fileId,
        });
      });
    }
    this.core.emit("userDeactivated", user, actor);
  }

  async assignBot(_actor: Actor, botUserId: string, ownerId: string): Promise<Bot> {
    await this.core.store.getBot(botUserId, true);
    await this.core.store.setBotOwner(botUserId, ownerId);
    return this.core.store.getBot(botUserId, true);
  }

  async requireBotReader(user: User, botUserId: string, includeDeleted: boolean): Promise<Bot> {
    const bot = await this.core.store.getBot(botUserId, includeDeleted);
    if (this.permissions.hasPermissionTo(user, "read_others_bots")) return bot;
    if (bot.ownerId === user.id && this.permissions.hasPermissionTo(user, "read_bots")) return bot;
    throw botNotFound(botUserId);
  }

  async requireBotManager(user: User, botUserId: string): Promise<Bot> {
    const bot = await this.core.store.getBot(botUserId, true);
    const own = bot.ownerId === user.id;
    const manage = own ? "manage_bots" : "manage_others_bots";
    if (this.permissions.hasPermissionTo(user, manage)) return bot;
    if (!this.permissions.hasPermissionTo(user, own ? "read_bots" : "read_others_bots")) {
      throw botNotFound(botUserId);
    }
    throw new PermissionDeniedError({
      id: "api.context.permissions.app_error",
      message: `You do not have the appropriate permissions: ${manage} is needed for bot ${botUserId}.`,
      params: { permission: manage },
    });
  }
}

/** Mattermost's Bot.IsValidCreate, with its error ids. */
function checkBot(bot: Pick<Bot, "username" | "displayName" | "description" | "ownerId">): void {
  const invalid = (id: string, field: string, message: string) =>
    new ValidationError({ id, message, params: { field } });
  if (!USERNAME.test(bot.username) || RESERVED_USERNAMES.has(bot.username)) {
    throw invalid(
      "model.bot.is_valid.username.app_error",
      "username",
      `"${bot.username}" is not a valid username: 1 to 64 of a-z, 0-9, ".", "-" and "_", starting with a letter, and not a reserved name.`,
    );
  }
  if ([...bot.displayName].length > BOT_DISPLAY_NAME_MAX_RUNES) {
    throw invalid(
      "model.bot.is_valid.user_id.app_error",
      "display_name",
      `display_name is longer than ${BOT_DISPLAY_NAME_MAX_RUNES} characters.`,
    );
  }
  if ([...bot.description].length > BOT_DESCRIPTION_MAX_RUNES) {
    throw invalid(
      "model.bot.is_valid.description.app_error",
      "description",
      `description is longer than ${BOT_DESCRIPTION_MAX_RUNES} characters.`,
    );
  }
  if (bot.ownerId === "" || [...bot.ownerId].length > BOT_OWNER_ID_MAX_RUNES) {
    throw invalid(
      "model.bot.is_valid.creator_id.app_error",
      "owner_id",
      `owner_id is required and at most ${BOT_OWNER_ID_MAX_RUNES} characters.`,
    );
  }
}
