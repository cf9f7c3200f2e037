// Adds up Vitest's per-package "Tests  N passed | M failed" lines from a test log and prints
// one closing line, "tests: N passed, M failed", for readers of the whole CI run.
import { readFileSync } from "node:fs";

// Colour codes: ESC [ … m.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const log = readFileSync(process.argv[2], "utf8").replace(ANSI_COLOUR, "");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of log.split("\n")) {
  const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!match) continue;
  for (const [, count, kind] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    if (kind === "passed") passed += Number(count);
    if (kind === "failed") failed += Number(count);
    if (kind === "skipped") skipped += Number(count);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
