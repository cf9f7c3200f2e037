// What a plugin's bundle does at start, as `build` makes it: run under a real host, with V8's
// coverage on, it builds the descriptors of api.proto (@plugwire/protocol/plugin-api) only
// once the plugin calls the Plugin API. Building them is a third of a plugin's start, and only
// the module graph keeps them out of it (the SDK imports the PluginAPI late), which a change
// of imports anywhere in the SDK or the protocol could undo without any other spec noticing.
// Likewise Connect's handlers for the plugin's services, which nothing at start needs: a read
// of the router's `handlers` anywhere would make them all.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createHost, type Host, MemoryFileStore } from "@plugwire/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProject } from "./build.js";
import { readProject } from "./project.js";

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/**
 * How a bundle's code starts the descriptor of `file`: base64 of its FileDescriptorProto's first
 * field, the name, cut to whole base64 groups.
 */
function descriptorMarker(file: string): string {
  const head = Buffer.from(`\n${String.fromCharCode(file.length)}${file}`);
  return head.subarray(0, head.length - (head.length % 3)).toString("base64");
}
const apiProtoDescriptor = descriptorMarker("plugwire/v1/api.proto");
/** hooks.proto's, which every plugin builds at start. */
const hooksProtoDescriptor = descriptorMarker("plugwire/v1/hooks.proto");
/**
 * Inside Connect's making of a handler for each method of a service, which the plugin's server
 * leaves until a call needs one (grpc-server.ts): the host's calls at start never do.
 */
const connectHandlersMade = "=> createUniversalMethodHandler(implSpec, protocols)";

interface CoverageRange {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface ScriptCoverage {
  url: string;
  functions: { ranges: CoverageRange[] }[];
}

let root: string;
let host: Host;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "plugwire-build-"));
  await chmod(root, 0o755);
  host = await createHost({
    dataDir: join(root, "data"),
    files: new MemoryFileStore(),
    log: () => {},
    healthCheckIntervalMs: 3_600_000,
  });
});

afterAll(async () => {
  await host?.close();
  await rm(root, { recursive: true, force: true });
});

/**
 * Builds a plugin whose OnActivate runs `onActivate`, runs it under the host until it is
 * active, stops it, and answers how often the code around each descriptor ran.
 */
async function startAndStop(id: string, onActivate: string) {
  const dir = join(root, id);
  await mkdir(join(dir, "src"), { recursive: true });
  await symlink(join(repositoryRoot, "node_modules"), join(dir, "node_modules"), "dir");
  await writeFile(
    join(dir, "src", "main.ts"),
    `import { definePlugin, runPlugin } from "@plugwire/sdk";
runPlugin(definePlugin({ async OnActivate() { ${onActivate} }, MessageHasBeenPosted() {} }));
`,
  );
  const coverage = join(dir, "coverage");
  // The host gives a plugin a minimal environment: the coverage folder comes in a wrapper.
  await writeFile(
    join(dir, "start.sh"),
    `#!/bin/sh\nNODE_V8_COVERAGE=${coverage} exec ${process.execPath} dist/plugin.mjs\n`,
    { mode: 0o755 },
  );
  await writeFile(
    join(dir, "plugin.json"),
    JSON.stringify({
      id,
      name: id,
      version: "0.1.0",
      server: { executable: "start.sh", runtime: "executable" },
    }),
  );
  // The manifest names the wrapper; the bundle goes where a project's would by default.
  const project = { ...(await readProject(dir)), executable: "dist/plugin.mjs" };
  const bundle = await readFile(await buildProject(project));
  await host.loadPlugin(dir);
  await host.enablePlugin(id);
  await host.disablePlugin(id);

  const [file] = (await readdir(coverage)).filter((name) => name.endsWith(".json"));
  const scripts = JSON.parse(await readFile(join(coverage, file ?? ""), "utf8"))
    .result as ScriptCoverage[];
  const script = scripts.find((entry) => entry.url.endsWith("/plugin.mjs"));
  if (script === undefined) throw new Error("no coverage of the bundle");
  const source = bundle.toString("utf8");
  return {
    timesRun: (marker: string) => {
      // Coverage counts UTF-16 offsets; the bundle is ASCII up to the descriptors.
      const offset = source.indexOf(marker);
      expect(offset).toBeGreaterThan(0);
      // The innermost range holding the descriptor: the function that builds it.
      const around = script.functions
        .flatMap((fn) => fn.ranges)
        .filter((range) => range.startOffset <= offset && offset < range.endOffset)
        .sort((a, b) => a.endOffset - a.startOffset - (b.endOffset - b.startOffset));
      return around[0]?.count;
    },
  };
}

describe("a built plugin", () => {
  it("does not build api.proto's descriptors nor Connect's handlers at start when it makes no API call", async () => {
    const run = await startAndStop("com.example.quiet", "");
    expect(run.timesRun(hooksProtoDescriptor)).toBeGreaterThan(0);
    expect(run.timesRun(apiProtoDescriptor)).toBe(0);
    expect(run.timesRun(connectHandlersMade)).toBe(0);
  });

  it("builds them once when it calls the API", async () => {
    const run = await startAndStop(
      "com.example.calling",
      "this.logger.info(await this.api.getServerVersion());",
    );
    expect(run.timesRun(apiProtoDescriptor)).toBe(1);
  });
});
