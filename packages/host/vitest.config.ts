import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

export default mergeConfig(
  {
    ...sharedConfig,
    // Vitest hands the SSR conditions to Node as --conditions; with "import" among them Node's
    // own require() of a dual package (pg → pg-pool) loads its ESM entry and fails. Vite adds
    // "import" or "require" by itself, so it is left out here.
    ssr: { resolve: { conditions: ["@plugwire/source", "default"] } },
  },
  defineConfig({
    // One throwaway PostgreSQL server for the run, for the PostgreSQL store's specs.
    test: { globalSetup: ["./test-fixtures/postgres/postgres-global-setup.ts"] },
  }),
);
