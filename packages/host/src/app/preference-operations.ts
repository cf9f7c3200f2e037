// Preferences: what the web app remembers per user (display settings, shown direct channels,
// flagged posts…) as category/name/value rows. Saving tells the user's own connections
// (preferences_changed) and fires PreferencesHaveChanged; deleting tells them
// preferences_deleted. Every preference of a call must belong to the user the call names, as
// Mattermost refuses otherwise; who may call for that user is the caller's check.
import { NotFoundError, PermissionDeniedError, ValidationError } from "@plugwire/errors";
import type { Preference } from "@plugwire/protocol";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";

/** Mattermost's limits of a preference. */
export const PREFERENCE_CATEGORY_MAX_LENGTH = 32;
export const PREFERENCE_NAME_MAX_LENGTH = 32;
export const PREFERENCE_VALUE_MAX_LENGTH = 2000;
/** Most preferences one call may save or delete, as Mattermost's API. */
export const MAX_PREFERENCES_PER_CALL = 100;

export interface PreferenceOperations {
  /** All of the user's preferences; [] when none. */
  getPreferencesForUser(userId: string): Promise<Preference[]>;
  /** The user's preferences of one category; NotFoundError when there are none, as Mattermost. */
  getPreferencesByCategory(userId: string, category: string): Promise<Preference[]>;
  /** One preference; NotFoundError when it is not set. */
  getPreferenceForUser(userId: string, category: string, name: string): Promise<Preference>;
  /** Saves them, then preferences_changed and PreferencesHaveChanged. */
  updatePreferences(actor: Actor, userId: string, preferences: Preference[]): Promise<void>;
  /** Deletes them, then preferences_deleted. */
  deletePreferences(actor: Actor, userId: string, preferences: Preference[]): Promise<void>;
}

export class Preferences implements PreferenceOperations {
  constructor(private readonly core: AppCore) {}

  getPreferencesForUser(userId: string): Promise<Preference[]> {
    return this.core.store.getPreferences(userId);
  }

  async getPreferencesByCategory(userId: string, category: string): Promise<Preference[]> {
    const found = await this.core.store.getPreferences(userId, category);
    if (found.length === 0) {
      throw new NotFoundError({
        id: "api.preference.preferences_category.get.app_error",
        message: `User ${userId} has no preferences in category "${category}".`,
        params: { user_id: userId, category },
      });
    }
    return found;
  }

  getPreferenceForUser(userId: string, category: string, name: string): Promise<Preference> {
    return this.core.store.getPreference(userId, category, name);
  }

  async updatePreferences(actor: Actor, userId: string, preferences: Preference[]): Promise<void> {
    checkPreferences(userId, preferences, "update");
    if (preferences.length === 0) return;
    await this.core.store.savePreferences(preferences);
    this.core.notify("PreferencesHaveChanged", { context: contextOf(actor), preferences });
    this.core.emit("preferencesChanged", userId, preferences, actor);
  }

  async deletePreferences(actor: Actor, userId: string, preferences: Preference[]): Promise<void> {
    checkPreferences(userId, preferences, "delete");
    if (preferences.length === 0) return;
    await this.core.store.deletePreferences(preferences);
    this.core.emit("preferencesDeleted", userId, preferences, actor);
  }
}

/** Mattermost's Preference.IsValid for each, and each must be `userId`'s. */
function checkPreferences(
  userId: string,
  preferences: readonly Preference[],
  action: "update" | "delete",
): void {
  if (preferences.length > MAX_PREFERENCES_PER_CALL) {
    throw new ValidationError({
      id: "api.context.invalid_body_param.app_error",
      message: `${preferences.length} preferences in one call; the most is ${MAX_PREFERENCES_PER_CALL}.`,
      params: { field: "preferences" },
    });
  }
  preferences.forEach((preference, index) => {
    const field = (name: string) => `preferences[${index}].${name}`;
    const invalid = (name: string, message: string) =>
      new ValidationError({
        id: "model.preference.is_valid.app_error",
        message: `${field(name)}: ${message}`,
        params: { field: field(name) },
      });
    if (preference.userId !== userId) {
      throw new PermissionDeniedError({
        id: `api.preference.${action}_preferences.${action === "update" ? "set" : "delete"}.app_error`,
        message: `${field("user_id")} is "${preference.userId}"; a call may only change the preferences of user ${userId}.`,
        params: { field: field("user_id") },
      });
    }
    if (!preference.category || preference.category.length > PREFERENCE_CATEGORY_MAX_LENGTH) {
      throw invalid("category", `it must have 1 to ${PREFERENCE_CATEGORY_MAX_LENGTH} characters.`);
    }
    if (preference.name.length > PREFERENCE_NAME_MAX_LENGTH) {
      throw invalid("name", `it may have at most ${PREFERENCE_NAME_MAX_LENGTH} characters.`);
    }
    if ([...preference.value].length > PREFERENCE_VALUE_MAX_LENGTH) {
      throw invalid("value", `it may have at most ${PREFERENCE_VALUE_MAX_LENGTH} characters.`);
    }
    if (action === "update" && preference.category === "theme" && !isJsonObject(preference.value)) {
      throw invalid("value", "a theme is a JSON object.");
    }
  });
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
