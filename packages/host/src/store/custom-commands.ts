// What every store does alike for custom commands: the fields a new one gets, and the errors
// (Mattermost's ids) for a missing command and a trigger the team already has.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import { type Command, CommandSchema } from "@plugwire/protocol";
import { newId } from "./ids.js";

/** A copy of `command` with an id, a token and its times filled in, not deleted. */
export function newCustomCommand(command: Command, now: bigint): Command {
  return create(CommandSchema, {
    ...command,
    id: command.id || newId(),
    token: command.token || newId(),
    createAt: now,
    updateAt: now,
    deleteAt: 0n,
  });
}

export function customCommandNotFound(commandId: string): NotFoundError {
  return new NotFoundError({
    id: "store.sql_command.get.missing.app_error",
    message: `No command has id "${commandId}" (or it was deleted).`,
    params: { command_id: commandId },
  });
}

export function customTriggerTaken(trigger: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: "api.command.duplicate_trigger.app_error",
    message: `The team has a command /${trigger} already; choose another trigger.`,
    params: { field: "trigger", trigger },
  });
}
