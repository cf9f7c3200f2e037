// CommandStore on PostgreSQL: the commands table, one row per team and trigger ("" for a
// command of every team), owned by the plugin that registered it.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError } from "@plugwire/errors";
import { type Command, CommandSchema } from "@plugwire/protocol";
import type { CommandStore } from "../command-store.js";
import { rowCodec } from "../row-codec.js";
import { requireField } from "../store-errors.js";
import { type PostgresDatabase, replaceOnConflict } from "./postgres-database.js";

const commands = rowCodec(CommandSchema);

export function postgresCommandStore(db: PostgresDatabase): CommandStore {
  return {
    async registerCommand(pluginId: string, command: Command): Promise<void> {
      requireField(
        command.trigger,
        "trigger",
        "command.trigger is required: the word after the slash.",
      );
      await db.write(async (tx) => {
        const owner = await tx.one(
          `SELECT "plugin_id" FROM commands WHERE "team_id" = ? AND "trigger" = ?`,
          command.teamId,
          command.trigger,
        );
        if (owner !== undefined && owner.plugin_id !== pluginId) {
          const scope = command.teamId ? `in team ${command.teamId}` : "for every team";
          throw new AlreadyExistsError({
            id: "store.command.trigger_exists",
            message: `The command /${command.trigger} ${scope} belongs to plugin "${owner.plugin_id}"; choose another trigger.`,
            params: { field: "trigger", plugin_id: owner.plugin_id as string },
          });
        }
        await tx.run(
          `INSERT INTO commands ${commands.insertClause}
           ${replaceOnConflict(["team_id", "trigger"], commands.columns)}`,
          commands.toRow(create(CommandSchema, { ...command, pluginId })),
        );
      });
    },

    async unregisterCommand(pluginId: string, teamId: string, trigger: string): Promise<void> {
      await db.run(
        `DELETE FROM commands WHERE "plugin_id" = ? AND "team_id" = ? AND "trigger" = ?`,
        pluginId,
        teamId,
        trigger,
      );
    },

    async findCommand(teamId: string, trigger: string): Promise<Command | undefined> {
      // A team's own command comes before one registered for every team.
      const row = await db.one(
        `SELECT ${commands.columnList} FROM commands
         WHERE "trigger" = @trigger AND "team_id" IN (@teamId, '')
         ORDER BY "team_id" = '' LIMIT 1`,
        { teamId, trigger },
      );
      return row === undefined ? undefined : commands.fromRow(row);
    },

    async listCommands(teamId: string): Promise<Command[]> {
      const rows = await db.all(
        `SELECT ${commands.columnList} FROM commands
         WHERE "team_id" = @teamId
            OR ("team_id" = '' AND "trigger" NOT IN
                  (SELECT "trigger" FROM commands WHERE "team_id" = @teamId))
         ORDER BY "trigger"`,
        { teamId },
      );
      return rows.map(commands.fromRow);
    },

    async unregisterPluginCommands(pluginId: string): Promise<void> {
      await db.run(`DELETE FROM commands WHERE "plugin_id" = ?`, pluginId);
    },
  };
}
