import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  HTTPRequestHeadSchema,
  type ServeHTTPRequest,
  ServeHTTPRequestSchema,
} from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import "./fetch-globals.js";
import { responseFrames, toFetchRequest } from "./fetch-bridge.js";

const call = { signal: new AbortController().signal };

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
      call,
    );
    expect(request.method).toBe("PUT");
    expect(request.url).toBe("http://localhost/items/1?x=y");
    expect(request.headers.get("x-a")).toBe("1");
    expect(await request.text()).toBe("abc");
  });

  it("gives GET and HEAD no body, and defaults the method to GET", async () => {
    const request = toFetchRequest(head({ url: "/" }), bodyFrames({ data: "x", end: true }), call);
    expect(request.method).toBe("GET");
    expect(request.body).toBeNull();
  });

  it("keeps a path that looks like another host on localhost", () => {
    const request = toFetchRequest(
      head({ method: "GET", url: "//evil.example/x" }),
      undefined,
      call,
    );
    expect(new URL(request.url).host).toBe("localhost");
  });

  it("refuses a URL that is not a path, and headers fetch refuses", () => {
    const notAPath = () => toFetchRequest(head({ url: "http://evil.example/" }), undefined, call);
    expect(notAPath).toThrow(ConnectError);
    expect(notAPath).toThrow(/must be a path starting with "\/"/);
    const badHeader = () =>
      toFetchRequest(head({ url: "/", headers: [{ name: "a b", value: "x" }] }), undefined, call);
    expect(badHeader).toThrow(/bad request head/);
    try {
      badHeader();
    } catch (error) {
      expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    }
  });

  it("gives the Request the call's own signal, asked for only when the handler reads it", () => {
    const controller = new AbortController();
    let reads = 0;
    const lazyCall = {
      get signal() {
        reads++;
        return controller.signal;
      },
    };
    const request = toFetchRequest(head({ url: "/" }), undefined, lazyCall);
    expect(reads).toBe(0);
    controller.abort();
    expect(request.signal).toBe(controller.signal);
    expect(request.signal.aborted).toBe(true);
  });

  it("makes a real Request: instanceof, clone and new Request(request) work", async () => {
    const controller = new AbortController();
    const request = toFetchRequest(
      head({ method: "POST", url: "/x?y=1", headers: [{ name: "a", value: "b" }] }),
      new TextEncoder().encode("body"),
      { signal: controller.signal },
    );
    expect(request).toBeInstanceOf(Request);
    const copy = request.clone();
    const rebuilt = new Request(request);
    expect(copy.url).toBe("http://localhost/x?y=1");
    expect(rebuilt.headers.get("a")).toBe("b");
    expect(await copy.text()).toBe("body");
    // new Request(request) takes the body over, as the Fetch standard says.
    expect(await rebuilt.text()).toBe("body");
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
