// MessageReader cuts a body into frames wherever its chunks happen to end, refuses malformed
// frames with Connect's errors, and holds its source back while too much waits to be read.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { frameMessage } from "./message-frame.js";
import { MessageReader } from "./message-reader.js";
import { streamWindowBytes } from "./session-settings.js";

class Source {
  paused = false;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

function reader(readMaxBytes = 1024 * 1024) {
  const source = new Source();
  let returned = 0;
  const messages = new MessageReader(text, readMaxBytes, source, { onReturn: () => returned++ });
  return { messages, source, returned: () => returned };
}

async function readAll(messages: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const message of messages) all.push(message);
  return all;
}

async function failure(read: Promise<unknown>): Promise<ConnectError> {
  try {
    await read;
  } catch (reason) {
    return ConnectError.from(reason);
  }
  throw new Error("expected the read to fail");
}

describe("MessageReader", () => {
  it("reads frames cut at any byte, and several in one chunk", async () => {
    const body = Buffer.concat(
      ["one", "", "three", "x".repeat(70_000)].map((m) => frameMessage(Buffer.from(m))),
    );
    for (const cut of [1, 2, 4, 5, 6, 7, 1000, body.length]) {
      const { messages } = reader();
      for (let offset = 0; offset < body.length; offset += cut) {
        messages.push(body.subarray(offset, offset + cut));
      }
      messages.end();
      expect(await readAll(messages), `cut every ${cut} bytes`).toEqual([
        "one",
        "",
        "three",
        "x".repeat(70_000),
      ]);
    }
  });

  it("answers a read that waits as soon as its frame is whole", async () => {
    const { messages } = reader();
    const next = messages.next();
    const frame = Buffer.from(frameMessage(Buffer.from("late")));
    messages.push(frame.subarray(0, 3));
    messages.push(frame.subarray(3));
    expect(await next).toEqual({ done: false, value: "late" });
  });

  it("refuses a message over readMaxBytes from its prefix, before the rest arrives", async () => {
    const { messages } = reader(10);
    messages.push(Buffer.from(frameMessage(Buffer.alloc(11))).subarray(0, 6));
    const error = await failure(messages.next());
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toBe("message size 11 is larger than configured readMaxBytes 10");
  });

  it("reads the frames before a malformed one first, however the chunks fell", async () => {
    const { messages } = reader(10);
    messages.push(
      Buffer.concat([frameMessage(Buffer.from("head")), frameMessage(Buffer.alloc(11))]),
    );
    expect(await messages.next()).toEqual({ done: false, value: "head" });
    expect((await failure(messages.next())).code).toBe(Code.ResourceExhausted);
    expect(await messages.next()).toEqual({ done: true, value: undefined });
  });

  it("refuses a body that ends inside a frame, and a compressed frame", async () => {
    const cut = reader();
    cut.messages.push(Buffer.from(frameMessage(Buffer.from("abc"))).subarray(0, 6));
    cut.messages.end();
    expect((await failure(cut.messages.next())).rawMessage).toBe(
      "protocol error: incomplete envelope",
    );

    const compressed = reader();
    const frame = Buffer.from(frameMessage(Buffer.from("abc")));
    frame[0] = 1;
    compressed.messages.push(frame);
    expect((await failure(compressed.messages.next())).code).toBe(Code.Internal);
  });

  it("pauses its source while a stream window's worth waits, and resumes as it is read", async () => {
    const { messages, source } = reader();
    const chunk = Buffer.from(frameMessage(Buffer.alloc(64 * 1024)));
    const frames = streamWindowBytes / (64 * 1024);
    for (let i = 0; i < frames - 1; i++) messages.push(chunk);
    expect(source.paused).toBe(false);
    messages.push(chunk);
    expect(source.paused).toBe(true);
    await messages.next();
    expect(source.paused).toBe(false);
  });

  it("throws a failure once, after which it is done, and drops what was not read", async () => {
    const { messages } = reader();
    messages.push(Buffer.from(frameMessage(Buffer.from("dropped"))));
    messages.fail(new ConnectError("reset", Code.Canceled));
    expect((await failure(messages.next())).code).toBe(Code.Canceled);
    expect(await messages.next()).toEqual({ done: true, value: undefined });
  });

  it("tells its owner when the reader stops early, resumes the source and drops what comes", async () => {
    const { messages, source, returned } = reader();
    const chunk = Buffer.from(frameMessage(Buffer.alloc(64 * 1024)));
    for (let i = 0; i < streamWindowBytes / (64 * 1024); i++) messages.push(chunk);
    expect(source.paused).toBe(true);
    for await (const _message of messages) break;
    expect(returned()).toBe(1);
    expect(source.paused).toBe(false);
    messages.push(chunk);
    expect(await messages.next()).toEqual({ done: true, value: undefined });
  });

  it("answers a read still waiting when it stops early, and every read waiting in turn", async () => {
    const { messages } = reader();
    const first = messages.next();
    const second = messages.next();
    messages.push(Buffer.from(frameMessage(Buffer.from("a"))));
    expect(await first).toEqual({ done: false, value: "a" });
    await messages.return();
    expect(await second).toEqual({ done: true, value: undefined });
  });

  it("pauses its source for a flood of empty frames too", () => {
    const { messages, source } = reader();
    const empty = Buffer.from(frameMessage(new Uint8Array(0)));
    for (let i = 0; i < 20_000 && !source.paused; i++) messages.push(empty);
    expect(source.paused).toBe(true);
  });

  it("tells its owner when the body is malformed, or a message does not decode", async () => {
    const errors: unknown[] = [];
    const oversized = new MessageReader(text, 10, new Source(), {
      onError: (error) => errors.push(error),
    });
    oversized.push(Buffer.from(frameMessage(Buffer.alloc(11))));
    const undecodable = new MessageReader(
      () => {
        throw new Error("bad bytes");
      },
      1024,
      new Source(),
      { onError: (error) => errors.push(error) },
    );
    undecodable.push(Buffer.from(frameMessage(Buffer.from("x"))));
    await expect(undecodable.next()).rejects.toThrow("bad bytes");
    expect(await undecodable.next()).toEqual({ done: true, value: undefined });
    expect(errors.map((error) => (error as Error).message)).toEqual([
      "[resource_exhausted] message size 11 is larger than configured readMaxBytes 10",
      "bad bytes",
    ]);
  });

  it("stops early without telling its owner once the body has ended", async () => {
    const { messages, returned } = reader();
    messages.push(Buffer.from(frameMessage(Buffer.from("a"))));
    messages.end();
    await messages.return();
    expect(returned()).toBe(0);
  });
});
