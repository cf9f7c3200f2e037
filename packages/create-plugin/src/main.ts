#!/usr/bin/env node
import { createInterface } from "node:readline/promises";
// `npm create @plugwire/plugin [folder] [-- --id … --name … --description …]`, or
// `npx @plugwire/create-plugin …`: asks for what is not given (when run in a terminal) and
// writes the project. Exit codes: 0 done, 1 the project could not be written, 2 bad usage.
import { parseArgs } from "node:util";
import { CreatePluginError, createPluginProject, suggestedId } from "./create-plugin.js";

const usage = `Usage: npm create @plugwire/plugin <folder> [-- --id <id>] [--name <name>] [--description <text>] [--yes]

Writes a new Plugwire plugin project into <folder>. What is not given is asked for in a
terminal; with --yes (or without a terminal) the defaults are taken: id com.example.<folder>,
name <folder>.`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`create-plugin: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const ask = !values.yes && process.stdin.isTTY === true;
  const prompt = ask ? createInterface({ input: process.stdin, output: process.stdout }) : null;
  const question = async (text: string, fallback: string) =>
    prompt === null
      ? fallback
      : (await prompt.question(`${text} (${fallback}): `)).trim() || fallback;
  try {
    const folder = positionals[0] ?? (await question("Folder", "my-plugin"));
    const id = values.id ?? (await question("Plugin id", suggestedId(folder)));
    const name = values.name ?? (await question("Name", folder));
    const description =
      values.description ?? (await question("Description", `${name}, a Plugwire plugin.`));
    const written = await createPluginProject(folder, { id, name, description });
    process.stdout.write(`Created ${id} in ${folder} (${written.length} files). Next:\n\n`);
    process.stdout.write(`  cd ${folder}\n  npm install\n  npm test\n  npm run dev\n\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof CreatePluginError)) throw error;
    process.stderr.write(`create-plugin: ${error.message}\n`);
    return 1;
  } finally {
    prompt?.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: "string" },
      name: { type: "string" },
      description: { type: "string" },
      yes: { type: "boolean", short: "y" },
      help: { type: "boolean", short: "h" },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
