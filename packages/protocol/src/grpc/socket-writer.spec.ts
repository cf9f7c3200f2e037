import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SocketWriter } from "./socket-writer.js";

describe("SocketWriter", () => {
  let dir: string;
  let server: Server;
  let client: Socket;
  let received: Promise<Buffer>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "pw-"));
    const path = join(dir, "w.sock");
    received = new Promise((resolve) => {
      server = createServer((peer) => {
        const chunks: Buffer[] = [];
        peer.on("data", (chunk: Buffer) => chunks.push(chunk));
        peer.on("end", () => resolve(Buffer.concat(chunks)));
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    client = connect(path);
    await new Promise((resolve) => client.once("connect", resolve));
  });

  afterEach(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the first frame of a turn at once, and holds the rest until the turn ends", async () => {
    const writer = new SocketWriter(client);
    writer.write(Buffer.from("a"));
    // Sent, not held: a lone call waits for nothing.
    expect(client.writableCorked).toBe(0);
    writer.write(Buffer.from("b"));
    writer.write(Buffer.from("c"));
    expect(client.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
    // A new turn: its first write goes at once again.
    writer.write(Buffer.from("d"));
    expect(client.writableCorked).toBe(0);
    client.end();
    expect((await received).toString()).toBe("abcd");
  });
});
