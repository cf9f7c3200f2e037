import { defineConfig } from "vitest/config";

/**
 * Shared Vitest settings: packages resolve their siblings from source through the
 * "@plugwire/source" export condition, so tests never need a prior build of a sibling
 * unless they start a real plugin process (which runs built JavaScript).
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@plugwire/source", "import", "default"] },
  ssr: { resolve: { conditions: ["@plugwire/source", "import", "default"] } },
  test: {
    include: ["src/**/*.spec.ts", "test/**/*.spec.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
