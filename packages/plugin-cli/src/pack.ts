// `pack`: builds, then writes the bundle a server accepts: dist/<id>-<version>.tar.gz holding
// one folder named for the id with plugin.json, the server bundle (and its source map), the
// web app bundle when the manifest has one, and assets/ and public/ when present.
import { access, cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tar from "tar";
import { buildProject } from "./build.js";
import { PluginCliError, type PluginProject } from "./project.js";

/** Builds and packs `project`; returns the archive's path. */
export async function packProject(project: PluginProject): Promise<string> {
  await buildProject(project);
  const { id, version = "0.0.0" } = project.manifest;
  const staging = await mkdtemp(join(tmpdir(), "plugwire-pack-"));
  try {
    const root = join(staging, id);
    const files = ["plugin.json", project.executable, `${project.executable}.map`];
    const webapp = project.manifest.webapp?.bundle_path;
    if (webapp !== undefined) {
      if (!(await exists(join(project.dir, webapp)))) {
        throw new PluginCliError(
          `plugin.json names the web app bundle ${webapp}, which does not exist: build the web app first.`,
        );
      }
      files.push(webapp);
    }
    for (const folder of ["assets", "public"]) {
      if (await exists(join(project.dir, folder))) files.push(folder);
    }
    for (const file of files) {
      if (!(await exists(join(project.dir, file)))) continue;
      await mkdir(dirname(join(root, file)), { recursive: true });
      await cp(join(project.dir, file), join(root, file), { recursive: true });
    }
    const archive = join(project.dir, "dist", `${id}-${version}.tar.gz`);
    await mkdir(dirname(archive), { recursive: true });
    await tar.create({ gzip: true, file: archive, cwd: staging, portable: true }, [id]);
    return archive;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
