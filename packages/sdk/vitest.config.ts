import { mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// Node 20 runs no standard decorators natively, and Vite's default "esnext" target would pass
// them through untouched; es2022 makes esbuild lower them (with Symbol.metadata support).
export default mergeConfig(sharedConfig, { esbuild: { target: "es2022" } });
