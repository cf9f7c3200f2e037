import { defineConfig } from "vitest/config";

/**
 * Shared Vitest settings: packages resolve their siblings from source through the
 * "@plugwire/source" export condition, so tests never need a prior build of a sibling
 * unless they start a real plugin process (which runs built JavaScript).
 */
export const sharedConfig = defineConfig({
  // Node 20 runs no standard decorators natively, and Vite's default "esnext" target would pass
  // them through untouched; es2022 makes esbuild lower them (with Symbol.metadata support).
  esbuild: { target: "es2022" },
  resolve: { conditions: ["@plugwire/source", "import", "default"] },
  ssr: { resolve: { conditions: ["@plugwire/source", "import", "default"] } },
  test: {
    include: ["src/**/*.spec.ts", "test/**/*.spec.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
