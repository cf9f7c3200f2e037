// Checks proto/ for wire- and JSON-incompatible changes against the latest release of
// @plugwire/protocol (changesets tags releases as "@plugwire/protocol@<version>").
import { execFileSync } from "node:child_process";

const tags = execFileSync("git", ["tag", "--list", "@plugwire/protocol@*", "--sort=-v:refname"], {
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean);

if (tags.length === 0) {
  console.log("buf breaking: skipped, no @plugwire/protocol release tag exists yet.");
  process.exit(0);
}
const [latest] = tags;
console.log(`buf breaking: comparing proto/ with ${latest}`);
execFileSync("npx", ["buf", "breaking", "--against", `.git#tag=${latest}`], {
  stdio: "inherit",
});
