import type { Command } from "@plugwire/protocol";

/** Slash commands registered by plugins. */
export interface CommandStore {
  /** Registers or replaces the command (team_id + trigger) for a plugin. AlreadyExistsError when another plugin owns it. */
  registerCommand(pluginId: string, command: Command): Promise<void>;
  unregisterCommand(pluginId: string, teamId: string, trigger: string): Promise<void>;
  /** The command for a trigger in a team, falling back to a command registered for every team (team_id ""). */
  findCommand(teamId: string, trigger: string): Promise<Command | undefined>;
  listCommands(teamId: string): Promise<Command[]>;
  /** Removes every command of a plugin (on deactivation). */
  unregisterPluginCommands(pluginId: string): Promise<void>;
}
