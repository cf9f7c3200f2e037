import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  HTTPRequestHeadSchema,
  type ServeHTTPRequest,
  ServeHTTPRequestSchema,
} from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { responseFrames, toFetchRequest } from "./fetch-bridge.js";

const signal = new AbortController().signal;

function head(init: MessageInitShape<typeof HTTPRequestHeadSchema>) {
  return create(HTTPRequestHeadSchema, init);
}

function bodyFrames(
  ...chunks: { data?: string; end?: boolean }[]
): AsyncIterator<ServeHTTPRequest> {
  const frames = chunks.map(({ data = "", end = false }) =>
    create(ServeHTTPRequestSchema, {
      frame: { case: "body", value: { data: new TextEncoder().encode(data), end } },
    }),
  );
  return (async function* () {
    yield* frames;
  })();
}

describe("toFetchRequest", () => {
  it("builds the Request on http://localhost with method, headers and streamed body", async () => {
    const request = toFetchRequest(
      head({ method: "PUT", url: "/items/1?x=y", headers: [{ name: "x-a", value: "1" }] }),
      bodyFrames({ data: "ab" }, {}, { data: "c", end: true }, { data: "ignored" }),
      signal,
    );
    expect(request.method).toBe("PUT");
    expect(request.url).toBe("http://localhost/items/1?x=y");
    expect(request.headers.get("x-a")).toBe("1");
    expect(await request.text()).toBe("abc");
  });

  it("gives GET and HEAD no body, and defaults the method to GET", async () => {
    const request = toFetchRequest(
      head({ url: "/" }),
      bodyFrames({ data: "x", end: true }),
      signal,
    );
    expect(request.method).toBe("GET");
    expect(request.body).toBeNull();
  });

  it("keeps a path that looks like another host on localhost", () => {
    const request = toFetchRequest(
      head({ method: "GET", url: "//evil.example/x" }),
      undefined,
      signal,
    );
    expect(new URL(request.url).host).toBe("localhost");
  });

  it("refuses a URL that is not a path, and headers fetch refuses", () => {
    const notAPath = () => toFetchRequest(head({ url: "http://evil.example/" }), undefined, signal);
    expect(notAPath).toThrow(ConnectError);
    expect(notAPath).toThrow(/must be a path starting with "\/"/);
    const badHeader = () =>
      toFetchRequest(head({ url: "/", headers: [{ name: "a b", value: "x" }] }), undefined, signal);
    expect(badHeader).toThrow(/bad request head/);
    try {
      badHeader();
    } catch (error) {
      expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    }
  });

  it("passes the call's signal on to the Request", () => {
    const controller = new AbortController();
    const request = toFetchRequest(head({ url: "/" }), undefined, controller.signal);
    controller.abort();
    expect(request.signal.aborted).toBe(true);
  });
});

describe("responseFrames", () => {
  it("sends the head and a lone end chunk for a response without a body", async () => {
    const frames = [];
    for await (const frame of responseFrames(new Response(null, { status: 204 }))) {
      frames.push(frame);
    }
    expect(frames).toEqual([
      { frame: { case: "head", value: { status: 204, headers: [] } } },
      { frame: { case: "body", value: { end: true } } },
    ]);
  });
});
