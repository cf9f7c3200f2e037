import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, type ConnectRouter, createClient } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { PluginAPI } from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorClasses,
  fromConnectError,
  fromErrorDetail,
  fromHttpError,
  InternalError,
  NotFoundError,
  PluginAPIError,
  serverErrorInterceptor,
  toConnectError,
  toErrorDetail,
  toHttpError,
  ValidationError,
  withPluginAPIErrors,
} from "./index.js";

// The server throws whatever the test puts here; the client must get it back intact.
let nextFailure: unknown;

function routes(router: ConnectRouter) {
  router.service(PluginAPI, {
    getUser() {
      throw nextFailure;
    },
  });
}

let server: http2.Http2Server;
let client: ReturnType<typeof createClient<typeof PluginAPI>>;
let sessions: Http2SessionManager;

beforeAll(async () => {
  server = http2.createServer(
    connectNodeAdapter({ routes, interceptors: [serverErrorInterceptor] }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  sessions = new Http2SessionManager(baseUrl);
  client = withPluginAPIErrors(
    createClient(PluginAPI, createGrpcTransport({ baseUrl, sessionManager: sessions })),
  );
});

afterAll(async () => {
  sessions.abort();
  await new Promise((resolve) => server.close(resolve));
});

async function roundTrip(error: unknown): Promise<unknown> {
  nextFailure = error;
  try {
    await client.getUser({ userId: "u1" });
  } catch (received) {
    return received;
  }
  throw new Error("the call did not fail");
}

describe("over a real HTTP/2 connection", () => {
  it.each(errorClasses.map((cls) => [cls.name, cls] as const))(
    "%s arrives as the same class with every field",
    async (_name, cls) => {
      const sent = new cls({
        id: "app.test.failed",
        message: "it failed",
        detailedError: "because of the test",
        where: "PluginAPI.GetUser",
        params: { field: "user_id", limit: 3, nested: { ok: true } },
      });
      const received = await roundTrip(sent);
      expect(received).toBeInstanceOf(cls);
      expect(received).toBeInstanceOf(PluginAPIError);
      const error = received as PluginAPIError;
      expect(error.name).toBe(sent.name);
      expect(error.code).toBe(cls.code);
      expect(error.id).toBe("app.test.failed");
      expect(error.message).toBe("it failed");
      expect(error.detailedError).toBe("because of the test");
      expect(error.statusCode).toBe(cls.statusCode);
      expect(error.where).toBe("PluginAPI.GetUser");
      expect(error.params).toEqual({ field: "user_id", limit: 3, nested: { ok: true } });
    },
  );

  it("keeps a status code that differs from the class default", async () => {
    const received = await roundTrip(new ValidationError({ message: "too big", statusCode: 413 }));
    expect(received).toBeInstanceOf(ValidationError);
    expect((received as ValidationError).statusCode).toBe(413);
  });

  it("delivers an unknown code as the base class, not a crash", async () => {
    const received = await roundTrip(new ConnectError("out of quota", Code.ResourceExhausted));
    expect(received).toBeInstanceOf(PluginAPIError);
    expect(errorClasses.some((cls) => received instanceof cls)).toBe(false);
    expect((received as PluginAPIError).code).toBe(Code.ResourceExhausted);
    expect((received as PluginAPIError).message).toBe("out of quota");
  });

  it("turns a plain thrown Error into InternalError with its message", async () => {
    const received = await roundTrip(new TypeError("x is undefined"));
    expect(received).toBeInstanceOf(InternalError);
    expect((received as InternalError).message).toBe("x is undefined");
  });
});

describe("ConnectError conversion", () => {
  it("is lossless both ways", () => {
    const original = new NotFoundError({
      id: "a.b",
      message: "no such user",
      params: { id: "u1" },
    });
    const back = fromConnectError(toConnectError(original));
    expect(back).toBeInstanceOf(NotFoundError);
    expect({ ...back, cause: undefined }).toEqual({ ...original, cause: undefined });
  });
});

describe("ErrorDetail conversion", () => {
  it("gives back the class of the status, with every field", () => {
    const original = new ValidationError({
      id: "a.b",
      message: "bad value",
      statusCode: 400,
      where: "PluginAPI.X",
      params: { field: "desktop" },
    });
    const back = fromErrorDetail(toErrorDetail(original));
    expect(back).toBeInstanceOf(ValidationError);
    expect({ ...back }).toEqual({ ...original });
    const unusual = fromErrorDetail(
      toErrorDetail(new PluginAPIError({ message: "?", statusCode: 418 })),
    );
    expect(unusual.constructor).toBe(PluginAPIError);
    expect(unusual.statusCode).toBe(418);
  });
});

describe("HTTP error body", () => {
  it("has Mattermost's v4 fields and maps back to the class", () => {
    const { status, body } = toHttpError(
      new NotFoundError({ id: "app.user.missing", message: "no such user", detailedError: "d" }),
      "req1",
    );
    expect(status).toBe(404);
    expect(body).toEqual({
      id: "app.user.missing",
      message: "no such user",
      detailed_error: "d",
      request_id: "req1",
      status_code: 404,
    });
    const back = fromHttpError(status, body);
    expect(back).toBeInstanceOf(NotFoundError);
    expect(back.id).toBe("app.user.missing");
  });

  it("reads a body that is not an error body as the class of the status", () => {
    const error = fromHttpError(503, "<html>busy</html>");
    expect(error).toBeInstanceOf(PluginAPIError);
    expect(error.message).toBe("HTTP 503");
  });
});
