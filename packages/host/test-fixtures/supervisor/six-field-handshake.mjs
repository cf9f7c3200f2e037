// Prints go-plugin's six-field handshake, the sixth (the AutoMTLS certificate) empty.
import { formatHandshake } from "@plugwire/protocol";
import { servePlugin } from "./fixture-plugin.mjs";

await servePlugin({ handshake: (socketPath) => `${formatHandshake(socketPath)}|` });
