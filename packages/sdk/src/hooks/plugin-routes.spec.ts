import {
  clone,
  create,
  type DescMessage,
  type JsonObject,
  type MessageShape,
} from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import {
  fromConnectError,
  InternalError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from "@plugwire/errors";
import {
  ChannelMemberSchema,
  type FileWillBeUploadedRequest,
  FileWillBeUploadedRequestSchema,
  type FileWillBeUploadedResponse,
  type HookName,
  MAX_CHUNK_BYTES,
  PluginAPI,
  PluginHooks,
  PostSchema,
  type ServeHTTPRequest,
  ServeHTTPRequestSchema,
  TeamMemberSchema,
  UserSchema,
} from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../logger/logger.js";
import { plain } from "../models/plain.js";
import { Plugin } from "../plugin/plugin.js";
import {
  allow,
  dismiss,
  type LoginDecision,
  modify,
  modifyFile,
  type PostDecision,
  reject,
} from "./decisions.js";
import { definePlugin } from "./define-plugin.js";
import type { HookContext } from "./hook-context.js";
import { hook } from "./hook-decorator.js";
import type { HookHandlers } from "./hook-handlers.js";
import { createPluginRoutes, type PluginRoutesOptions } from "./plugin-routes.js";

const token = "secret-token";
const bearer = { authorization: `Bearer ${token}` };

/** A fake PluginAPI that records the authorization header of every call. */
function fakeAPI(config: JsonObject = { greeting: "hello" }) {
  const authorizations: (string | null)[] = [];
  const transport = createRouterTransport((router) =>
    router.service(PluginAPI, {
      getPluginConfig(_request, context) {
        authorizations.push(context.requestHeader.get("authorization"));
        return { config };
      },
    }),
  );
  return { transport, authorizations };
}

/** Serves `pluginClass` in memory and returns a PluginHooks client plus the plugin. */
function serve<P extends Plugin>(
  pluginClass: new (...args: ConstructorParameters<typeof Plugin>) => P,
  options: Partial<PluginRoutesOptions> = {},
) {
  const api = fakeAPI();
  const logs: LogEntry[] = [];
  const served = createPluginRoutes(pluginClass, {
    api: api.transport,
    token,
    logSink: (entry) => logs.push(entry),
    logLevel: "debug",
    manifest: { id: "com.example.test" },
    ...options,
  });
  const client = createClient(PluginHooks, createRouterTransport(served.routes));
  return { ...served, client, api, logs };
}

/** Calls a client method and returns the error it fails with as a PluginAPIError. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return fromConnectError(ConnectError.from(error));
  }
  throw new Error("the call did not fail");
}

const pluginContext = {
  requestId: "req-1",
  sessionId: "sess-1",
  userId: "user-1",
  ipAddress: "10.0.0.1",
  acceptLanguage: "de",
  userAgent: "test-agent",
};
const expectedContext = { ...pluginContext, signal: expect.any(AbortSignal) };
const emptyContext = {
  requestId: "",
  sessionId: "",
  userId: "",
  ipAddress: "",
  acceptLanguage: "",
  userAgent: "",
  signal: expect.any(AbortSignal),
};

const post = create(PostSchema, { id: "p1", channelId: "c1", message: "hello", props: { a: 1 } });
const oldPost = create(PostSchema, { id: "p1", message: "before" });
const user = create(UserSchema, { id: "u1", username: "alice" });
const actor = create(UserSchema, { id: "u2", username: "admin" });

/** A message as a handler receives it: a plain copy (64-bit fields as numbers). */
function asHandlerGets<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) {
  return plain(schema, clone(schema, message));
}
const postArg = asHandlerGets(PostSchema, post);
const oldPostArg = asHandlerGets(PostSchema, oldPost);
const userArg = asHandlerGets(UserSchema, user);
const actorArg = asHandlerGets(UserSchema, actor);

/** Records every call; returns what `next` says for the hooks that decide. */
class Recorder extends Plugin {
  calls: [HookName, ...unknown[]][] = [];
  nextPostDecision: PostDecision = allow();
  nextLoginDecision: LoginDecision = allow();
  configSeenOnActivate: JsonObject | undefined;

  @hook("OnActivate")
  activate(ctx: HookContext) {
    this.configSeenOnActivate = this.config;
    this.calls.push(["OnActivate", ctx]);
  }

  @hook("OnDeactivate")
  async deactivate(ctx: HookContext) {
    this.calls.push(["OnDeactivate", ctx]);
  }

  @hook("OnConfigurationChange")
  configurationChanged(ctx: HookContext, config: JsonObject) {
    this.calls.push(["OnConfigurationChange", ctx, config, this.config]);
  }

  @hook("OnInstall")
  installed(ctx: HookContext, event: { userId: string }) {
    this.calls.push(["OnInstall", ctx, event]);
  }

  @hook("MessageWillBePosted")
  async willBePosted(ctx: HookContext, p: typeof postArg) {
    this.calls.push(["MessageWillBePosted", ctx, p]);
    return this.nextPostDecision;
  }

  @hook("MessageWillBeUpdated")
  willBeUpdated(ctx: HookContext, newPost: typeof postArg, old: typeof postArg) {
    this.calls.push(["MessageWillBeUpdated", ctx, newPost, old]);
    return this.nextPostDecision;
  }

  @hook("UserWillLogIn")
  willLogIn(ctx: HookContext, u: typeof userArg) {
    this.calls.push(["UserWillLogIn", ctx, u]);
    return this.nextLoginDecision;
  }
}

describe("Implemented", () => {
  it("names the registered hooks plus OnActivate and OnConfigurationChange, in proto order", async () => {
    const { client, implemented } = serve(
      definePlugin({ MessageHasBeenPosted() {}, ExecuteCommand: () => ({}) }),
    );
    const expected = [
      "OnActivate",
      "OnConfigurationChange",
      "MessageHasBeenPosted",
      "ExecuteCommand",
    ];
    expect(implemented).toEqual(expected);
    expect((await client.implemented({}, { headers: bearer })).hooks).toEqual(expected);
  });

  it("leaves hooks without a handler unimplemented", async () => {
    const { client } = serve(definePlugin({}));
    const error = await failure(client.messageHasBeenPosted({ post }, { headers: bearer }));
    expect(error.code).toBe(Code.Unimplemented);
  });
});

describe("lifecycle hooks", () => {
  it("OnActivate takes the configuration the host sends with it, without an API call", async () => {
    const { client, plugin, api } = serve(Recorder);
    await client.onActivate({ config: { greeting: "sent" } }, { headers: bearer });
    expect(plugin.configSeenOnActivate).toEqual({ greeting: "sent" });
    expect(plugin.calls).toEqual([["OnActivate", emptyContext]]);
    expect(api.authorizations).toEqual([]);
  });

  it("OnActivate fetches the plugin configuration, with the token, when the host sent none", async () => {
    const { client, plugin, api } = serve(Recorder);
    await client.onActivate({}, { headers: bearer });
    expect(plugin.configSeenOnActivate).toEqual({ greeting: "hello" });
    expect(plugin.calls).toEqual([["OnActivate", emptyContext]]);
    expect(api.authorizations).toEqual([`Bearer ${token}`]);
  });

  it("OnActivate keeps the configuration current even without a handler", async () => {
    const { client, plugin } = serve(definePlugin({}));
    await client.onActivate({}, { headers: bearer });
    expect(plugin.config).toEqual({ greeting: "hello" });
  });

  it("OnConfigurationChange replaces this.config before the handler sees the new one", async () => {
    const { client, plugin } = serve(Recorder, { config: { old: true } });
    await client.onConfigurationChange({ config: { greeting: "bye" } }, { headers: bearer });
    expect(plugin.calls).toEqual([
      ["OnConfigurationChange", emptyContext, { greeting: "bye" }, { greeting: "bye" }],
    ]);
    expect(plugin.config).toEqual({ greeting: "bye" });
  });

  it("OnDeactivate and OnInstall reach their handlers", async () => {
    const { client, plugin } = serve(Recorder);
    await client.onDeactivate({}, { headers: bearer });
    await client.onInstall({ context: pluginContext, userId: "admin-1" }, { headers: bearer });
    expect(plugin.calls).toEqual([
      ["OnDeactivate", emptyContext],
      ["OnInstall", expectedContext, { userId: "admin-1" }],
    ]);
  });
});

describe("decision hooks", () => {
  it.each([
    ["allow", allow(), { case: "allow" }],
    ["modify", modify({ ...post, message: "edited" }), { case: "modify" }],
    ["reject", reject("no spam"), { case: "reject", value: { reason: "no spam" } }],
    ["dismiss", dismiss(), { case: "dismiss" }],
  ] as const)(
    "MessageWillBePosted maps %s onto the PostDecision oneof",
    async (_n, decision, outcome) => {
      const { client, plugin } = serve(Recorder);
      plugin.nextPostDecision = decision;
      const response = await client.messageWillBePosted(
        { context: pluginContext, post },
        { headers: bearer },
      );
      expect(response.decision?.outcome).toMatchObject(outcome);
      expect(plugin.calls).toEqual([["MessageWillBePosted", expectedContext, postArg]]);
    },
  );

  it("MessageWillBePosted sends a modified post whole", async () => {
    const { client, plugin } = serve(Recorder);
    plugin.nextPostDecision = modify({ ...post, message: "edited" });
    const { decision } = await client.messageWillBePosted({ post }, { headers: bearer });
    expect(decision?.outcome.case).toBe("modify");
    expect(decision?.outcome.value).toEqual({ ...post, message: "edited" });
  });

  it("MessageWillBeUpdated passes the new and the old post", async () => {
    const { client, plugin } = serve(Recorder);
    plugin.nextPostDecision = reject("locked");
    const { decision } = await client.messageWillBeUpdated(
      { context: pluginContext, newPost: post, oldPost },
      { headers: bearer },
    );
    expect(decision?.outcome).toMatchObject({ case: "reject", value: { reason: "locked" } });
    expect(plugin.calls).toEqual([["MessageWillBeUpdated", expectedContext, postArg, oldPostArg]]);
  });

  it.each([
    ["allow", allow(), { case: "allow" }],
    ["reject", reject("suspended"), { case: "reject", value: { reason: "suspended" } }],
  ] as const)(
    "UserWillLogIn maps %s onto the LoginDecision oneof",
    async (_n, decision, outcome) => {
      const { client, plugin } = serve(Recorder);
      plugin.nextLoginDecision = decision;
      const response = await client.userWillLogIn(
        { context: pluginContext, user },
        { headers: bearer },
      );
      expect(response.decision?.outcome).toMatchObject(outcome);
      expect(plugin.calls).toEqual([["UserWillLogIn", expectedContext, userArg]]);
    },
  );

  it("fails, naming the hook, when a handler returns something that is no decision", async () => {
    const { client } = serve(definePlugin({ MessageWillBePosted: () => post as never }));
    const error = await failure(client.messageWillBePosted({ post }, { headers: bearer }));
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toMatch(
      /^MessageWillBePosted failed: the handler must return allow\(\), modify\(post\), reject\(reason\) or dismiss\(\)/,
    );

    const login = serve(definePlugin({ UserWillLogIn: () => dismiss() as never }));
    const loginError = await failure(login.client.userWillLogIn({ user }, { headers: bearer }));
    expect(loginError.message).toMatch(
      /allow\(\) or reject\(reason\), not a decision of kind "dismiss"/,
    );
  });
});

describe("notification hooks", () => {
  const member = create(ChannelMemberSchema, { channelId: "c1", userId: "u1" });
  const teamMember = create(TeamMemberSchema, { teamId: "t1", userId: "u1" });
  const memberArg = asHandlerGets(ChannelMemberSchema, member);
  const teamMemberArg = asHandlerGets(TeamMemberSchema, teamMember);
  const channel = { id: "c1", name: "town-square" };
  const event = { id: "cache.flush", data: new Uint8Array([1, 2]) };
  const reaction = { userId: "u1", postId: "p1", emojiName: "smile" };
  const preferences = [{ userId: "u1", category: "display_settings", name: "x", value: "1" }];

  // Each hook, the request to send, and the arguments its handler must receive after ctx.
  const cases: {
    [N in HookName]?: [request: Record<string, unknown>, args: unknown[]];
  } = {
    MessageHasBeenPosted: [{ post }, [postArg]],
    MessageHasBeenUpdated: [{ newPost: post, oldPost }, [postArg, oldPostArg]],
    MessageHasBeenDeleted: [{ post }, [postArg]],
    UserHasBeenCreated: [{ user }, [userArg]],
    UserHasLoggedIn: [{ user }, [userArg]],
    UserHasBeenDeactivated: [{ user }, [userArg]],
    ChannelHasBeenCreated: [{ channel }, [expect.objectContaining(channel)]],
    UserHasJoinedChannel: [{ channelMember: member, actor }, [memberArg, actorArg]],
    UserHasLeftChannel: [{ channelMember: member }, [memberArg, undefined]],
    UserHasJoinedTeam: [{ teamMember, actor }, [teamMemberArg, actorArg]],
    UserHasLeftTeam: [{ teamMember }, [teamMemberArg, undefined]],
    OnPluginClusterEvent: [{ event }, [expect.objectContaining(event)]],
    ReactionHasBeenAdded: [{ reaction }, [expect.objectContaining(reaction)]],
    ReactionHasBeenRemoved: [{ reaction }, [expect.objectContaining(reaction)]],
    PreferencesHaveChanged: [{ preferences }, [[expect.objectContaining(preferences[0])]]],
  };

  it.each(Object.entries(cases))(
    "%s passes the request's fields to the handler",
    async (name, c) => {
      const [request, args] = c as [Record<string, unknown>, unknown[]];
      const received: unknown[][] = [];
      const handlers = { [name]: (...call: unknown[]) => void received.push(call) };
      const { client } = serve(definePlugin(handlers as Partial<HookHandlers>));
      const method = PluginHooks.methods.find((m) => m.name === name);
      const call = (
        client as unknown as Record<string, (r: unknown, o: unknown) => Promise<unknown>>
      )[method?.localName ?? ""];
      await call?.({ context: pluginContext, ...request }, { headers: bearer });
      expect(received).toEqual([[expectedContext, ...args]]);
    },
  );

  it("refuses a request without its required message as InvalidArgument", async () => {
    const { client } = serve(definePlugin({ MessageHasBeenPosted() {} }));
    const error = await failure(client.messageHasBeenPosted({}, { headers: bearer }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe("MessageHasBeenPosted: the request has no post");
  });

  it("names a missing field as the proto does", async () => {
    const { client } = serve(definePlugin({ UserHasJoinedTeam() {} }));
    const error = await failure(client.userHasJoinedTeam({ actor }, { headers: bearer }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe("UserHasJoinedTeam: the request has no team_member");
  });
});

describe("ExecuteCommand", () => {
  it("passes the command's arguments and returns the handler's response", async () => {
    const { client } = serve(
      definePlugin({
        ExecuteCommand: async (ctx, args) => ({
          responseType: "ephemeral",
          text: `${args.command} from ${ctx.userId}`,
          extraResponses: [{ text: "more" }],
        }),
      }),
    );
    const { response } = await client.executeCommand(
      { context: pluginContext, args: { command: "/hello world", channelId: "c1" } },
      { headers: bearer },
    );
    expect(response).toMatchObject({
      responseType: "ephemeral",
      text: "/hello world from user-1",
      extraResponses: [{ text: "more" }],
    });
  });
});

describe("ServeHTTP", () => {
  async function* requestFrames(
    frames: Parameters<typeof create<typeof ServeHTTPRequestSchema>>[1][],
  ): AsyncGenerator<ServeHTTPRequest> {
    for (const frame of frames) {
      yield create(ServeHTTPRequestSchema, frame);
    }
  }

  it("hands the handler a Request and streams its Response back in chunks with an end flag", async () => {
    const seen: { method: string; url: string; type: string | null; body: string }[] = [];
    const big = new Uint8Array(MAX_CHUNK_BYTES * 2 + 10).fill(7);
    const { client } = serve(
      definePlugin({
        async ServeHTTP(ctx, request) {
          seen.push({
            method: request.method,
            url: request.url,
            type: request.headers.get("content-type"),
            body: await request.text(),
          });
          const headers = new Headers([
            ["set-cookie", "a=1"],
            ["set-cookie", "b=2"],
            ["x-user", ctx.userId],
          ]);
          return new Response(big, { status: 201, headers });
        },
      }),
    );
    const responses = [];
    for await (const frame of client.serveHTTP(
      requestFrames([
        {
          frame: {
            case: "head",
            value: {
              method: "POST",
              url: "/api/echo?x=1",
              headers: [{ name: "content-type", value: "text/plain" }],
              context: pluginContext,
            },
          },
        },
        { frame: { case: "body", value: { data: new TextEncoder().encode("hel") } } },
        { frame: { case: "body", value: { data: new TextEncoder().encode("lo"), end: true } } },
      ]),
      { headers: bearer },
    )) {
      responses.push(frame);
    }
    expect(seen).toEqual([
      { method: "POST", url: "http://localhost/api/echo?x=1", type: "text/plain", body: "hello" },
    ]);
    const [head, ...body] = responses;
    expect(head?.frame).toMatchObject({ case: "head", value: { status: 201 } });
    expect(head?.frame.case === "head" && head.frame.value.headers).toEqual([
      expect.objectContaining({ name: "set-cookie", value: "a=1" }),
      expect.objectContaining({ name: "set-cookie", value: "b=2" }),
      expect.objectContaining({ name: "x-user", value: "user-1" }),
    ]);
    const chunks = body.map((f) => (f.frame.case === "body" ? f.frame.value : undefined));
    expect(chunks.every((c) => c !== undefined && c.data.byteLength <= MAX_CHUNK_BYTES)).toBe(true);
    expect(chunks.reduce((n, c) => n + (c?.data.byteLength ?? 0), 0)).toBe(big.byteLength);
    expect(chunks.map((c) => c?.end)).toEqual([...chunks.slice(1).map(() => false), true]);
  });

  it("answers a handler error before the head as an error naming ServeHTTP", async () => {
    const { client } = serve(
      definePlugin({
        ServeHTTP() {
          throw new NotFoundError({ message: "no such route" });
        },
      }),
    );
    const call = (async () => {
      for await (const _ of client.serveHTTP(
        requestFrames([{ frame: { case: "head", value: { method: "GET", url: "/x" } } }]),
        { headers: bearer },
      )) {
        // The call must fail before any frame.
      }
    })();
    const error = await failure(call);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe("ServeHTTP failed: no such route");
    expect(error.where).toBe("ServeHTTP");
  });
});

describe("ServeMetrics", () => {
  it("answers the head and the whole body in one message", async () => {
    const { client } = serve(
      definePlugin({
        ServeMetrics: (_ctx, request) =>
          new Response(`requests_total{path="${new URL(request.url).pathname}"} 3\n`, {
            headers: { "content-type": "text/plain; version=0.0.4" },
          }),
      }),
    );
    const response = await client.serveMetrics(
      { head: { method: "GET", url: "/metrics" } },
      { headers: bearer },
    );
    expect(response.head?.status).toBe(200);
    expect(response.head?.headers).toContainEqual(
      expect.objectContaining({ name: "content-type", value: "text/plain; version=0.0.4" }),
    );
    expect(new TextDecoder().decode(response.body)).toBe('requests_total{path="/metrics"} 3\n');
  });
});

describe("a handler that throws", () => {
  it("fails the call as InternalError naming the hook and the original message", async () => {
    const { client } = serve(
      definePlugin({
        MessageHasBeenPosted() {
          throw new TypeError("post.props is undefined");
        },
      }),
    );
    const error = await failure(client.messageHasBeenPosted({ post }, { headers: bearer }));
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe("MessageHasBeenPosted failed: post.props is undefined");
    expect(error.where).toBe("MessageHasBeenPosted");
  });

  it("keeps the class and fields of a PluginAPIError, rejected or thrown", async () => {
    const { client } = serve(
      definePlugin({
        async OnActivate() {
          throw new ValidationError({
            id: "plugin.config.invalid",
            message: "ApiKey is required",
            params: { field: "ApiKey" },
          });
        },
      }),
    );
    const error = await failure(client.onActivate({}, { headers: bearer }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.id).toBe("plugin.config.invalid");
    expect(error.message).toBe("OnActivate failed: ApiKey is required");
    expect(error.where).toBe("OnActivate");
    expect(error.params).toEqual({ field: "ApiKey" });
  });
});

describe("the token", () => {
  it.each([
    ["no authorization header", {}],
    ["a wrong token", { authorization: "Bearer guess" }],
    ["a token without the Bearer scheme", { authorization: token }],
  ])("refuses a call with %s as Unauthenticated", async (_case, headers) => {
    const { client, plugin } = serve(Recorder);
    const error = await failure(client.onDeactivate({}, { headers }));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/answers only the host that started it/);
    expect(plugin.calls).toEqual([]);
    await expect(failure(client.implemented({}, { headers }))).resolves.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it("is not checked when the routes are built without one", async () => {
    const { client } = serve(Recorder, { token: undefined });
    await expect(client.onDeactivate({})).resolves.toBeDefined();
  });
});

describe("HookContext.signal", () => {
  it("aborts when the host's deadline passes", async () => {
    let aborted: Promise<unknown> | undefined;
    const { client } = serve(
      definePlugin({
        MessageHasBeenPosted(ctx) {
          aborted = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          return new Promise(() => {});
        },
      }),
    );
    const error = await failure(
      client.messageHasBeenPosted({ post }, { headers: bearer, timeoutMs: 50 }),
    );
    expect(error.code).toBe(Code.DeadlineExceeded);
    await expect(aborted).resolves.toBeDefined();
  });
});

describe("the plugin instance", () => {
  it("gets the manifest, a logger writing to the sink, and the API", async () => {
    const { plugin, logs } = serve(Recorder);
    expect(plugin.manifest).toEqual({
      id: "com.example.test",
      name: "",
      version: "",
      description: "",
      raw: {},
    });
    plugin.logger.debug("hello", { n: 1 });
    expect(logs).toMatchObject([{ level: "debug", msg: "hello", fields: { n: 1 } }]);
    await expect(plugin.api.getPluginConfig()).resolves.toEqual({ greeting: "hello" });
  });
});

describe("MessagesWillBeConsumed", () => {
  it("passes the posts and answers the handler's versions, or none when it returns nothing", async () => {
    const rewrite = serve(
      definePlugin({
        MessagesWillBeConsumed: (_ctx, posts) =>
          posts.filter((p) => p.message.includes("secret")).map((p) => ({ ...p, message: "***" })),
      }),
    );
    const posts = [post, { ...post, id: "p2", message: "a secret" }];
    const answer = await rewrite.client.messagesWillBeConsumed({ posts }, { headers: bearer });
    expect(answer.posts.map((p) => [p.id, p.message])).toEqual([["p2", "***"]]);

    const silent = serve(definePlugin({ MessagesWillBeConsumed: () => undefined }));
    const none = await silent.client.messagesWillBeConsumed({ posts }, { headers: bearer });
    expect(none.posts).toEqual([]);
  });
});

describe("ConfigurationWillBeSaved", () => {
  it("passes the configuration, answers the handler's replacement or none, and fails with its error", async () => {
    const plugin = serve(
      definePlugin({
        ConfigurationWillBeSaved: (_ctx, config) => {
          const email = config.EmailSettings as { FeedbackName?: string };
          if (email.FeedbackName === "refuse") throw new ValidationError({ message: "No." });
          if (email.FeedbackName === "keep") return undefined;
          return { ...config, EmailSettings: { ...email, FeedbackName: "Changed" } };
        },
      }),
    );
    const ask = (name: string) =>
      plugin.client.configurationWillBeSaved(
        { newConfig: { EmailSettings: { FeedbackName: name } } },
        { headers: bearer },
      );
    expect((await ask("x")).config).toEqual({ EmailSettings: { FeedbackName: "Changed" } });
    expect((await ask("keep")).config).toBeUndefined();
    await expect(ask("refuse")).rejects.toThrow(/ConfigurationWillBeSaved failed: No\./);
  });
});

describe("FileWillBeUploaded", () => {
  async function* upload(
    info: Record<string, unknown>,
    ...chunks: Uint8Array[]
  ): AsyncGenerator<FileWillBeUploadedRequest> {
    yield create(FileWillBeUploadedRequestSchema, {
      frame: { case: "head", value: { context: pluginContext, fileInfo: info } },
    });
    for (const chunk of chunks) {
      yield create(FileWillBeUploadedRequestSchema, { frame: { case: "data", value: chunk } });
    }
  }

  async function answerOf(frames: AsyncIterable<FileWillBeUploadedResponse>) {
    const data: Uint8Array[] = [];
    const results = [];
    for await (const { frame } of frames) {
      if (frame.case === "data") data.push(frame.value);
      if (frame.case === "result") results.push(frame.value);
    }
    return { data, results };
  }

  it("streams the content to the handler and its output back in chunks, then the decision", async () => {
    const seen: { ctx: string; name: string; bytes: number }[] = [];
    const { client } = serve(
      definePlugin({
        async FileWillBeUploaded(ctx, info, file, output) {
          let bytes = 0;
          for await (const chunk of file) {
            bytes += chunk.byteLength;
            await output.write(chunk.map((b) => b ^ 0xff));
          }
          await output.write(new Uint8Array(MAX_CHUNK_BYTES + 1));
          seen.push({ ctx: ctx.userId, name: info.name, bytes });
          return modifyFile({ ...info, name: "flipped.bin" });
        },
      }),
    );
    const { data, results } = await answerOf(
      client.fileWillBeUploaded(
        upload({ name: "a.bin" }, new Uint8Array([1, 2]), new Uint8Array([3])),
        {
          headers: bearer,
        },
      ),
    );
    expect(seen).toEqual([{ ctx: "user-1", name: "a.bin", bytes: 3 }]);
    expect(data.map((chunk) => chunk.byteLength)).toEqual([2, 1, MAX_CHUNK_BYTES, 1]);
    expect([...(data[0] ?? [])]).toEqual([0xfe, 0xfd]);
    expect(results).toHaveLength(1);
    expect(results[0]?.fileInfo?.name).toBe("flipped.bin");
  });

  it("answers a rejection with its reason and no data, and a handler's failure as the hook's", async () => {
    const rejecting = serve(definePlugin({ FileWillBeUploaded: () => reject("no executables") }));
    const { data, results } = await answerOf(
      rejecting.client.fileWillBeUploaded(upload({ name: "x.exe" }, new Uint8Array(5)), {
        headers: bearer,
      }),
    );
    expect(data).toEqual([]);
    expect(results).toEqual([expect.objectContaining({ rejectionReason: "no executables" })]);

    const failing = serve(
      definePlugin({
        FileWillBeUploaded: () => {
          throw new Error("scanner down");
        },
      }),
    );
    const error = await failure(
      answerOf(failing.client.fileWillBeUploaded(upload({ name: "a" }), { headers: bearer })),
    );
    expect(error.message).toMatch(/^FileWillBeUploaded failed: scanner down/);
  });
});
