import type { Preference } from "@plugwire/protocol";

/** Users' preferences, keyed by user, category and name. */
export interface PreferenceStore {
  /** Inserts or replaces each preference, all in one transaction. */
  savePreferences(preferences: readonly Preference[]): Promise<void>;
  /** A user's preferences, ordered by category and name; `category` narrows them. */
  getPreferences(userId: string, category?: string): Promise<Preference[]>;
  /** One preference; NotFoundError when it is not set. */
  getPreference(userId: string, category: string, name: string): Promise<Preference>;
  /** Deletes each preference named (by user, category and name); absent ones are skipped. */
  deletePreferences(preferences: readonly Preference[]): Promise<void>;
}
