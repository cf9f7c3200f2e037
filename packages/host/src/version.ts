import { createRequire } from "node:module";

// Read from package.json so the version plugins see is the version that was released; the
// path is the same from src/ (tests) and dist/ (built).
const packageJson = createRequire(import.meta.url)("../package.json") as { version: string };

/** This host's version: reported by GetServerVersion and checked against min_server_version. */
export const HOST_VERSION: string = packageJson.version;
