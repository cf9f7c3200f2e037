// Fails when `buf generate` would change the committed protocol code, or when the proto
// source does not pass `buf lint`. Run by CI after the tests.
import { execFileSync } from "node:child_process";

const generated = "packages/protocol/src/gen";

function run(command, args) {
  execFileSync(command, args, { stdio: "inherit" });
}

function porcelain() {
  return execFileSync("git", ["status", "--porcelain", "--", generated], { encoding: "utf8" });
}

run("npx", ["buf", "lint"]);
const before = porcelain();
run("npx", ["buf", "generate"]);
const after = porcelain();
if (before !== after || after !== "") {
  console.error(
    `buf generate changed ${generated}:\n${after}\nRun \`npm run generate\` and commit the result.`,
  );
  process.exit(1);
}
console.log("buf lint is clean and the generated protocol code is up to date.");
