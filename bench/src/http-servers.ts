// The baseline of the ServeHTTP rate: a node:http server on loopback answering the bench
// plugin's small JSON itself.
import { once } from "node:events";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpServer {
  /** E.g. "http://127.0.0.1:40123". */
  origin: string;
  close(): Promise<void>;
}

/** The JSON both servers answer GET /json with. */
export const smallJson = JSON.stringify({ message: "Hello from Plugwire!", ok: true });

/** A node:http server answering GET /json by itself. */
export function startDirectServer(): Promise<HttpServer> {
  return listen(
    http.createServer((_request, response) => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(smallJson),
      });
      response.end(smallJson);
    }),
  );
}

async function listen(server: http.Server): Promise<HttpServer> {
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
