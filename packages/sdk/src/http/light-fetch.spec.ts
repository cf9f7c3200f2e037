import "./fetch-globals.js";
import { describe, expect, it } from "vitest";
import { responseFrames, responseParts } from "./fetch-bridge.js";
import { isMaterialized } from "./light-request.js";
import { keptAnswer } from "./light-response.js";
import { nativeRequestClass, nativeResponseClass } from "./native-fetch.js";
import { frames, request } from "./test-fixtures/plugin-requests.js";

const NativeRequest = nativeRequestClass();
const NativeResponse = nativeResponseClass();

const encoder = new TextEncoder();

describe("the Request a handler receives", () => {
  it("answers method, URL, headers and a whole body without making the runtime's Request", async () => {
    const req = request(
      {
        method: "post",
        url: "/items?x=1",
        headers: [{ name: "Content-Type", value: "application/json" }],
      },
      encoder.encode('{"a":1}'),
    );
    expect(req.method).toBe("POST");
    expect(req.url).toBe("http://localhost/items?x=1");
    expect(req.headers.get("content-type")).toBe("application/json");
    expect(req.bodyUsed).toBe(false);
    expect(await req.json()).toEqual({ a: 1 });
    expect(req.bodyUsed).toBe(true);
    expect(isMaterialized(req)).toBe(false);
    await expect(req.text()).rejects.toThrow(TypeError);
  });

  it("is a Request of the runtime and of the global class", () => {
    const req = request({ url: "/" });
    expect(req).toBeInstanceOf(NativeRequest);
    expect(req).toBeInstanceOf(Request);
    expect(Object.prototype.toString.call(req)).toBe("[object Request]");
  });

  it("makes the runtime's Request for the members it does not hold, with the same answers", async () => {
    const req = request(
      { method: "PUT", url: "/x", headers: [{ name: "a", value: "b" }] },
      encoder.encode("body"),
    );
    expect(req.cache).toBe("default");
    expect(isMaterialized(req)).toBe(true);
    const copy = req.clone();
    expect(copy.headers.get("a")).toBe("b");
    expect(await copy.text()).toBe("body");
    expect(await new Response(req.body).text()).toBe("body");
  });

  it("can be given to new Request, which takes its body over", async () => {
    const req = request({ method: "POST", url: "/x?y=1" }, encoder.encode("body"));
    const rebuilt = new Request(req, { headers: { c: "d" } });
    expect(rebuilt.url).toBe("http://localhost/x?y=1");
    expect(rebuilt.headers.get("c")).toBe("d");
    expect(await rebuilt.text()).toBe("body");
  });

  it("reads a streamed body as the frames come", async () => {
    const req = request({ method: "POST", url: "/up" }, frames("ab", "", "c"));
    expect(await req.text()).toBe("abc");
    expect(req.bodyUsed).toBe(true);
  });

  it("answers a body already read here as read once the runtime's Request is made", async () => {
    const req = request({ method: "POST", url: "/" }, encoder.encode("once"));
    expect(await req.text()).toBe("once");
    expect(req.bodyUsed).toBe(true);
    expect(() => req.clone()).toThrow(TypeError);
  });

  it("reads no body as empty, any number of times", async () => {
    const req = request({ method: "GET", url: "/" });
    expect(await req.text()).toBe("");
    expect(await req.text()).toBe("");
    expect(req.body).toBeNull();
  });

  it("has the URL the runtime's Request would have for any path", () => {
    for (const path of [
      "/a/../b",
      "/a/./b",
      "/x y",
      "/é",
      "//evil.example/x",
      "/a?b=c d",
      "/%2e%2e/b",
      "/a#f",
      "/ok/path.js?q=1",
    ]) {
      expect(request({ url: path }).url, path).toBe(
        new NativeRequest(`http://localhost${path}`).url,
      );
    }
  });

  it("upper-cases the methods the runtime's Request does, and refuses those it refuses", () => {
    expect(request({ method: "delete", url: "/" }).method).toBe("DELETE");
    expect(request({ method: "patch", url: "/" }).method).toBe("patch");
    expect(() => request({ method: "TRACE", url: "/" })).toThrow(/not an HTTP method/);
    expect(() => request({ method: "a b", url: "/" })).toThrow(/not an HTTP method/);
  });
});

describe("the Response a handler returns", () => {
  it("keeps a JSON answer whole, with its content type, so it is sent without a stream", () => {
    const response = Response.json({ ok: true }, { status: 201, headers: { "x-a": "1" } });
    expect(response).toBeInstanceOf(NativeResponse);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get("content-type")).toBe("application/json");
    const parts = responseParts(response);
    expect(parts.status).toBe(201);
    expect(parts.headers).toEqual([
      { name: "content-type", value: "application/json" },
      { name: "x-a", value: "1" },
    ]);
    expect(new TextDecoder().decode(parts.body)).toBe('{"ok":true}');
    expect(keptAnswer(response)).toBeDefined();
  });

  it("defaults a string body's content type as the runtime does, and keeps bytes as a copy", () => {
    expect(new Response("hi").headers.get("content-type")).toBe(
      new NativeResponse("hi").headers.get("content-type"),
    );
    const bytes = encoder.encode("abc");
    const response = new Response(bytes);
    bytes[0] = 0x7a;
    expect(new TextDecoder().decode(responseParts(response).body)).toBe("abc");
    expect(response.headers.get("content-type")).toBeNull();
  });

  it("answers every other member from the runtime's Response, as it would", async () => {
    const response = new Response("text", { status: 404, statusText: "Nope" });
    expect(response.statusText).toBe("Nope");
    expect(response.ok).toBe(false);
    expect(await response.clone().text()).toBe("text");
    expect(await response.text()).toBe("text");
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    // Made real, it is sent from its (read) stream, no longer from what it kept.
    expect(keptAnswer(response)).toBeUndefined();
  });

  it("refuses what the runtime refuses, with the runtime's errors", () => {
    expect(() => new Response("x", { status: 99 })).toThrow(RangeError);
    expect(() => new Response("x", { status: 204 })).toThrow(TypeError);
    expect(() => Response.json(undefined)).toThrow(TypeError);
    expect(() => Response.redirect("http://localhost/x", 200 as 301)).toThrow(RangeError);
    expect(Response.redirect("http://localhost/x", 303).headers.get("location")).toBe(
      "http://localhost/x",
    );
  });

  it("counts the runtime's own responses as Responses", async () => {
    expect(new NativeResponse("x")).toBeInstanceOf(Response);
    expect(NativeResponse.error()).toBeInstanceOf(Response);
  });

  it("sends a streamed body chunk by chunk", async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode("a"));
        controller.enqueue(encoder.encode("b"));
        controller.close();
      },
    });
    const sent: string[] = [];
    for await (const { frame } of responseFrames(new Response(stream, { status: 200 }))) {
      if (frame?.case === "body")
        sent.push(new TextDecoder().decode(frame.value.data ?? new Uint8Array()));
    }
    expect(sent).toEqual(["a", "b", ""]);
  });
});
