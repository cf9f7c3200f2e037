import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../log.js";
import { PluginOutput } from "./plugin-output.js";

function output(keepLines?: number) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const logged: LogEntry[] = [];
  const plugin = new PluginOutput(
    "p",
    { stdout, stderr },
    (entry) => logged.push(entry),
    keepLines,
  );
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
    const { stdout, stderr, plugin } = output(2);
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

  it("cuts endless output without newlines into lines and shortens what it keeps", async () => {
    const { stderr, logged, plugin } = output();
    stderr.write("x".repeat(40_000));
    await settled();

    expect(logged.map((entry) => entry.msg.length)).toEqual([16_384, 16_384]);
    expect(plugin.lastLines()[0]).toBe(`stderr: ${"x".repeat(500)}…`);
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
