// The raw node:http2 server as its own process, for the baseline of hook dispatch (whose
// server is a plugin process): `node raw-h2-server.js <socket path>` prints "ready" once it
// listens, and exits when its stdin closes.
import { startRawH2Server } from "./raw-h2.js";

const socketPath = process.argv[2];
if (socketPath === undefined) {
  throw new Error("usage: raw-h2-server.js <socket path>");
}
const server = await startRawH2Server(socketPath);
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.once("end", () => {
  void server.close().then(() => process.exit(0));
});
