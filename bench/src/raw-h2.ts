// The baseline of every RPC figure: a request/response round trip on plain node:http2 over a
// Unix socket, with no gRPC framing, no protobuf and no framework between the two ends.
import * as http2 from "node:http2";
import { connect as netConnect } from "node:net";

/** What the raw server answers: as small as a tiny gRPC response. */
const answer = new Uint8Array(16);

/** A node:http2 server on `socketPath` answering every request, once its body is read, with 16 bytes. */
export async function startRawH2Server(socketPath: string): Promise<{ close(): Promise<void> }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.on("stream", (stream) => {
    stream.on("data", () => {});
    stream.once("end", () => {
      stream.respond({ ":status": 200, "content-type": "application/octet-stream" });
      stream.end(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) {
          session.destroy();
        }
      }),
  };
}

/** One HTTP/2 session to a raw server, and the round trip the baseline times. */
export class RawH2Client {
  private readonly session: http2.ClientHttp2Session;

  private constructor(session: http2.ClientHttp2Session) {
    this.session = session;
  }

  static async connect(socketPath: string): Promise<RawH2Client> {
    const session = http2.connect("http://localhost", {
      createConnection: () => netConnect(socketPath),
    });
    await new Promise<void>((resolve, reject) => {
      session.once("connect", () => resolve());
      session.once("error", reject);
    });
    return new RawH2Client(session);
  }

  /** POSTs `body` and resolves once the whole answer has arrived. */
  roundTrip(body: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = this.session.request({ ":method": "POST", ":path": "/raw" });
      stream.on("data", () => {});
      stream.once("end", resolve);
      stream.once("error", reject);
      stream.end(body);
    });
  }

  close(): void {
    this.session.close();
  }
}
