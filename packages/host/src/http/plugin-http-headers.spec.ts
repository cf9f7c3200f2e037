// The header rules of every request to a plugin: only the host says who is asking, and headers
// about one connection stay on that connection.
import { describe, expect, it } from "vitest";
import { requestHeadersForPlugin, responseHeadersFromPlugin } from "./plugin-http-headers.js";

describe("requestHeadersForPlugin", () => {
  it("replaces any Mattermost-User-Id the client sent, in any case, with the authenticated user's", () => {
    const headers = requestHeadersForPlugin(
      [
        ["Accept", "application/json"],
        ["Mattermost-User-Id", "spoofed"],
        ["MATTERMOST-USER-ID", "spoofed-again"],
      ],
      "alice-id",
    );
    expect(headers).toEqual([
      { name: "accept", value: "application/json" },
      { name: "mattermost-user-id", value: "alice-id" },
    ]);
  });

  it("sends no Mattermost-User-Id for an anonymous request", () => {
    expect(requestHeadersForPlugin([["mattermost-user-id", "spoofed"]], "")).toEqual([]);
  });

  it("drops hop-by-hop headers and those the Connection header names, keeping repeated fields", () => {
    const headers = requestHeadersForPlugin(
      [
        ["Connection", "keep-alive, X-Hop"],
        ["Keep-Alive", "timeout=5"],
        ["Transfer-Encoding", "chunked"],
        ["X-Hop", "1"],
        ["Cookie", "a=1"],
        ["Cookie", "b=2"],
      ],
      undefined,
    );
    expect(headers).toEqual([
      { name: "cookie", value: "a=1" },
      { name: "cookie", value: "b=2" },
    ]);
  });
});

describe("responseHeadersFromPlugin", () => {
  it("passes the plugin's headers, repeated Set-Cookie included, without hop-by-hop ones", () => {
    expect(
      responseHeadersFromPlugin([
        { name: "Content-Type", value: "text/plain" },
        { name: "Set-Cookie", value: "a=1" },
        { name: "Set-Cookie", value: "b=2" },
        { name: "Transfer-Encoding", value: "chunked" },
      ]),
    ).toEqual([
      { name: "content-type", value: "text/plain" },
      { name: "set-cookie", value: "a=1" },
      { name: "set-cookie", value: "b=2" },
    ]);
  });
});
