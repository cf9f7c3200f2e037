// Writes (default) or checks (--check) the API report of each package's public entry points:
// packages/<pkg>/api/<name>.api.md, made by API Extractor from the built .d.ts files. The
// reports are committed, so a change to a public surface shows in review; CI runs --check
// after the tests and fails when a report is out of date. Internal entries ("./internal") are
// not reported: they carry no semver promise. Run `npm run api-report`, which builds first.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const check = process.argv.includes("--check");
const root = join(import.meta.dirname, "..");

const configs = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => {
    const dir = join(root, "packages", entry.name);
    return readdirSync(dir)
      .filter((file) => /^api-extractor(\.[\w-]+)?\.json$/.test(file))
      .map((file) => join(dir, file));
  })
  .sort();

// The notices API Extractor prints for every run; the result line below says the same.
const quiet = new Set(["console-preamble", "console-api-report-not-copied"]);
const stale = [];
const failed = [];
for (const configPath of configs) {
  const config = ExtractorConfig.loadFileAndPrepare(configPath);
  if (!existsSync(config.mainEntryPointFilePath)) {
    console.error(
      `${relative(root, config.mainEntryPointFilePath)} is missing: build the packages first ` +
        "(`npm run api-report` does; `npm test` builds them too).",
    );
    process.exit(1);
  }
  if (!check) mkdirSync(config.reportFolder, { recursive: true });
  const result = Extractor.invoke(config, {
    localBuild: !check,
    printApiReportDiff: check,
    messageCallback(message) {
      // Printed on every run, and said again by the result line below.
      if (quiet.has(message.messageId)) message.handled = true;
    },
  });
  const report = relative(root, join(config.reportFolder, config.reportConfigs[0].fileName));
  if (result.apiReportChanged) stale.push(report);
  if (!result.succeeded) failed.push(relative(root, configPath));
  console.log(`${result.succeeded ? "ok" : "FAILED"} ${report}`);
  // A public type that names another package's internal entry makes a semver promise that
  // entry does not keep: say so on every run until it is fixed.
  const text = existsSync(join(root, report)) ? readFileSync(join(root, report), "utf8") : "";
  const internal = text.match(/from '[^']+\/internal'/g);
  if (internal) console.warn(`warning: ${report} uses ${[...new Set(internal)].join(", ")}`);
}

if (check && stale.length > 0) {
  console.error(
    `\nThe public API changed and these reports are out of date:\n  ${stale.join("\n  ")}\n` +
      "Run `npm run api-report` and commit the reports; review their diff as the change to " +
      "the packages' public surfaces.",
  );
  process.exit(1);
}
if (failed.length > 0) {
  console.error(`\nAPI Extractor reported errors for: ${failed.join(", ")} (see above).`);
  process.exit(1);
}
if (!check) console.log(`\nWrote ${configs.length} API reports.`);
