import { StreamStdioResponse_Channel as StdioChannel } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { captureOutput, StdioRelay, type WritableLike } from "./stdio-relay.js";

function fakeStream() {
  const written: string[] = [];
  const stream: WritableLike = {
    write: ((chunk: string | Uint8Array) => {
      written.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
      return true;
    }) as WritableLike["write"],
  };
  return { stream, written };
}

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  while (values.length < count) {
    const next = await iterator.next();
    if (next.done === true) {
      break;
    }
    values.push(next.value);
  }
  return values;
}

describe("captureOutput", () => {
  it("sends stdout writes to stderr, leaving stdout untouched", () => {
    const stdout = fakeStream();
    const stderr = fakeStream();
    captureOutput(new StdioRelay(), stdout.stream, stderr.stream);
    stdout.stream.write("from console.log\n");
    stderr.stream.write(new TextEncoder().encode("from console.error\n"));
    expect(stdout.written).toEqual([]);
    expect(stderr.written).toEqual(["from console.log\n", "from console.error\n"]);
  });

  it("offers each write to subscribers, tagged with the stream the code wrote to", async () => {
    const relay = new StdioRelay();
    const stdout = fakeStream();
    const stderr = fakeStream();
    captureOutput(relay, stdout.stream, stderr.stream);
    const subscription = relay.subscribe(new AbortController().signal);
    const frames = take(subscription, 2);
    // Let the subscription start before writing: writes before it are not replayed.
    await new Promise((resolve) => setImmediate(resolve));
    stdout.stream.write("out\n", "utf8");
    stderr.stream.write("err\n");
    expect(
      (await frames).map((f) => [f.channel, new TextDecoder().decode(f.data as Uint8Array)]),
    ).toEqual([
      [StdioChannel.STDOUT, "out\n"],
      [StdioChannel.STDERR, "err\n"],
    ]);
    await subscription.return(undefined);
  });
});

describe("StdioRelay", () => {
  it("ends a subscription when its signal aborts", async () => {
    const relay = new StdioRelay();
    const controller = new AbortController();
    const subscription = relay.subscribe(controller.signal);
    const next = subscription.next();
    controller.abort();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });

  it("sends what is queued, then ends every subscription, when closed", async () => {
    const relay = new StdioRelay();
    const subscription = relay.subscribe(new AbortController().signal);
    const first = subscription.next();
    await new Promise((resolve) => setImmediate(resolve));
    relay.publish(StdioChannel.STDERR, "last words");
    relay.close();
    expect((await first).value?.channel).toBe(StdioChannel.STDERR);
    await expect(subscription.next()).resolves.toMatchObject({ done: true });
  });

  it("copies written buffers, which their writer may reuse", async () => {
    const relay = new StdioRelay();
    const subscription = relay.subscribe(new AbortController().signal);
    const first = subscription.next();
    await new Promise((resolve) => setImmediate(resolve));
    const buffer = new Uint8Array([1, 2]);
    relay.publish(StdioChannel.STDOUT, buffer);
    buffer[0] = 9;
    expect((await first).value?.data).toEqual(new Uint8Array([1, 2]));
  });
});
