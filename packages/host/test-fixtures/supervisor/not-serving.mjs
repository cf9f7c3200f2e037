// Completes the handshake but reports NOT_SERVING to the health check.
import { servePlugin } from "./fixture-plugin.mjs";

await servePlugin({ isServing: () => false });
