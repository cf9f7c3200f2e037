#!/usr/bin/env node
// `plugwire-plugin <build|pack|deploy|dev>`, run in a plugin project's folder (its npm scripts).
// Exit codes: 0 done, 1 the command failed, 2 bad usage.
import { parseArgs } from "node:util";
import type { InspectorAddress } from "@plugwire/host";
import { buildProject } from "./build.js";
import { deployProject } from "./deploy.js";
import { startDev } from "./dev.js";
import { packProject } from "./pack.js";
import { PluginCliError, readProject } from "./project.js";

const usage = `Usage: plugwire-plugin <command> [options]

  build                     bundle src/main.ts into the manifest's server.executable
  pack                      build, then write dist/<id>-<version>.tar.gz
  deploy [--url U] [--token T]
                            pack, upload with replace and enable; U and T default to
                            PLUGWIRE_URL and PLUGWIRE_TOKEN (a system admin's token)
  dev [--port P] [--inspect[=[HOST:]PORT]]
                            run the plugin under a local server (port 8065), rebuilding and
                            restarting it on every change in src/; --inspect starts the
                            plugin with Node's inspector (127.0.0.1:9229 by default)

Options: --dir <folder> (the project; the current folder by default), --help.`;

/** Node's own default inspector port. */
const DEFAULT_INSPECTOR_PORT = 9229;

const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`plugwire-plugin: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command] = positionals;
  if (values.help || command === undefined) {
    (command === undefined && !values.help ? process.stderr : process.stdout).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  try {
    const project = await readProject(values.dir ?? process.cwd());
    switch (command) {
      case "build":
        print(`built ${await buildProject(project)}`);
        return 0;
      case "pack":
        print(`packed ${await packProject(project)}`);
        return 0;
      case "deploy": {
        const url = values.url ?? process.env.PLUGWIRE_URL;
        const token = values.token ?? process.env.PLUGWIRE_TOKEN;
        if (!url || !token) {
          throw new PluginCliError(
            "deploy needs the server's URL and a system admin's token: --url and --token, or PLUGWIRE_URL and PLUGWIRE_TOKEN.",
          );
        }
        await deployProject(project, { url, token }, print);
        return 0;
      }
      case "dev": {
        const port = values.port === undefined ? undefined : Number(values.port);
        if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
          throw new PluginCliError(`--port ${values.port} is not a port number.`);
        }
        const inspector =
          values.inspect === undefined ? undefined : inspectorAddress(values.inspect);
        const session = await startDev(project, {
          ...(port !== undefined && { port }),
          ...(inspector !== undefined && { inspector }),
          print,
        });
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await session.close();
        return 0;
      }
      default:
        process.stderr.write(`plugwire-plugin: unknown command ${command}\n\n${usage}\n`);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`plugwire-plugin: ${(error as Error).message}\n`);
    return 1;
  }
}

/** `--inspect`'s value, `[host:]port` as node takes it; "" (the flag alone) is 127.0.0.1:9229. */
function inspectorAddress(value: string): InspectorAddress {
  if (value === "") return { port: DEFAULT_INSPECTOR_PORT };
  const match = /^(?:(.+):)?(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new PluginCliError(`--inspect=${value} is not a port or host:port.`);
  }
  return { ...(match[1] !== undefined && { host: match[1] }), port };
}

function parse(argv: string[]) {
  return parseArgs({
    // parseArgs has no options with an optional value: `--inspect` alone is `--inspect=`.
    args: argv.map((arg) => (arg === "--inspect" ? "--inspect=" : arg)),
    allowPositionals: true,
    options: {
      dir: { type: "string" },
      url: { type: "string" },
      token: { type: "string" },
      port: { type: "string" },
      inspect: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

process.exit(await main(process.argv.slice(2)));
