// Writes a new plugin project from template/: the files as they are, with the project's id,
// name and description put in where the template says {{id}}, {{name}}, … (and _gitignore
// renamed, since npm leaves .gitignore files out of published packages).
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PLUGWIRE_VERSIONS } from "./versions.js";

/** What the new project is. */
export interface PluginProjectInit {
  /** The plugin's id, e.g. "com.example.todo" (letters, digits, '.', '-', '_'; 3 to 190). */
  id: string;
  /** The name shown to admins; default: the folder's name. */
  name?: string;
  description?: string;
}

/** Mattermost's plugin id rule. */
const PLUGIN_ID = /^[a-zA-Z0-9-_.]{3,190}$/;

const templateDir = join(dirname(fileURLToPath(import.meta.url)), "..", "template");

/** Why a project can't be created; the CLI prints the message. */
export class CreatePluginError extends Error {
  override name = "CreatePluginError";
}

/** The id a folder name suggests: "my-plugin" → "com.example.my-plugin". */
export function suggestedId(folder: string): string {
  const slug = basename(resolve(folder))
    .toLowerCase()
    .replace(/[^a-z0-9-_.]+/g, "-");
  return `com.example.${slug || "plugin"}`;
}

/**
 * Writes the project into `folder` (created; it must be absent or empty) and returns the paths
 * written, relative to it.
 */
export async function createPluginProject(
  folder: string,
  init: PluginProjectInit,
): Promise<string[]> {
  if (!PLUGIN_ID.test(init.id)) {
    throw new CreatePluginError(
      `"${init.id}" is not a plugin id: use 3 to 190 letters, digits, '.', '-' or '_' (e.g. com.example.todo).`,
    );
  }
  const target = resolve(folder);
  if ((await entries(target)).length > 0) {
    throw new CreatePluginError(`${target} is not empty: choose a new folder.`);
  }
  const name = init.name?.trim() || basename(target);
  const values: Record<string, string> = {
    id: init.id,
    name: jsonText(name),
    description: jsonText(init.description?.trim() || `${name}, a Plugwire plugin.`),
    packageName: packageName(basename(target)),
    trigger: trigger(init.id),
    sdkVersion: PLUGWIRE_VERSIONS.sdk,
    testingVersion: PLUGWIRE_VERSIONS.testing,
    pluginCliVersion: PLUGWIRE_VERSIONS.pluginCli,
  };
  const written: string[] = [];
  for (const path of await templateFiles(templateDir)) {
    const text = await readFile(join(templateDir, path), "utf8");
    const out = path === "_gitignore" ? ".gitignore" : path;
    await mkdir(dirname(join(target, out)), { recursive: true });
    await writeFile(join(target, out), fill(text, values));
    written.push(out);
  }
  return written;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** `text` as it may stand inside a JSON string (the templates' manifest and package.json). */
function jsonText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** An npm package name from the folder's name. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, "-")
    .replace(/^[-._]+/, "");
  return name || "plugwire-plugin";
}

/** The slash command: the last part of the id ("com.example.todo" → "todo"). */
function trigger(id: string): string {
  const last = id.split(".").at(-1) ?? id;
  return last.toLowerCase().replace(/[^a-z0-9-_]+/g, "-") || "plugin";
}

async function entries(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

async function templateFiles(root: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(join(root, prefix))).sort()) {
    const path = prefix === "" ? entry : `${prefix}/${entry}`;
    if ((await stat(join(root, path))).isDirectory()) {
      files.push(...(await templateFiles(root, path)));
    } else {
      files.push(path);
    }
  }
  return files;
}
