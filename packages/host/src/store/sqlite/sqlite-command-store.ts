// CommandStore on SQLite: the commands table, one row per team and trigger ("" for a command
// of every team), owned by the plugin that registered it; and custom_commands, by id.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError } from "@plugwire/errors";
import { type Command, CommandSchema } from "@plugwire/protocol";
import type { CommandStore } from "../command-store.js";
import { customCommandNotFound, customTriggerTaken, newCustomCommand } from "../custom-commands.js";
import { rowCodec } from "../row-codec.js";
import { requireField } from "../store-errors.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const commands = rowCodec(CommandSchema);

export function sqliteCommandStore(db: SqliteDatabase): CommandStore {
  return {
    async registerCommand(pluginId: string, command: Command): Promise<void> {
      requireField(
        command.trigger,
        "trigger",
        "command.trigger is required: the word after the slash.",
      );
      db.write(() => {
        const owner = db.one(
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
        db.run(
          `INSERT OR REPLACE INTO commands ${commands.insertClause}`,
          commands.toRow(create(CommandSchema, { ...command, pluginId })),
        );
      });
    },

    async unregisterCommand(pluginId: string, teamId: string, trigger: string): Promise<void> {
      db.run(
        `DELETE FROM commands WHERE "plugin_id" = ? AND "team_id" = ? AND "trigger" = ?`,
        pluginId,
        teamId,
        trigger,
      );
    },

    async findCommand(teamId: string, trigger: string): Promise<Command | undefined> {
      // A team's own command comes before one registered for every team.
      const row = db.one(
        `SELECT ${commands.columnList} FROM commands
         WHERE "trigger" = @trigger AND "team_id" IN (@teamId, '')
         ORDER BY "team_id" = '' LIMIT 1`,
        { teamId, trigger },
      );
      return row === undefined ? undefined : commands.fromRow(row);
    },

    async listCommands(teamId: string): Promise<Command[]> {
      return db
        .all(
          `SELECT ${commands.columnList} FROM commands
           WHERE "team_id" = @teamId
              OR ("team_id" = '' AND "trigger" NOT IN
                    (SELECT "trigger" FROM commands WHERE "team_id" = @teamId))
           ORDER BY "trigger"`,
          { teamId },
        )
        .map(commands.fromRow);
    },

    async unregisterPluginCommands(pluginId: string): Promise<void> {
      db.run(`DELETE FROM commands WHERE "plugin_id" = ?`, pluginId);
    },

    async createCustomCommand(command: Command): Promise<Command> {
      const saved = newCustomCommand(command, db.now());
      db.write(() => {
        if (findCustom(saved.teamId, saved.trigger) !== undefined) {
          throw customTriggerTaken(saved.trigger);
        }
        db.run(`INSERT INTO custom_commands ${commands.insertClause}`, commands.toRow(saved));
      });
      return saved;
    },

    async getCustomCommand(commandId: string): Promise<Command> {
      const row = db.one(
        `SELECT ${commands.columnList} FROM custom_commands WHERE "id" = ? AND "delete_at" = 0`,
        commandId,
      );
      if (row === undefined) throw customCommandNotFound(commandId);
      return commands.fromRow(row);
    },

    async findCustomCommand(teamId: string, trigger: string): Promise<Command | undefined> {
      return findCustom(teamId, trigger);
    },

    async updateCustomCommand(command: Command): Promise<Command> {
      return db.write(() => {
        const current = db.one(
          `SELECT ${commands.columnList} FROM custom_commands WHERE "id" = ? AND "delete_at" = 0`,
          command.id,
        );
        if (current === undefined) throw customCommandNotFound(command.id);
        const before = commands.fromRow(current);
        const holder = findCustom(command.teamId, command.trigger);
        if (holder !== undefined && holder.id !== command.id) {
          throw customTriggerTaken(command.trigger);
        }
        const saved = create(CommandSchema, {
          ...command,
          createAt: before.createAt,
          deleteAt: 0n,
          updateAt: db.now(),
        });
        db.run(
          `UPDATE custom_commands SET ${commands.assignments} WHERE "id" = @id`,
          commands.toRow(saved),
        );
        return saved;
      });
    },

    async deleteCustomCommand(commandId: string): Promise<void> {
      const now = db.now();
      const changes = db.run(
        `UPDATE custom_commands SET "delete_at" = ?, "update_at" = ? WHERE "id" = ? AND "delete_at" = 0`,
        now,
        now,
        commandId,
      ).changes;
      if (changes === 0) throw customCommandNotFound(commandId);
    },

    async listCustomCommands(teamId: string): Promise<Command[]> {
      return db
        .all(
          `SELECT ${commands.columnList} FROM custom_commands
           WHERE "team_id" = ? AND "delete_at" = 0 ORDER BY "trigger"`,
          teamId,
        )
        .map(commands.fromRow);
    },
  };

  function findCustom(teamId: string, trigger: string): Command | undefined {
    const row = db.one(
      `SELECT ${commands.columnList} FROM custom_commands
       WHERE "team_id" = ? AND "trigger" = ? AND "delete_at" = 0`,
      teamId,
      trigger,
    );
    return row === undefined ? undefined : commands.fromRow(row);
  }
}
