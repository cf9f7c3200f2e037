// A created project must depend on the versions released with create-plugin.
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { PLUGWIRE_VERSIONS } from "./versions.js";

async function version(pkg: string): Promise<string> {
  const url = new URL(`../../${pkg}/package.json`, import.meta.url);
  return (JSON.parse(await readFile(url, "utf8")) as { version: string }).version;
}

it("pins the current versions of the SDK, the testing package and the plugin CLI", async () => {
  expect(PLUGWIRE_VERSIONS).toEqual({
    sdk: `^${await version("sdk")}`,
    testing: `^${await version("testing")}`,
    pluginCli: `^${await version("plugin-cli")}`,
  });
});
