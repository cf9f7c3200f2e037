// proxyPluginRequest between a real node:http server and a real plugin process: the plugin sees
// only the host's word on who is asking, errors come back as v4 error bodies, and bodies of any
// size stream through both ways, byte for byte, stopping when the client goes away.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { Agent, createServer, type IncomingMessage, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { patternBytes, writeRecordingPlugin } from "../test-fixtures/recording-plugin.js";
import { startTestHost, type TestHost } from "../test-fixtures/test-host.js";
import { proxyPluginRequest } from "./plugin-proxy.js";

const pluginId = "test.http";
const MIB = 1024 * 1024;

let t: TestHost;
let server: Server;
let baseUrl: string;
const proxied: Promise<void>[] = [];

beforeAll(async () => {
  // A long first backoff keeps a crashed plugin "restarting" long enough to be asked.
  t = await startTestHost({ restart: { initialBackoffMs: 1_500 } });
  await t.host.loadPlugin(await writeRecordingPlugin(join(t.root, "http"), { id: pluginId }));
  await t.host.loadPlugin(
    await writeRecordingPlugin(join(t.root, "quiet"), { id: "test.quiet", serveHttp: false }),
  );
  await t.host.loadPlugin(await writeRecordingPlugin(join(t.root, "off"), { id: "test.off" }));
  await t.host.enablePlugin(pluginId);
  await t.host.enablePlugin("test.quiet");

  // Stands in for the REST server: x-test-user plays the part of a valid session token.
  server = createServer((req, res) => {
    const match = /^\/plugins\/([^/?]+)(.*)$/.exec(req.url ?? "");
    const userId = req.headers["x-test-user"];
    proxied.push(
      proxyPluginRequest(t.host, req, res, {
        pluginId: match?.[1] ?? "",
        path: match?.[2] || "/",
        context: { requestId: "request-1", userId: typeof userId === "string" ? userId : "" },
        remoteAddr: req.socket.remoteAddress ?? "",
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await t?.dispose();
});

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Sends `body` in chunks while reading the response; resolves with the response and its bytes. */
async function exchange(
  method: string,
  path: string,
  body: Iterable<Uint8Array> = [],
): Promise<{ response: IncomingMessage; bytes: Buffer }> {
  const req = request(`${baseUrl}${path}`, { method });
  // Reads the response while the request is still being sent, as HTTP clients do.
  const received = (async () => {
    const [response] = (await once(req, "response")) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { response, bytes: Buffer.concat(chunks) };
  })();
  for (const chunk of body) {
    if (!req.write(chunk)) await once(req, "drain");
  }
  req.end();
  return received;
}

function* patternChunks(total: number, chunkSize: number): Generator<Uint8Array> {
  for (let offset = 0; offset < total; offset += chunkSize) {
    yield patternBytes(offset, Math.min(chunkSize, total - offset));
  }
}

describe("who is asking", () => {
  it("the plugin sees the authenticated user's id in Mattermost-User-Id, never the client's", async () => {
    const response = await fetch(`${baseUrl}/plugins/${pluginId}/whoami?x=1`, {
      headers: { "Mattermost-User-Id": "spoofed-admin", "x-test-user": "alice-id" },
    });
    const seen = (await response.json()) as {
      userId: string;
      headers: [string, string][];
      path: string;
    };

    expect(response.status).toBe(200);
    expect(seen.userId).toBe("alice-id");
    expect(seen.path).toBe("/whoami?x=1");
    expect(seen.headers.filter(([name]) => name === "mattermost-user-id")).toEqual([
      ["mattermost-user-id", "alice-id"],
    ]);
  });

  it("an anonymous request reaches the plugin with no Mattermost-User-Id at all", async () => {
    const response = await fetch(`${baseUrl}/plugins/${pluginId}/whoami`, {
      headers: { "mattermost-user-id": "spoofed-admin" },
    });
    const seen = (await response.json()) as { headers: [string, string][] };
    expect(seen.headers.map(([name]) => name)).not.toContain("mattermost-user-id");
  });
});

describe("errors, as Mattermost's v4 error body", () => {
  it.each([
    ["a plugin that is not loaded", "test.absent", 404, "app.plugin.not_found"],
    ["a plugin without ServeHTTP", "test.quiet", 404, "app.plugin.http.not_implemented"],
    ["a loaded plugin that is not active", "test.off", 503, "app.plugin.not_active"],
  ])("%s: %s answers %i", async (_what, id, status, errorId) => {
    const response = await fetch(`${baseUrl}/plugins/${id}/whoami`);

    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({
      id: errorId,
      message: expect.stringContaining(id),
      detailed_error: "",
      request_id: "request-1",
      status_code: status,
    });
  });

  it("503 while the plugin restarts after a crash, and 200 again once it is back", async () => {
    await fetch(`${baseUrl}/plugins/${pluginId}/crash`);
    await expect.poll(() => t.host.status(pluginId).state).toBe("restarting");

    const during = await fetch(`${baseUrl}/plugins/${pluginId}/whoami`);
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({
      status_code: 503,
      message: expect.stringContaining("restarting"),
    });

    await expect.poll(() => t.host.status(pluginId).state, { timeout: 10_000 }).toBe("active");
    expect((await fetch(`${baseUrl}/plugins/${pluginId}/whoami`)).status).toBe(200);
  });
});

describe("streaming", () => {
  it("an 8 MiB body goes to the plugin and comes back byte for byte", async () => {
    const sent = Buffer.concat([...patternChunks(8 * MIB, 100_000)]);

    const { response, bytes } = await exchange("POST", `/plugins/${pluginId}/echo`, [sent]);

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/octet-stream");
    expect(bytes.length).toBe(sent.length);
    expect(sha256(bytes)).toBe(sha256(sent));
  });

  it("a small body of known length (sent whole, in one call) comes back byte for byte", async () => {
    for (const size of [0, 1, 1000, 64 * 1024]) {
      const sent = patternBytes(7, size);
      const response = await fetch(`${baseUrl}/plugins/${pluginId}/echo`, {
        method: "POST",
        body: sent,
      });
      expect(response.status).toBe(200);
      // Answered whole: with its length, as a server answering itself would, not chunked.
      expect(response.headers.get("content-length")).toBe(String(size));
      expect(response.headers.get("transfer-encoding")).toBeNull();
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(sent));
    }
  });

  it("a whole answer keeps the plugin's own Content-Length, once, and HEAD gets no body", async () => {
    const { response, bytes } = await exchange("GET", `/plugins/${pluginId}/sized`);
    expect(response.rawHeaders.filter((name) => name.toLowerCase() === "content-length")).toEqual([
      "content-length",
    ]);
    expect(response.headers["content-length"]).toBe("5");
    expect(bytes.toString()).toBe("hello");

    const head = await exchange("HEAD", `/plugins/${pluginId}/whoami`);
    expect(head.response.statusCode).toBe(200);
    expect(head.bytes.length).toBe(0);
  });

  it("a whole answer whose Content-Length is wrong goes out with its real length, and a warning", async () => {
    for (const length of ["999", "2"]) {
      const { response, bytes } = await exchange(
        "GET",
        `/plugins/${pluginId}/sized?length=${length}`,
      );
      expect(response.headers["content-length"]).toBe("5");
      expect(bytes.toString()).toBe("hello");
    }
    const warned = t.logs.filter((entry) => entry.msg.includes("with Content-Length"));
    expect(warned.map((entry) => entry.msg)).toEqual([
      `plugin ${pluginId} answered GET /plugins/${pluginId}/sized?length=999 with Content-Length 999 for a body of 5 bytes; sent 5`,
      `plugin ${pluginId} answered GET /plugins/${pluginId}/sized?length=2 with Content-Length 2 for a body of 5 bytes; sent 5`,
    ]);
    // The connection is still good for the next request.
    expect((await fetch(`${baseUrl}/plugins/${pluginId}/whoami`)).status).toBe(200);
  });

  it("pipelined requests on one connection are all answered, in order, without a listener warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
    try {
      await once(socket, "connect");
      const count = 12;
      let received = "";
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
      });
      let requests = "";
      for (let i = 0; i < count; i++) {
        requests += `GET /plugins/${pluginId}/whoami?n=${i} HTTP/1.1\r\nHost: x\r\n\r\n`;
      }
      socket.write(requests);
      await expect.poll(() => received.match(/HTTP\/1\.1 200/g)?.length ?? 0).toBe(count);
      const paths = [...received.matchAll(/"path":"\/whoami\?n=(\d+)"/g)].map((m) => Number(m[1]));
      expect(paths).toEqual([...Array(count).keys()]);
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
      socket.destroy();
    }
  });

  it("a client that goes away cancels a request sent whole, and its connection's next one is served", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // One keep-alive connection: its first request is answered, the second waits in the
      // plugin until the client goes away.
      const first = await new Promise<IncomingMessage>((resolve, reject) =>
        request(`${baseUrl}/plugins/${pluginId}/whoami`, { agent }, resolve)
          .on("error", reject)
          .end(),
      );
      first.resume();
      await once(first, "end");
      const hanging = request(`${baseUrl}/plugins/${pluginId}/hang`, { agent });
      hanging.on("error", () => {});
      hanging.end();
      await expect.poll(() => t.pluginMessages(pluginId)).toContain("hang started");
      hanging.destroy();

      await expect.poll(() => t.pluginMessages(pluginId)).toContain("hang cancelled");
      const cancelled = t.logs.find((e) => e.msg === "hang cancelled");
      expect(cancelled?.fields.same).toBe(true);
    } finally {
      agent.destroy();
    }
    // The host carries on serving.
    expect((await fetch(`${baseUrl}/plugins/${pluginId}/whoami`)).status).toBe(200);
  });

  it("a 12 MiB upload reaches the plugin whole, in order", async () => {
    const total = 12 * MIB;
    const { bytes } = await exchange(
      "PUT",
      `/plugins/${pluginId}/digest`,
      patternChunks(total, 300_000),
    );
    expect(JSON.parse(bytes.toString())).toEqual({
      length: total,
      sha256: sha256(Buffer.concat([...patternChunks(total, MIB)])),
    });
  });

  it("a 16 MiB download arrives whole, in order", async () => {
    const total = 16 * MIB;
    const { bytes } = await exchange("GET", `/plugins/${pluginId}/pattern?bytes=${total}`);
    expect(bytes.length).toBe(total);
    expect(sha256(bytes)).toBe(sha256(patternBytes(0, total)));
  });

  it("the echo of the first chunk arrives before the rest of the request is sent", async () => {
    const req = request(`${baseUrl}/plugins/${pluginId}/echo`, { method: "POST" });
    req.write(patternBytes(0, 64 * 1024));
    const [response] = (await once(req, "response")) as [IncomingMessage];
    const [first] = (await once(response, "data")) as [Buffer];
    expect(first.length).toBeGreaterThan(0);
    expect(Buffer.compare(first, Buffer.from(patternBytes(0, first.length)))).toBe(0);
    req.end();
    response.resume();
    await once(response, "end");
  });

  it("a client that stops reading holds up only its own request", async () => {
    // The plugin echoes what it reads, and this client reads nothing back: once every buffer
    // on the way is full, its request stops moving, and nothing else may stop with it.
    const stalled = request(`${baseUrl}/plugins/${pluginId}/echo`, { method: "POST" });
    stalled.on("error", () => {});
    // With no listener, node:http would read the response and drop it.
    stalled.on("response", (response: IncomingMessage) => response.pause());
    let written = 0;
    for (const chunk of patternChunks(64 * MIB, MIB)) {
      written += chunk.length;
      if (!stalled.write(chunk)) {
        const drained = once(stalled, "drain").then(() => true);
        const stuck = new Promise<boolean>((resolve) => setTimeout(resolve, 500, false));
        if (!(await Promise.race([drained, stuck]))) break;
      }
    }
    expect(written).toBeLessThan(64 * MIB);

    const { bytes } = await exchange(
      "PUT",
      `/plugins/${pluginId}/digest`,
      patternChunks(4 * MIB, 300_000),
    );
    expect(JSON.parse(bytes.toString())).toMatchObject({ length: 4 * MIB });
    const whoami = await fetch(`${baseUrl}/plugins/${pluginId}/whoami`);
    expect(whoami.status).toBe(200);
    stalled.destroy();
  });

  it("a client that goes away mid-download cancels the plugin's stream", async () => {
    const settledBefore = proxied.length;
    const req = request(`${baseUrl}/plugins/${pluginId}/pattern?bytes=${1024 * MIB}`);
    req.end();
    const [response] = (await once(req, "response")) as [IncomingMessage];
    let received = 0;
    for await (const chunk of response) {
      received += (chunk as Buffer).length;
      if (received > 2 * MIB) break;
    }
    req.destroy();

    await expect.poll(() => t.pluginMessages(pluginId)).toContain("pattern cancelled");
    const cancelled = t.logs.find((e) => e.msg === "pattern cancelled");
    expect(cancelled?.fields.sent as number).toBeLessThan(1024 * MIB);
    await Promise.all(proxied.slice(settledBefore));
  });
});
