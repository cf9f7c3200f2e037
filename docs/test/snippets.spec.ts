import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSnippets, extractSnippets, readSnippets, runSnippetTests } from "./snippets.js";

const docsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = (name: string) => join(docsDir, ".snippets", name);

describe("the guide's TypeScript snippets", () => {
  const { snippets, fragments } = readSnippets(docsDir);

  it("are there to check", () => {
    expect(snippets.length).toBeGreaterThan(40);
  });

  let problems: string[] = [];
  beforeAll(() => {
    problems = checkSnippets(snippets, scratch("guide")).map((p) => `${p.where}: ${p.message}`);
  }, 120_000);

  it("all type-check against the workspace packages", () => {
    expect(problems).toEqual([]);
  });

  it("that are test files pass when run", () => {
    const tests = snippets.filter((s) => /(?<!\.e2e)\.spec\.ts$/.test(s.module));
    expect(tests.length).toBeGreaterThanOrEqual(4);
    const { status, output } = runSnippetTests(scratch("guide"));
    expect(status, output).toBe(0);
    expect(output).toMatch(new RegExp(`Test Files\\s+${tests.length} passed`));
  }, 200_000);

  it("are fragments only rarely, and each says why", () => {
    for (const fragment of fragments) {
      expect(fragment.reason, `${fragment.markdown}:${fragment.line}`).toMatch(/\w{3,}.*\w{3,}/);
    }
    expect(fragments.length).toBeLessThanOrEqual(Math.ceil(snippets.length / 10));
  });
});

describe("the snippet checker", () => {
  const markdown = [
    "# A chapter",
    "",
    "```ts",
    "// src/plugin.ts",
    'export const greeting: string = "hi";',
    "```",
    "",
    "```ts",
    'import { greeting } from "./src/plugin.js";',
    "const n: number = greeting;",
    "```",
    "",
    "<!-- fragment: shows one line of a class body -->",
    "```ts",
    "this is not TypeScript",
    "```",
  ].join("\n");

  it("names a snippet by its first-line comment, and skips fragments", () => {
    const { snippets, fragments } = extractSnippets("chapter.md", markdown);
    expect(snippets.map((s) => [s.module, s.line])).toEqual([
      ["src/plugin.ts", 4],
      ["snippet-9.ts", 9],
    ]);
    expect(fragments).toEqual([
      { markdown: "chapter.md", line: 15, reason: "shows one line of a class body" },
    ]);
  });

  it("fails a broken snippet, pointing at its Markdown line", () => {
    const { snippets } = extractSnippets("chapter.md", markdown);
    const problems = checkSnippets(snippets, scratch("checker-spec"));
    expect(problems).toEqual([
      {
        where: "chapter.md:10:7",
        message: "TS2322: Type 'string' is not assignable to type 'number'.",
      },
    ]);
  }, 60_000);

  it("resolves the SDK as a plugin project does", () => {
    const { snippets } = extractSnippets(
      "sdk.md",
      [
        "```ts",
        'import { Plugin, hook } from "@plugwire/sdk";',
        "class P extends Plugin {",
        '  @hook("OnActivate")',
        "  activate(): number { return 1; }",
        "}",
        "```",
      ].join("\n"),
    );
    const problems = checkSnippets(snippets, scratch("checker-sdk"));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.where).toMatch(/^sdk\.md:4:/);
  }, 60_000);
});
