// HTTP/2 flow control for both ends of a Plugwire connection. HTTP/2's default windows, 64 KiB
// for each stream and for the whole connection, hold less than one ServeHTTP or file chunk
// (64 KiB plus framing), so a large body would move one chunk per round trip; larger windows
// let several be in flight.
//
// The connection window a server grants is kept below what a Unix socket buffers (208 KiB by
// default on Linux, net.core.wmem_default). Node's HTTP/2 session stops reading its socket while
// a write of its own is pending, so when both ends have more in flight than the socket holds
// (a plugin echoing a large upload, or an upload and a download at once on one connection),
// each waits for the other to read and the whole connection stops. A client whose data in
// flight always fits in the socket never blocks in a write, so it keeps reading and the server
// keeps moving, however wide the client's own window is (packages/host/src/http/
// plugin-proxy.spec.ts has the echo and the stalled reader).
import type { Settings } from "node:http2";

/** How much one stream may receive ahead of its reader. */
export const streamWindowBytes = 1024 * 1024;

/** How much a client's whole connection may receive ahead of its readers. */
export const connectionWindowBytes = 4 * 1024 * 1024;

/** How much a server's whole connection may receive ahead of its readers; see above. */
export const serverConnectionWindowBytes = 128 * 1024;

export const sessionSettings: Settings = { initialWindowSize: streamWindowBytes };
