// What create-plugin writes and refuses; the project it writes is built, tested, packed,
// deployed and run under dev by @plugwire/plugin-cli's plugin-project.e2e.spec.ts.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CreatePluginError, createPluginProject, suggestedId } from "./create-plugin.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "create-plugin-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("createPluginProject", () => {
  it("writes the template with the id, name and description put in", async () => {
    const folder = join(root, "Team Todo");
    const written = await createPluginProject(folder, {
      id: "com.example.todo",
      name: 'Todo "lists"',
      description: "Keeps todos.",
    });
    expect(written).toEqual(
      expect.arrayContaining([
        ".gitignore",
        "README.md",
        "package.json",
        "plugin.json",
        "src/main.ts",
        "src/plugin.ts",
        "test/plugin.spec.ts",
        "tsconfig.json",
        "vitest.config.ts",
      ]),
    );
    const manifest = JSON.parse(await readFile(join(folder, "plugin.json"), "utf8"));
    expect(manifest).toMatchObject({
      id: "com.example.todo",
      name: 'Todo "lists"',
      description: "Keeps todos.",
    });
    const pkg = JSON.parse(await readFile(join(folder, "package.json"), "utf8"));
    expect(pkg.name).toBe("team-todo");
    expect(pkg.dependencies["@plugwire/sdk"]).toMatch(/^\^\d/);
    expect(await readFile(join(folder, "src/plugin.ts"), "utf8")).toContain('TRIGGER = "todo"');
    expect(await readFile(join(folder, "README.md"), "utf8")).not.toMatch(/\{\{\w+\}\}/);
  });

  it("refuses an id Mattermost would refuse, and a folder that is not empty", async () => {
    await expect(createPluginProject(join(root, "a"), { id: "no spaces" })).rejects.toThrow(
      CreatePluginError,
    );
    const used = join(root, "used");
    await mkdir(used);
    await writeFile(join(used, "keep.txt"), "mine");
    await expect(createPluginProject(used, { id: "com.example.used" })).rejects.toThrow(
      /is not empty/,
    );
    expect(await readFile(join(used, "keep.txt"), "utf8")).toBe("mine");
  });

  it("suggests an id from the folder's name", () => {
    expect(suggestedId("/tmp/My Plugin")).toBe("com.example.my-plugin");
  });
});
