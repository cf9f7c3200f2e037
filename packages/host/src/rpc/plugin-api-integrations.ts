// The slash command and interactive dialog part of the PluginAPI: running any command as a
// user, listing and managing commands, opening dialogs. Spread into createPluginApiService.
import type { ServiceImpl } from "@connectrpc/connect";
import type { PluginAPI } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { required, requiredMessage } from "./request-validation.js";

type IntegrationMethods = Pick<
  ServiceImpl<typeof PluginAPI>,
  | "executeSlashCommand"
  | "createCommand"
  | "listCommands"
  | "listCustomCommands"
  | "listPluginCommands"
  | "listBuiltInCommands"
  | "getCommand"
  | "updateCommand"
  | "deleteCommand"
  | "openInteractiveDialog"
>;

export function pluginApiIntegrations(app: App, actor: Actor): IntegrationMethods {
  return {
    executeSlashCommand: async (request) => {
      const args = requiredMessage(request.args, "args");
      required(args.userId, "args.user_id");
      required(args.channelId, "args.channel_id");
      required(args.command, "args.command");
      const channel = await app.getChannel(args.channelId);
      const response = await app.executeCommand(
        { ...actor, userId: args.userId },
        { ...args, teamId: args.teamId || channel.teamId },
      );
      return { response };
    },
    createCommand: async (request) => ({
      command: await app.createCommand(actor, requiredMessage(request.command, "command")),
    }),
    listCommands: async (request) => ({
      commands: await app.listCommands(required(request.teamId, "team_id")),
    }),
    listCustomCommands: async (request) => ({
      commands: await app.listCustomCommands(required(request.teamId, "team_id")),
    }),
    listPluginCommands: async (request) => ({
      commands: await app.listPluginCommands(required(request.teamId, "team_id")),
    }),
    listBuiltInCommands: async () => ({ commands: await app.listBuiltInCommands() }),
    getCommand: async (request) => ({
      command: await app.getCommand(required(request.commandId, "command_id")),
    }),
    updateCommand: async (request) => ({
      command: await app.updateCommand(
        actor,
        required(request.commandId, "command_id"),
        requiredMessage(request.command, "command"),
      ),
    }),
    deleteCommand: async (request) => {
      await app.deleteCommand(actor, required(request.commandId, "command_id"));
      return {};
    },
    openInteractiveDialog: async (request) => {
      await app.openInteractiveDialog(actor, request);
      return {};
    },
  };
}
