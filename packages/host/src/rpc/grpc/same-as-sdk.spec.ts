// This folder is a copy of the SDK's src/serve/grpc, where the lean gRPC client and server are
// specified and tested: the host and the SDK share no package both may depend on yet. The
// copy must stay exact, so that there is still one implementation.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const sdk = fileURLToPath(new URL("../../../../sdk/src/serve/grpc/", import.meta.url));
const sources = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".spec.ts"))
    .sort();

describe("the host's lean gRPC", () => {
  it("is the SDK's, file for file", () => {
    expect(sources(here)).toEqual(sources(sdk));
    for (const name of sources(sdk)) {
      expect(readFileSync(`${here}${name}`, "utf8"), name).toBe(
        readFileSync(`${sdk}${name}`, "utf8"),
      );
    }
  });
});
