// `build`: bundles the server code (src/main.ts and every dependency) into the one file the
// manifest names, with esbuild. Standard decorators are lowered for Node 20.
import { join } from "node:path";
import * as esbuild from "esbuild";
import type { PluginProject } from "./project.js";

/** esbuild's options for `project`'s server bundle. */
export function bundleOptions(project: PluginProject): esbuild.BuildOptions {
  return {
    entryPoints: [project.entry],
    outfile: join(project.dir, project.executable),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: "linked",
    logLevel: "silent",
    // Bundled CommonJS dependencies may call require(); ESM output has none of its own.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

/** Bundles the server code; returns the bundle's path. Errors name the file and line. */
export async function buildProject(project: PluginProject): Promise<string> {
  await esbuild.build(bundleOptions(project));
  return join(project.dir, project.executable);
}
