// The ping-pong server as a process of its own: `node ping-pong-server.js <socket path>`
// prints "ready" once it listens, and exits when its stdin closes.
import { startPingPongServer } from "./ping-pong.js";

const socketPath = process.argv[2];
if (socketPath === undefined) {
  throw new Error("usage: ping-pong-server.js <socket path>");
}
const server = await startPingPongServer(socketPath);
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.once("end", () => {
  void server.close().then(() => process.exit(0));
});
