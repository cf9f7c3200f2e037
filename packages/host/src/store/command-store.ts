import type { Command } from "@plugwire/protocol";

/**
 * Slash commands: those plugins register (kept while the plugin is active, one per team and
 * trigger) and Mattermost's custom commands (server-owned, by id, run by calling their url).
 */
export interface CommandStore {
  /** Registers or replaces the command (team_id + trigger) for a plugin. AlreadyExistsError when another plugin owns it. */
  registerCommand(pluginId: string, command: Command): Promise<void>;
  unregisterCommand(pluginId: string, teamId: string, trigger: string): Promise<void>;
  /** The command for a trigger in a team, falling back to a command registered for every team (team_id ""). */
  findCommand(teamId: string, trigger: string): Promise<Command | undefined>;
  /** The plugin commands a team sees, by trigger. */
  listCommands(teamId: string): Promise<Command[]>;
  /** Removes every command of a plugin (on deactivation). */
  unregisterPluginCommands(pluginId: string): Promise<void>;

  /**
   * Saves a new custom command, filling id, token and times when empty. AlreadyExistsError
   * when a custom command of the team has the trigger.
   */
  createCustomCommand(command: Command): Promise<Command>;
  /** A custom command not deleted; NotFoundError otherwise. */
  getCustomCommand(commandId: string): Promise<Command>;
  /** The team's custom command with this trigger, if any. */
  findCustomCommand(teamId: string, trigger: string): Promise<Command | undefined>;
  /** Replaces a custom command's fields (its id, create_at and delete_at stay); sets update_at. */
  updateCustomCommand(command: Command): Promise<Command>;
  /** Marks a custom command deleted (delete_at); NotFoundError when there is none. */
  deleteCustomCommand(commandId: string): Promise<void>;
  /** A team's custom commands not deleted, by trigger. */
  listCustomCommands(teamId: string): Promise<Command[]>;
}
