// Vitest globalSetup: one throwaway PostgreSQL server for the whole run, shared by the spec
// files through `inject("postgres")` (see postgres-test-database.ts), stopped at the end.
// PLUGWIRE_TEST_DATABASE_URL points the run at an existing database instead. When no server
// can be started the run says so loudly; with CI=true (or PLUGWIRE_TEST_REQUIRE_POSTGRES=1, as
// .ci/run sets) it fails, since a store half tested is not a green build. Otherwise the
// PostgreSQL specs are skipped, under that same banner.
import type { TestProject } from "vitest/node";
import { startThrowawayPostgres } from "../../src/store/postgres/throwaway-postgres.js";

/** What the PostgreSQL specs get: a server URL, or why there is none. */
export type PostgresUnderTest = { url: string } | { unavailable: string };

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresUnderTest;
  }
}

const required = ["CI", "PLUGWIRE_TEST_REQUIRE_POSTGRES"].some((name) =>
  ["true", "1"].includes(process.env[name] ?? ""),
);

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.PLUGWIRE_TEST_DATABASE_URL;
  if (given) {
    project.provide("postgres", { url: given });
    return;
  }
  try {
    const server = await startThrowawayPostgres();
    project.provide("postgres", { url: server.url });
    return () => server.stop();
  } catch (error) {
    const reason = (error as Error).message;
    const banner = [
      "",
      "!".repeat(78),
      "!! PostgreSQL could not be started, so the PostgreSQL store specs can't run:",
      `!! ${reason}`,
      required
        ? "!! CI is set: failing the run (the store must pass its contract on PostgreSQL)."
        : "!! Outside CI they are SKIPPED; CI=true makes this a failure.",
      "!".repeat(78),
      "",
    ].join("\n");
    console.error(banner);
    if (required) {
      throw new Error(`PostgreSQL could not be started for the store specs: ${reason}`);
    }
    project.provide("postgres", { unavailable: reason });
  }
}
