import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code } from "@connectrpc/connect";
import {
  InternalError,
  NotFoundError,
  PluginAPIError,
  UnauthenticatedError,
  ValidationError,
} from "@plugwire/errors";
import { FileInfoSchema, type PluginAPI } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import { type PluginApiServer, startPluginApiServer } from "./api-server.js";
import { connectPluginApi, type PluginApiConnection } from "./test-fixtures/plugin-api-client.js";

const TOKEN = "s3cret-token";

let dir: string;
let socketPath: string;
let server: PluginApiServer | undefined;
const connections: PluginApiConnection[] = [];

beforeEach(async () => {
  // Short on purpose: Unix socket paths are limited to about 107 bytes.
  dir = await mkdtemp(join(tmpdir(), "pw-"));
  socketPath = join(dir, "api.sock");
});
afterEach(async () => {
  for (const connection of connections.splice(0)) {
    connection.close();
  }
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function serve(
  service: Partial<ServiceImpl<typeof PluginAPI>>,
  maxMessageBytes?: number,
): Promise<void> {
  server = await startPluginApiServer({ socketPath, token: TOKEN, service, maxMessageBytes });
}

function connectWith(authorization?: string) {
  const connection = connectPluginApi(socketPath, authorization);
  connections.push(connection);
  return connection.client;
}

const authorized = () => connectWith(`Bearer ${TOKEN}`);

async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) {
    items.push(item);
  }
  return items;
}

describe("startPluginApiServer", () => {
  it("answers calls that carry the plugin's token", async () => {
    await serve({ getServerVersion: () => ({ version: "9.5.0" }) });
    expect(await authorized().getServerVersion({})).toMatchObject({ version: "9.5.0" });
  });

  it("refuses a call without a token, naming the header and where the token is", async () => {
    await serve({ getServerVersion: () => ({ version: "9.5.0" }) });
    const error = await failureOf(connectWith().getServerVersion({}));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.id).toBe("api.auth.missing_token");
    expect(error.message).toContain("PLUGWIRE_API_TOKEN");
  });

  it.each([
    ["another token", "Bearer other"],
    ["the token without the scheme", TOKEN],
    ["a lower-case scheme", `bearer ${TOKEN}`],
    ["a token differing in its last character", "Bearer s3cret-tokeN"],
    ["a longer token", `Bearer ${TOKEN}x`],
  ])("refuses %s", async (_case, authorization) => {
    await serve({ getServerVersion: () => ({ version: "9.5.0" }) });
    const error = await failureOf(connectWith(authorization).getServerVersion({}));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.id).toBe("api.auth.invalid_token");
  });

  it("checks the token of every call, also on a connection that presented it before", async () => {
    await serve({ getServerVersion: () => ({ version: "9.5.0" }) });
    const client = connectWith();
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    expect(await client.getServerVersion({}, bearer(TOKEN))).toMatchObject({ version: "9.5.0" });
    expect(await client.getServerVersion({}, bearer(TOKEN))).toMatchObject({ version: "9.5.0" });
    const wrong = await failureOf(client.getServerVersion({}, bearer("other")));
    expect(wrong.id).toBe("api.auth.invalid_token");
    const missing = await failureOf(client.getServerVersion({}));
    expect(missing.id).toBe("api.auth.missing_token");
  });

  it("refuses streaming calls without the token before the handler runs", async () => {
    let ran = false;
    await serve({
      async *getFile() {
        ran = true;
        yield {};
      },
    });
    await expect(drain(connectWith("Bearer nope").getFile({ fileId: "f" }))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(ran).toBe(false);
  });

  it("sends a unary handler's PluginAPIError back whole", async () => {
    await serve({
      getUser: () => {
        throw new NotFoundError({
          id: "store.user.not_found",
          message: "No user has id u1.",
          params: { user_id: "u1" },
        });
      },
    });
    const error = await failureOf(authorized().getUser({ userId: "u1" }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ id: "store.user.not_found", params: { user_id: "u1" } });
  });

  it("sends a PluginAPIError thrown in the middle of a response stream back whole", async () => {
    await serve({
      async *getFile() {
        yield { frame: { case: "fileInfo", value: create(FileInfoSchema, { id: "f1" }) } };
        throw new NotFoundError({
          id: "store.file.not_found",
          message: "gone",
          params: { file_id: "f1" },
        });
      },
    });
    const received: unknown[] = [];
    const error = await failureOf(
      (async () => {
        for await (const frame of authorized().getFile({ fileId: "f1" })) {
          received.push(frame);
        }
      })(),
    );
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ id: "store.file.not_found", params: { file_id: "f1" } });
  });

  it("sends a client-streaming handler's PluginAPIError back whole, status code included", async () => {
    await serve({
      uploadFile: async () => {
        throw new ValidationError({ id: "too.large", message: "too large", statusCode: 413 });
      },
    });
    const error = await failureOf(authorized().uploadFile((async function* () {})()));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ id: "too.large", statusCode: 413 });
  });

  it("turns any other error into InternalError with its message, in streams too", async () => {
    await serve({
      getUser: () => {
        throw new Error("handler bug");
      },
      // biome-ignore lint/correctness/useYield: the stream fails before its first message, as the spec needs
      async *getFile() {
        throw new TypeError("stream bug");
      },
    });
    expect(await failureOf(authorized().getUser({}))).toMatchObject({
      name: "InternalError",
      message: "handler bug",
    });
    const error = await failureOf(drain(authorized().getFile({})));
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe("stream bug");
  });

  it("refuses a message larger than maxMessageBytes", async () => {
    await serve({ kVSet: () => ({}) }, 1024);
    const client = authorized();
    await expect(client.kVSet({ key: "k", value: new Uint8Array(512) })).resolves.toBeDefined();
    const error = await failureOf(client.kVSet({ key: "k", value: new Uint8Array(2048) }));
    expect(error.code).toBe(Code.ResourceExhausted);
  });

  it("makes the socket readable and writable by the host's user only", async () => {
    await serve({});
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
  });

  it("closes with calls in flight, which fail, and frees the socket path", async () => {
    let started: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    await serve({
      async *getFile(_request, context) {
        started();
        yield {};
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      },
    });
    const call = drain(authorized().getFile({ fileId: "f" }));
    await inFlight;
    await server?.close();
    server = undefined;
    await expect(call).rejects.toBeInstanceOf(PluginAPIError);
    expect(existsSync(socketPath)).toBe(false);
    await serve({});
  });

  it("makes an implementation given as a function when the plugin first connects, once", async () => {
    let made = 0;
    server = await startPluginApiServer({
      socketPath,
      token: TOKEN,
      service: () => {
        made++;
        return { getServerVersion: () => ({ version: "9.5.0" }) };
      },
    });
    expect(made).toBe(0);
    const client = authorized();
    expect(await client.getServerVersion({})).toMatchObject({ version: "9.5.0" });
    expect(await client.getServerVersion({})).toMatchObject({ version: "9.5.0" });
    expect(made).toBe(1);
  });

  it("says why it can't listen, and refuses an empty token", async () => {
    await expect(
      startPluginApiServer({
        socketPath: join(dir, "missing", "api.sock"),
        token: TOKEN,
        service: {},
      }),
    ).rejects.toMatchObject({
      id: "api.server.listen_failed",
      message: expect.stringContaining("missing"),
    });
    await expect(
      startPluginApiServer({ socketPath, token: "", service: {} }),
    ).rejects.toMatchObject({
      name: "ValidationError",
      params: { field: "token" },
    });
  });
});
