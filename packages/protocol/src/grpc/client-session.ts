// The one HTTP/2 session of a client: opened on first use, shared by all its calls, replaced
// once it closes or the server sends GOAWAY. While no call is in flight it does not keep the
// process alive.
import * as http2 from "node:http2";
import type { Duplex } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";
import { nodeError } from "./h2-errors.js";
import { connectionWindowBytes, sessionSettings } from "./session-settings.js";

const sessionKey = Symbol("session");

/** A stream, with the session it was opened on. */
interface TrackedStream extends http2.ClientHttp2Stream {
  [sessionKey]?: http2.ClientHttp2Session;
}

export class ClientSession {
  private session: http2.ClientHttp2Session | undefined;
  private opening: Promise<http2.ClientHttp2Session> | undefined;
  private closed = false;
  /** Open streams of the current session; the session is referenced while there are any. */
  private streams = 0;

  /**
   * @param authority the origin, e.g. "http://localhost"; it fills :authority only.
   * @param createConnection opens the socket, e.g. to a Unix socket path.
   */
  constructor(
    readonly authority: string,
    private readonly createConnection: () => Duplex,
  ) {}

  /**
   * A new stream on the open session; undefined while there is none. A stream opened with
   * `held: false` does not keep the process alive by being open: its owner says when it
   * matters with hold() and release() (the call channel, open for long, holds while calls wait).
   */
  tryOpen(
    headers: http2.OutgoingHttpHeaders,
    options?: http2.ClientSessionRequestOptions,
    held = true,
  ): http2.ClientHttp2Stream | undefined {
    const session = this.session;
    if (session === undefined || session.closed || session.destroyed) {
      return undefined;
    }
    try {
      return this.track(session, session.request(headers, options), held);
    } catch (reason) {
      // A GOAWAY not yet seen as an event: the session takes no new streams.
      if (!session.closed && !session.destroyed) {
        throw nodeError(reason);
      }
      this.forget(session);
      return undefined;
    }
  }

  /** A new stream, on a new session if need be. */
  async open(
    headers: http2.OutgoingHttpHeaders,
    options?: http2.ClientSessionRequestOptions,
    held = true,
  ): Promise<http2.ClientHttp2Stream> {
    const stream = this.tryOpen(headers, options, held);
    if (stream !== undefined) {
      return stream;
    }
    const session = await this.connect();
    return this.track(session, session.request(headers, options), held);
  }

  /** Keeps the process alive for `stream`'s sake until release(stream), if its session is current. */
  hold(stream: http2.ClientHttp2Stream): void {
    const session = (stream as TrackedStream)[sessionKey];
    if (session !== undefined && session === this.session && this.streams++ === 0) {
      session.ref();
    }
  }

  /** Ends one hold(stream). */
  release(stream: http2.ClientHttp2Stream): void {
    const session = (stream as TrackedStream)[sessionKey];
    if (session !== undefined && session === this.session && --this.streams === 0) {
      session.unref();
    }
  }

  /** Closes the session, failing the calls in flight. */
  close(): void {
    this.closed = true;
    this.session?.destroy(undefined, http2.constants.NGHTTP2_CANCEL);
    this.session = undefined;
  }

  private track(
    session: http2.ClientHttp2Session,
    stream: http2.ClientHttp2Stream,
    held: boolean,
  ): http2.ClientHttp2Stream {
    (stream as TrackedStream)[sessionKey] = session;
    if (held) {
      this.hold(stream);
      stream.once("close", this.released);
    }
    return stream;
  }

  /**
   * Listens for the close of every stream (`this` is the stream). The session is the one the
   * stream was opened on: Node has cleared `stream.session` by the time "close" fires.
   */
  private readonly released = (() => {
    const owner = this;
    return function released(this: TrackedStream): void {
      const session = this[sessionKey];
      if (session !== undefined && session === owner.session && --owner.streams === 0) {
        session.unref();
      }
    };
  })();

  private forget(session: http2.ClientHttp2Session): void {
    if (this.session === session) {
      this.session = undefined;
      this.streams = 0;
    }
  }

  private connect(): Promise<http2.ClientHttp2Session> {
    if (this.closed) {
      return Promise.reject(new ConnectError("the connection is closed", Code.Canceled));
    }
    this.opening ??= new Promise<http2.ClientHttp2Session>((resolve, reject) => {
      const session = http2.connect(this.authority, {
        createConnection: this.createConnection,
        settings: sessionSettings,
      });
      session.once("connect", () => {
        this.opening = undefined;
        if (this.closed) {
          // close() came while connecting: the session must not outlive it.
          session.destroy(undefined, http2.constants.NGHTTP2_CANCEL);
          reject(new ConnectError("the connection is closed", Code.Canceled));
          return;
        }
        session.setLocalWindowSize(connectionWindowBytes);
        session.unref();
        this.session = session;
        this.streams = 0;
        resolve(session);
      });
      session.on("error", (error) => {
        this.forget(session);
        if (this.opening !== undefined) {
          this.opening = undefined;
          reject(nodeError(error));
        }
      });
      // After GOAWAY the session finishes its streams, but new ones need a new session.
      session.once("goaway", () => this.forget(session));
      session.once("close", () => this.forget(session));
    });
    return this.opening;
  }
}
