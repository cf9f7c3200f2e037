/** Bot accounts owned by plugins (the accounts themselves are users). */
export interface BotStore {
  /** The user id of the plugin's bot with this username, if any. */
  getBotUserId(pluginId: string, username: string): Promise<string | undefined>;
  setBotOwner(userId: string, pluginId: string): Promise<void>;
}
