// A plugin project as the commands see it: its folder, its manifest (plugin.json) and where
// its server code starts and is bundled to.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The manifest fields the commands use. */
export interface ProjectManifest {
  id: string;
  version?: string;
  server?: { executable?: string };
  webapp?: { bundle_path?: string };
}

export interface PluginProject {
  /** The project's folder (holding plugin.json). */
  dir: string;
  manifest: ProjectManifest;
  /** The server code's entry point: src/main.ts. */
  entry: string;
  /** Where the bundle goes: the manifest's server.executable (dist/plugin.mjs by default). */
  executable: string;
}

/** Why a command can't run; the CLI prints the message. */
export class PluginCliError extends Error {
  override name = "PluginCliError";
}

/** Reads the project in `dir`. */
export async function readProject(dir: string): Promise<PluginProject> {
  const root = resolve(dir);
  let manifest: ProjectManifest;
  try {
    manifest = JSON.parse(await readFile(join(root, "plugin.json"), "utf8")) as ProjectManifest;
  } catch (error) {
    throw new PluginCliError(
      `No readable plugin.json in ${root} (${(error as Error).message}): run the command in the plugin's folder.`,
    );
  }
  if (typeof manifest.id !== "string" || manifest.id === "") {
    throw new PluginCliError(`${join(root, "plugin.json")} has no "id".`);
  }
  const executable = manifest.server?.executable ?? "dist/plugin.mjs";
  return { dir: root, manifest, entry: join(root, "src", "main.ts"), executable };
}
