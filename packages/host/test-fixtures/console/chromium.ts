// Headless Chromium for the console's browser specs: Debian's chromium package driven by
// playwright-core (which downloads no browser of its own). When the binary is missing and the
// specs run as root, it is installed with apt-get. When no browser starts, the specs are
// skipped under a loud banner, or fail the run with CI=true or PLUGWIRE_TEST_REQUIRE_BROWSER=1
// (as .ci/run sets): a console never opened in a browser is not tested.
import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";

const run = promisify(execFile);

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export const browserRequired = ["CI", "PLUGWIRE_TEST_REQUIRE_BROWSER"].some((name) =>
  ["true", "1"].includes(process.env[name] ?? ""),
);

async function findChromium(): Promise<string | undefined> {
  const given = process.env.PLUGWIRE_CHROMIUM;
  for (const path of given ? [given] : CANDIDATES) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

async function installChromium(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "chromium is not installed; install Debian's chromium package (apt-get install chromium)",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update"], { env, maxBuffer: 64 * 1024 * 1024 });
  await run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A started browser, or why none could start (then the specs skip, or throw when required). */
export async function launchChromium(): Promise<Browser | { unavailable: string }> {
  try {
    let path = await findChromium();
    if (path === undefined) {
      await installChromium();
      path = await findChromium();
      if (path === undefined)
        throw new Error("apt-get installed chromium, but no binary was found");
    }
    // --no-sandbox: Chromium's own sandbox needs user namespaces, which containers and root lack.
    return await chromium.launch({ executablePath: path, args: ["--no-sandbox"] });
  } catch (error) {
    const reason = (error as Error).message;
    console.error(
      [
        "",
        "!".repeat(78),
        "!! No headless Chromium could start, so the console's browser specs can't run:",
        `!! ${reason.split("\n")[0]}`,
        browserRequired
          ? "!! CI (or PLUGWIRE_TEST_REQUIRE_BROWSER=1) is set: failing the run."
          : "!! They are SKIPPED; PLUGWIRE_TEST_REQUIRE_BROWSER=1 makes this a failure.",
        "!".repeat(78),
        "",
      ].join("\n"),
    );
    if (browserRequired) throw new Error(`No headless Chromium could start: ${reason}`);
    return { unavailable: reason };
  }
}
