// HTTP/2 flow control for both ends of a Plugwire connection. HTTP/2's default windows, 64 KiB
// for each stream and for the whole connection, hold less than one ServeHTTP or file chunk
// (64 KiB plus framing), so a large body would move one chunk per round trip; larger windows
// let several be in flight. Both ends widen their stream windows; only clients widen the
// connection window: with servers doing so too, a ServeHTTP echo whose HTTP client reads
// nothing until it has sent everything (packages/host/src/http/plugin-proxy.spec.ts) stalled
// the whole session, later streams included, in most runs. The cause is not understood yet.
import type { Settings } from "node:http2";

/** How much one stream may receive ahead of its reader. */
export const streamWindowBytes = 1024 * 1024;

/** How much a client's whole connection may receive ahead of its readers. */
export const connectionWindowBytes = 4 * 1024 * 1024;

export const sessionSettings: Settings = { initialWindowSize: streamWindowBytes };
