// Prints go-plugin's six-field handshake with a certificate in the sixth field (AutoMTLS).
import { formatHandshake } from "@plugwire/protocol";
import { servePlugin } from "./fixture-plugin.mjs";

await servePlugin({
  handshake: (socketPath) => `${formatHandshake(socketPath)}|MIIBszCCAVmgAwIBAgIRAJexample`,
});
