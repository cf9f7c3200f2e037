// Writes of the direct call channel. A write that is the first of its turn of the event loop
// goes to the socket at once, so a lone call waits for nothing; later writes in the same turn
// (the answers of calls that arrived together, the requests of many clients served in one
// turn) are held and go out together when the turn ends. Over HTTP/2, nghttp2 batched frames
// the same way; one write system call per frame cost the many-requests figures more than the
// frames' own work.
import type { Socket } from "node:net";

export class SocketWriter {
  /** Set by a write until the turn ends. */
  private wrote = false;
  private corked = false;

  constructor(private readonly socket: Socket) {}

  write(frame: Uint8Array): void {
    const { socket } = this;
    if (!this.wrote) {
      this.wrote = true;
      setImmediate(this.endTurn);
    } else if (!this.corked) {
      this.corked = true;
      socket.cork();
    }
    socket.write(frame);
  }

  private readonly endTurn = () => {
    this.wrote = false;
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
  };
}
