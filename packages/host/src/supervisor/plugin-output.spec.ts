import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../log.js";
import { PluginOutput, type PluginOutputOptions } from "./plugin-output.js";

function output(options?: PluginOutputOptions) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const logged: LogEntry[] = [];
  const plugin = new PluginOutput("p", { stdout, stderr }, (entry) => logged.push(entry), options);
  return { stdout, stderr, logged, plugin };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("PluginOutput", () => {
  it("takes the first stdout line as the handshake and logs every other line", async () => {
    const { stdout, stderr, logged, plugin } = output();
    stderr.write("starting\n");
    stdout.write("1|1|unix|/s|gr");
    stdout.write("pc\r\nafter\n");

    await expect(plugin.handshakeLine).resolves.toBe("1|1|unix|/s|grpc");
    await settled();
    expect(logged.map((entry) => entry.msg)).toEqual(["starting", "after"]);
  });

  it("keeps the last lines of both streams for error messages", async () => {
    const { stdout, stderr, plugin } = output({ keepLines: 2 });
    stdout.write("handshake\n");
    stderr.write("one\ntwo\n");
    stdout.write("three\n");
    await settled();

    expect(plugin.lastLines()).toEqual(["stderr: two", "stdout: three"]);
  });

  it("emits a line without its newline when the stream ends", async () => {
    const { stderr, logged } = output();
    stderr.end("last words");
    await settled();

    expect(logged.map((entry) => entry.msg)).toEqual(["last words"]);
  });

  it("cuts a long line, saying how much it cut, and shortens what it keeps", async () => {
    const { stderr, logged, plugin } = output();
    stderr.write("x".repeat(30_000));
    stderr.write(`${"y".repeat(10_000)}\nnext\n`);
    await settled();

    expect(logged.map((entry) => entry.msg)).toEqual([
      `${"x".repeat(16_384)}… [23616 more bytes cut]`,
      "next",
    ]);
    expect(plugin.lastLines()[0]).toBe(`stderr: ${"x".repeat(500)}…`);
  });

  it("drops lines beyond the budget and reports how many once per interval", async () => {
    const { stdout, stderr, logged } = output({
      linesPerInterval: 3,
      bytesPerInterval: 1_000,
      intervalMs: 100,
    });
    stdout.write("handshake\n");
    stderr.write("1\n2\n3\n4\n5\n");
    stdout.write(`${"z".repeat(900)}\n`);
    await settled();
    expect(logged.map((entry) => entry.msg)).toEqual(["1", "2", "3"]);

    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(logged[3]).toMatchObject({
      level: "warn",
      pluginId: "p",
      msg: "dropped 3 lines (902 bytes) of the plugin's output: it printed more than 3 lines or 1000 bytes per 100 ms",
      fields: { droppedLines: 3, droppedBytes: 902 },
    });
    // A new interval, a new budget.
    stderr.write("6\n");
    await settled();
    expect(logged.map((entry) => entry.msg).slice(4)).toEqual(["6"]);
  });

  it("stops reading for the rest of the interval once its read budget is spent", async () => {
    const { stdout, stderr, logged } = output({ readBytesPerInterval: 10, intervalMs: 200 });
    stdout.write("handshake\n");
    stderr.write("one\n");
    stderr.write("two\n");
    stderr.write("three\n");
    await settled();
    expect(logged.map((entry) => entry.msg)).toEqual(["one"]);

    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(logged.map((entry) => entry.msg)).toEqual(["one", "two", "three"]);
  });

  it("decodes a character split between chunks", async () => {
    const { stderr, logged } = output();
    const bytes = Buffer.from("é\n");
    stderr.write(bytes.subarray(0, 1));
    stderr.write(bytes.subarray(1));
    await settled();

    expect(logged.map((entry) => entry.msg)).toEqual(["é"]);
  });
});
