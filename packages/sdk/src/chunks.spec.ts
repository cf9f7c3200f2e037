import { MAX_CHUNK_BYTES } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { concatChunks, splitChunks } from "./chunks.js";

describe("splitChunks", () => {
  it("yields nothing for no bytes and small data as it is", () => {
    expect([...splitChunks(new Uint8Array())]).toEqual([]);
    const small = new Uint8Array([1, 2, 3]);
    expect([...splitChunks(small)]).toEqual([small]);
  });

  it("cuts large data into chunks of at most MAX_CHUNK_BYTES that join back", () => {
    const data = new Uint8Array(2 * MAX_CHUNK_BYTES + 5);
    data.set([1, 2, 3], MAX_CHUNK_BYTES - 1);
    const chunks = [...splitChunks(data)];
    expect(chunks.map((c) => c.byteLength)).toEqual([MAX_CHUNK_BYTES, MAX_CHUNK_BYTES, 5]);
    // Buffer.equals: toEqual compares 128 KiB element by element, slowly.
    expect(Buffer.from(concatChunks(chunks)).equals(data)).toBe(true);
  });
});

describe("concatChunks", () => {
  it("joins in order, including no chunks at all", () => {
    expect(concatChunks([])).toEqual(new Uint8Array());
    expect(concatChunks([new Uint8Array([1]), new Uint8Array([2, 3])])).toEqual(
      new Uint8Array([1, 2, 3]),
    );
  });
});
