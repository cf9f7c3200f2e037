// Finds the TypeScript snippets of the guide's Markdown files, writes each as a module of a
// scratch project and type-checks them together against the workspace packages' published
// types, as a plugin project that installed them would; then runs the snippets that are test
// files, so that what the testing chapters show passes, not only compiles.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const require = createRequire(import.meta.url);

/** One fenced ```ts block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the docs folder. */
  markdown: string;
  /** The 1-based line of the Markdown file that holds the snippet's first line of code. */
  line: number;
  /** The module path the snippet is written to, relative to its chapter's scratch folder. */
  module: string;
  code: string;
}

/** A block marked as a fragment: shown, not compiled. */
export interface Fragment {
  markdown: string;
  line: number;
  reason: string;
}

export interface SnippetProblem {
  /** `guide/hooks.md:120:5`, pointing at the Markdown line. */
  where: string;
  message: string;
}

const FENCE = /^```(ts|typescript)\s*$/;
const FRAGMENT = /^<!--\s*fragment:\s*(.*?)\s*-->$/;
const NAMED_MODULE = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.ts)$/;

/**
 * The snippets and fragments of one Markdown text. A snippet whose first line is a comment
 * naming a `.ts` path (`// src/plugin.ts`) is written at that path, so that the snippets of a
 * chapter can import one another (`import { TodoPlugin } from "../src/plugin.js"`); the others
 * get a path of their own. A block right after `<!-- fragment: why -->` is not compiled.
 */
export function extractSnippets(
  markdown: string,
  text: string,
): { snippets: Snippet[]; fragments: Fragment[] } {
  const snippets: Snippet[] = [];
  const fragments: Fragment[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i] ?? "")) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? "")) end++;
    const code = lines.slice(start, end);
    const previous = (lines[i - 1] ?? "").trim();
    const fragment = FRAGMENT.exec(previous);
    if (fragment) {
      fragments.push({ markdown, line: start + 1, reason: fragment[1] ?? "" });
    } else {
      const named = NAMED_MODULE.exec(code[0] ?? "");
      const module = named?.[1] ?? `snippet-${start + 1}.ts`;
      snippets.push({ markdown, line: start + 1, module, code: code.join("\n") });
    }
    i = end;
  }
  return { snippets, fragments };
}

/** Every Markdown file below `docsDir`, skipping generated and installed folders. */
export function markdownFiles(docsDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", "api", ".snippets", "test"].includes(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) found.push(relative(docsDir, path));
    }
  };
  walk(docsDir);
  return found.sort();
}

/**
 * Writes the snippets under `scratchDir` (emptied first; it must sit below a folder whose
 * node_modules resolve the workspace packages) and type-checks them with the workspace's strict
 * settings, resolving `@plugwire/*` to their built declarations as an installed package would.
 * Unused names are allowed: a snippet often declares a class only to show it.
 */
export function checkSnippets(snippets: Snippet[], scratchDir: string): SnippetProblem[] {
  rmSync(scratchDir, { recursive: true, force: true });
  mkdirSync(scratchDir, { recursive: true });
  const byFile = new Map<string, Snippet>();
  for (const snippet of snippets) {
    const chapter = snippet.markdown.replace(/\.md$/, "");
    const file = resolve(scratchDir, chapter, snippet.module);
    if (byFile.has(file)) {
      const first = byFile.get(file);
      return [
        {
          where: `${snippet.markdown}:${snippet.line}`,
          message: `a second snippet named ${snippet.module} (the first is at line ${first?.line})`,
        },
      ];
    }
    byFile.set(file, snippet);
    mkdirSync(dirname(file), { recursive: true });
    // `export {}` makes every snippet a module, so top-level names of two snippets never clash.
    writeFileSync(file, `${snippet.code}\nexport {};\n`);
  }

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    strict: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
  };
  // A package.json with "type": "module" makes the scratch files ES modules, as in a plugin project.
  writeFileSync(join(scratchDir, "package.json"), '{ "type": "module", "private": true }\n');
  const program = ts.createProgram([...byFile.keys()], options);
  const problems: SnippetProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const snippet = diagnostic.file ? byFile.get(resolve(diagnostic.file.fileName)) : undefined;
    if (!diagnostic.file || diagnostic.start === undefined || !snippet) {
      problems.push({ where: diagnostic.file?.fileName ?? "(project)", message });
      continue;
    }
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({
      where: `${snippet.markdown}:${snippet.line + line}:${character + 1}`,
      message: `TS${diagnostic.code}: ${message}`,
    });
  }
  return problems;
}

/** Reads every Markdown file of `docsDir` and extracts its snippets and fragments. */
export function readSnippets(docsDir: string): { snippets: Snippet[]; fragments: Fragment[] } {
  const snippets: Snippet[] = [];
  const fragments: Fragment[] = [];
  for (const file of markdownFiles(docsDir)) {
    const found = extractSnippets(file, readFileSync(join(docsDir, file), "utf8"));
    snippets.push(...found.snippets);
    fragments.push(...found.fragments);
  }
  return { snippets, fragments };
}

/**
 * Runs the snippets `checkSnippets` wrote under `scratchDir` that are test files (a module
 * named `….spec.ts`, other than `….e2e.spec.ts`, which needs a built plugin) with Vitest, as a
 * plugin project runs its tests. Resolves to Vitest's exit status and output.
 */
export function runSnippetTests(scratchDir: string): { status: number | null; output: string } {
  writeFileSync(
    join(scratchDir, "vitest.config.ts"),
    [
      'import { defineConfig } from "vitest/config";',
      "",
      "export default defineConfig({",
      '  esbuild: { target: "es2022" },',
      '  test: { include: ["**/*.spec.ts"], exclude: ["**/*.e2e.spec.ts"], testTimeout: 30_000 },',
      "});",
      "",
    ].join("\n"),
  );
  const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
  const run = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.config.ts"], {
    cwd: scratchDir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 180_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
