// The physical floor of a call between two processes on this machine: 64 bytes sent over a
// Unix socket with node:net and the same 64 bytes echoed back, no framing, no protocol, no
// framework. Whatever a Plugwire call costs beyond this is the protocol's and the runtime's.
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

/** The bytes of one ping. */
export const pingBytes = 64;

/** A server on `socketPath` that echoes every byte it reads. */
export async function startPingPongServer(socketPath: string): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("error", () => {});
  });
  server.listen(socketPath);
  await once(server, "listening");
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** One connection to a ping-pong server, and the round trip the floor times. */
export class PingPongClient {
  private waiting: (() => void) | undefined;
  private received = 0;
  private readonly ping = new Uint8Array(pingBytes).fill(0x70);

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received += chunk.byteLength;
      if (this.received >= pingBytes && this.waiting !== undefined) {
        this.received -= pingBytes;
        const done = this.waiting;
        this.waiting = undefined;
        done();
      }
    });
  }

  static async connect(socketPath: string): Promise<PingPongClient> {
    const socket = connect(socketPath);
    await once(socket, "connect");
    return new PingPongClient(socket);
  }

  /** Sends 64 bytes and resolves once all 64 have come back. */
  roundTrip(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(this.ping);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
