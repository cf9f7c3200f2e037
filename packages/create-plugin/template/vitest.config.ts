import { defineConfig } from "vitest/config";

export default defineConfig({
  // Node 20 can't parse standard decorators (@hook): es2022 makes Vite's esbuild lower them.
  // Vite 8 no longer does, which is why package.json pins vite 7 beside vitest.
  esbuild: { target: "es2022" },
  test: { include: ["test/**/*.spec.ts"] },
});
