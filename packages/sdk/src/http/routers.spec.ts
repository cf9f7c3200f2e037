// Apps written for the Fetch API run unchanged as a ServeHTTP handler: a Hono app and an
// itty-router, each on the three paths a request can take (nothing made real, the runtime's
// Request made for a member the light one does not hold, a streamed body each way).
import "./fetch-globals.js";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { AutoRouter } from "itty-router";
import { describe, expect, it } from "vitest";
import { responseFrames, responseParts } from "./fetch-bridge.js";
import { isMaterialized } from "./light-request.js";
import { frames, request } from "./test-fixtures/plugin-requests.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the SDK sends for a response: status, headers and the body, whole or streamed. */
async function sent(response: Response) {
  const parts = responseParts(response);
  const chunks: string[] = [];
  for await (const { frame } of responseFrames(response)) {
    if (frame?.case === "body" && frame.value.data) chunks.push(decoder.decode(frame.value.data));
  }
  return { status: parts.status, whole: parts.body !== undefined, body: chunks.join("") };
}

const streamed = () =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("one,"));
      controller.enqueue(encoder.encode("two"));
      controller.close();
    },
  });

describe("a Hono app as the handler", () => {
  const app = new Hono()
    .get("/hello/:name", (c) => c.json({ hello: c.req.param("name"), q: c.req.query("q") }))
    .post("/echo", async (c) => c.json(await c.req.json(), 201))
    .post("/form", async (c) => c.text(String((await c.req.formData()).get("a"))))
    .post("/upload", async (c) => c.text((await c.req.text()).toUpperCase()))
    .get("/stream", (c) => c.body(streamed()));

  it("answers a route with JSON without making a Request or a stream", async () => {
    const req = request({ method: "GET", url: "/hello/ann?q=1" });
    const answer = await sent(await app.fetch(req));
    expect(answer).toEqual({ status: 200, whole: true, body: '{"hello":"ann","q":"1"}' });
    expect(isMaterialized(req)).toBe(false);
  });

  it("reads a whole JSON body without making a Request", async () => {
    const req = request({ method: "POST", url: "/echo" }, encoder.encode('{"a":[1]}'));
    expect(await sent(await app.fetch(req))).toEqual({
      status: 201,
      whole: true,
      body: '{"a":[1]}',
    });
    expect(isMaterialized(req)).toBe(false);
  });

  it("makes the Request for form data", async () => {
    const req = request(
      {
        method: "POST",
        url: "/form",
        headers: [{ name: "content-type", value: "application/x-www-form-urlencoded" }],
      },
      encoder.encode("a=b%20c"),
    );
    expect((await sent(await app.fetch(req))).body).toBe("b c");
    expect(isMaterialized(req)).toBe(true);
  });

  it("streams a body in and out", async () => {
    const upload = request({ method: "POST", url: "/upload" }, frames("ab", "cd"));
    expect((await sent(await app.fetch(upload))).body).toBe("ABCD");
    const download = await sent(await app.fetch(request({ method: "GET", url: "/stream" })));
    expect(download).toEqual({ status: 200, whole: false, body: "one,two" });
  });

  it("answers 404 for a path it has no route for", async () => {
    expect((await sent(await app.fetch(request({ url: "/nothing" })))).status).toBe(404);
  });
});

describe("server-sent events from a Hono app", () => {
  it("sends each event as it is written, before the stream ends, without keeping the body", async () => {
    let release!: () => void;
    const second = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app = new Hono().get("/events", (c) =>
      streamSSE(c, async (stream) => {
        await stream.writeSSE({ event: "tick", data: "1" });
        await second;
        await stream.writeSSE({ event: "tick", data: "2" });
      }),
    );
    const response = await app.fetch(request({ url: "/events" }));
    expect(responseParts(response).body).toBeUndefined();
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const frames = responseFrames(response);
    expect((await frames.next()).value?.frame.case).toBe("head");
    const first = (await frames.next()).value?.frame;
    expect(first?.case === "body" && decoder.decode(first.value.data)).toBe(
      "event: tick\ndata: 1\n\n",
    );
    release();
    const rest: string[] = [];
    for await (const { frame } of frames) {
      if (frame?.case === "body" && frame.value.data) rest.push(decoder.decode(frame.value.data));
    }
    expect(rest.join("")).toBe("event: tick\ndata: 2\n\n");
  });
});

describe("an itty-router as the handler", () => {
  const router = AutoRouter()
    .get("/items/:id", ({ params, query }) => ({ id: params.id, sort: query.sort }))
    .post("/items", async (req) => new Response(JSON.stringify(await req.json()), { status: 201 }))
    .get("/clone", (req) => new Response(req.clone().url))
    .get("/stream", () => new Response(streamed()));

  it("answers JSON without making a Request or a stream", async () => {
    const req = request({ url: "/items/7?sort=asc" });
    const answer = await sent(await router.fetch(req));
    expect(answer).toEqual({ status: 200, whole: true, body: '{"id":"7","sort":"asc"}' });
    expect(isMaterialized(req)).toBe(false);
  });

  it("reads a whole body, makes the Request for clone(), and streams", async () => {
    const created = request({ method: "POST", url: "/items" }, encoder.encode('{"n":1}'));
    expect(await sent(await router.fetch(created))).toEqual({
      status: 201,
      whole: true,
      body: '{"n":1}',
    });
    const cloned = request({ url: "/clone" });
    expect((await sent(await router.fetch(cloned))).body).toBe("http://localhost/clone");
    expect(isMaterialized(cloned)).toBe(true);
    expect((await sent(await router.fetch(request({ url: "/stream" })))).body).toBe("one,two");
  });
});
