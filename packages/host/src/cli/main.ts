#!/usr/bin/env node
// The `plugwire` command, the bin of @plugwire/host. Exit codes: 0 after a clean stop or for
// --help and --version, 1 when the server could not start, 2 for a command line it can't run.
import { HOST_VERSION } from "../version.js";
import { serve, type Terminal } from "./serve.js";
import { type Command, parseCommand, UsageError } from "./serve-options.js";

const terminal: Terminal = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, process.env, process.cwd());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.err(`plugwire: ${error.message}`);
    terminal.err("Run `plugwire --help` for the options.");
    return 2;
  }
  switch (command.kind) {
    case "help":
      terminal.out(command.text.trimEnd());
      return 0;
    case "version":
      terminal.out(HOST_VERSION);
      return 0;
    case "serve":
      return serve(command.options, terminal);
  }
}

// Exits explicitly: once serve() has closed everything, nothing is left worth waiting for.
process.exit(
  await main(process.argv.slice(2)).catch((error: unknown) => {
    terminal.err(`plugwire: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }),
);
