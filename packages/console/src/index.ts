// The console's one export for Node: where its built files are, for the host to serve at
// /console. The page itself is src/ui/, bundled by build-ui.mjs into dist/assets/.
import { fileURLToPath } from "node:url";

/** The folder holding index.html, console.js and console.css (built by `npm run build`). */
export const consoleAssetsDir: string = fileURLToPath(new URL("../dist/assets", import.meta.url));
