import type { JsonObject } from "@bufbuild/protobuf";
import { PermissionDeniedError, ValidationError } from "@plugwire/errors";
import {
  allow,
  type ChannelMember,
  type CommandArgs,
  type CommandResponseInit,
  dismiss,
  type FileDecision,
  type FileInfo,
  type FileOutput,
  type HookContext,
  HookName,
  hook,
  type LoginDecision,
  modify,
  modifyFile,
  Plugin,
  type Post,
  type PostDecision,
  reject,
  type User,
} from "@plugwire/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { makeChannel, makeCommandArgs, makePost, makeTeam, makeUser } from "../builders.js";
import { createPluginHarness, type PluginHarness } from "./plugin-harness.js";

const alice = makeUser({ username: "alice" });
const team = makeTeam({ name: "core" });
const channel = makeChannel({ teamId: team.id, name: "town-square" });
const fixtures = {
  users: [alice],
  teams: [team],
  channels: [channel],
  teamMembers: [{ teamId: team.id, userId: alice.id }],
};

/** Touches every kind of hook and API path the harness offers. */
class SamplePlugin extends Plugin {
  readonly seen: { hook: string; ctx: HookContext; args: unknown[] }[] = [];

  @hook(HookName.OnActivate)
  async activate(): Promise<void> {
    this.logger.info("activated", { greeting: this.config.greeting });
    await this.api.registerCommand({ trigger: "sample" });
  }

  @hook(HookName.OnDeactivate)
  deactivate(): void {
    this.logger.info("deactivated");
  }

  @hook(HookName.OnConfigurationChange)
  configurationChanged(_ctx: HookContext, config: JsonObject): void {
    if (config.greeting === "") {
      throw new ValidationError({ message: "greeting must not be empty" });
    }
    this.logger.debug("reconfigured", { greeting: config.greeting });
  }

  @hook(HookName.MessageWillBePosted)
  decide(ctx: HookContext, post: Post): PostDecision {
    this.seen.push({ hook: "MessageWillBePosted", ctx, args: [post] });
    if (post.message === "drop") return dismiss();
    if (post.message.includes("secret")) return modify({ ...post, message: "[redacted]" });
    if (post.message.includes("rude")) return reject("be nice");
    return allow();
  }

  @hook(HookName.MessageHasBeenPosted)
  posted(_ctx: HookContext, post: Post): void {
    if (post.message === "explode") throw new Error("could not index the post");
  }

  @hook(HookName.UserWillLogIn)
  login(_ctx: HookContext, user: User): LoginDecision {
    return user.username === "mallory" ? reject("banned") : allow();
  }

  @hook(HookName.UserHasJoinedChannel)
  joined(ctx: HookContext, member: ChannelMember, actor: User | undefined): void {
    this.seen.push({ hook: "UserHasJoinedChannel", ctx, args: [member, actor] });
  }

  @hook(HookName.ExecuteCommand)
  async command(ctx: HookContext, args: CommandArgs): Promise<CommandResponseInit> {
    if (args.command.startsWith("/sample forbidden")) {
      throw new PermissionDeniedError({ message: "admins only" });
    }
    if (args.command.startsWith("/sample extra")) {
      // A field the protocol does not have: it must not survive the trip to the host.
      return { text: "with extra", extra: "dropped" } as CommandResponseInit;
    }
    const user = await this.api.getUser(ctx.userId);
    return { responseType: "ephemeral", text: `hi ${user.username}` };
  }

  @hook(HookName.ServeHTTP)
  async http(ctx: HookContext, request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/echo") {
      return Response.json({
        method: request.method,
        query: url.search,
        body: await request.text(),
        userHeader: request.headers.get("mattermost-user-id"),
        ctxUser: ctx.userId,
      });
    }
    if (url.pathname === "/broken") throw new Error("the template is missing");
    if (url.pathname === "/private") throw new PermissionDeniedError({ message: "admins only" });
    return new Response("no such page", { status: 404 });
  }

  @hook(HookName.ServeMetrics)
  metrics(): Response {
    return new Response("requests_total 3\n", { headers: { "content-type": "text/plain" } });
  }
}

let t: PluginHarness<SamplePlugin>;
afterEach(() => t?.close());

describe("hooks", () => {
  it("take the context first or leave it out", async () => {
    t = await createPluginHarness(SamplePlugin);
    const post = makePost({ message: "hello" });
    expect(await t.hooks.MessageWillBePosted(post)).toEqual(allow());
    expect(await t.hooks.MessageWillBePosted({ userId: "u1", acceptLanguage: "de" }, post)).toEqual(
      allow(),
    );
    const [withoutCtx, withCtx] = t.plugin.seen;
    expect(withoutCtx?.ctx).toMatchObject({ userId: "", requestId: expect.any(String) });
    expect(withCtx?.ctx).toMatchObject({ userId: "u1", acceptLanguage: "de" });
  });

  it("hand the handler a decoded message, not the object the test passed", async () => {
    t = await createPluginHarness(SamplePlugin);
    const post = makePost({ message: "hello", createAt: 1_700_000_000_000n });
    await t.hooks.MessageWillBePosted(post);
    const received = t.plugin.seen[0]?.args[0] as Post;
    expect(received).not.toBe(post);
    expect(received).toEqual(post);
  });

  it("return every decision as the handler made it", async () => {
    t = await createPluginHarness(SamplePlugin);
    expect(await t.hooks.MessageWillBePosted(makePost({ message: "rude words" }))).toEqual(
      reject("be nice"),
    );
    expect(await t.hooks.MessageWillBePosted(makePost({ message: "drop" }))).toEqual(dismiss());
    expect(await t.hooks.MessageWillBePosted(makePost({ message: "a secret" }))).toMatchObject({
      kind: "modify",
      post: { message: "[redacted]" },
    });
    expect(await t.hooks.UserWillLogIn(makeUser({ username: "mallory" }))).toEqual(
      reject("banned"),
    );
    expect(await t.hooks.UserWillLogIn(makeUser())).toEqual(allow());
  });

  it("pass an absent actor as undefined, with or without a context", async () => {
    t = await createPluginHarness(SamplePlugin);
    const member = { channelId: channel.id, userId: alice.id };
    await t.hooks.UserHasJoinedChannel(member, undefined);
    await t.hooks.UserHasJoinedChannel(
      { userId: "admin" },
      member,
      makeUser({ username: "admin" }),
    );
    const [self, added] = t.plugin.seen;
    expect(self?.args[1]).toBeUndefined();
    expect(added?.ctx.userId).toBe("admin");
    expect(added?.args[1]).toMatchObject({ username: "admin" });
  });

  it("drop what the protocol does not carry, as the host would", async () => {
    t = await createPluginHarness(SamplePlugin, { fixtures });
    const response = await t.hooks.ExecuteCommand(makeCommandArgs({ command: "/sample extra" }));
    expect(response.text).toBe("with extra");
    expect(response).not.toHaveProperty("extra");
  });

  it("reject with the class the handler threw", async () => {
    t = await createPluginHarness(SamplePlugin);
    const call = t.hooks.ExecuteCommand(makeCommandArgs({ command: "/sample forbidden" }));
    await expect(call).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(call).rejects.toThrow("admins only");
  });

  it("refuse a hook the plugin does not implement, saying how to add it", async () => {
    t = await createPluginHarness(SamplePlugin);
    await expect(t.hooks.UserHasBeenCreated(makeUser())).rejects.toThrow(
      '@hook("UserHasBeenCreated")',
    );
  });

  it("serve metrics as a Fetch Response", async () => {
    t = await createPluginHarness(SamplePlugin);
    const response = await t.hooks.ServeMetrics(new Request("http://localhost/metrics"));
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("requests_total 3\n");
  });
});

describe("lifecycle", () => {
  it("activate() fetches the saved config, runs OnActivate, and records its API calls", async () => {
    t = await createPluginHarness(SamplePlugin, { config: { greeting: "Hi" } });
    await t.activate();
    expect(t.active).toBe(true);
    expect(t.plugin.config).toEqual({ greeting: "Hi" });
    expect(t.logs).toContainEqual(
      expect.objectContaining({ level: "info", msg: "activated", fields: { greeting: "Hi" } }),
    );
    expect(t.api.calls.map((call) => call.method)).toEqual(["GetPluginConfig", "RegisterCommand"]);
    expect(t.api.callsTo("RegisterCommand")[0]?.request.command?.trigger).toBe("sample");
  });

  it("deactivate() runs OnDeactivate and removes the plugin's commands", async () => {
    t = await createPluginHarness(SamplePlugin);
    await t.activate();
    expect(await t.api.store.findCommand("", "sample")).toBeDefined();
    await t.deactivate();
    expect(t.active).toBe(false);
    expect(t.logs.at(-1)?.msg).toBe("deactivated");
    expect(await t.api.store.findCommand("", "sample")).toBeUndefined();
  });

  it("configure() saves the config and waits for OnConfigurationChange", async () => {
    t = await createPluginHarness(SamplePlugin, { config: { greeting: "Hi" } });
    await t.activate();
    await t.configure({ greeting: "Hey" });
    expect(t.plugin.config).toEqual({ greeting: "Hey" });
    expect(await t.api.client().getPluginConfig()).toEqual({ greeting: "Hey" });
    expect(t.logs.at(-1)).toMatchObject({ level: "debug", msg: "reconfigured" });
  });

  it("configure() rejects with the error OnConfigurationChange threw", async () => {
    t = await createPluginHarness(SamplePlugin);
    await t.activate();
    await expect(t.configure({ greeting: "" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("runs the plugin's command when the app executes it, only while active", async () => {
    t = await createPluginHarness(SamplePlugin, { fixtures });
    const args = makeCommandArgs({ command: "/sample", userId: alice.id, teamId: team.id });
    await t.activate();
    expect(await t.api.app.executeCommand({ userId: alice.id }, args)).toMatchObject({
      text: "hi alice",
    });
    await t.deactivate();
    await expect(t.api.app.executeCommand({ userId: alice.id }, args)).rejects.toThrow(
      "Command with a trigger",
    );
  });

  it("notes a notification hook that failed in the background", async () => {
    t = await createPluginHarness(SamplePlugin, { fixtures });
    await t.activate();
    await t.plugin.api.createPost({ channelId: channel.id, userId: alice.id, message: "explode" });
    await t.api.settled();
    expect(t.api.hookFailures).toEqual([
      expect.objectContaining({ hook: "MessageHasBeenPosted", error: expect.any(Error) }),
    ]);
    expect(t.api.hostLogs.at(-1)?.msg).toContain("could not index the post");
  });

  it("closes with `await using`", async () => {
    let closed: PluginHarness<SamplePlugin>;
    {
      await using scoped = await createPluginHarness(SamplePlugin);
      closed = scoped;
    }
    await expect(closed.api.client().kvGet("k")).rejects.toThrow();
  });
});

describe("http", () => {
  it("sends a path with the logged-in user, as the host sets Mattermost-User-Id", async () => {
    t = await createPluginHarness(SamplePlugin);
    const response = await t.http("/echo?x=1", {
      userId: "u1",
      headers: { "Mattermost-User-Id": "spoofed" },
    });
    expect(await response.json()).toEqual({
      method: "GET",
      query: "?x=1",
      body: "",
      userHeader: "u1",
      ctxUser: "u1",
    });
  });

  it("sends a Request with a body, and strips /plugins/{id} as the host does", async () => {
    t = await createPluginHarness(SamplePlugin, { manifest: { id: "com.example.sample" } });
    const response = await t.http(
      new Request("http://localhost/plugins/com.example.sample/echo", {
        method: "POST",
        body: "payload",
      }),
    );
    expect(await response.json()).toMatchObject({
      method: "POST",
      body: "payload",
      userHeader: null,
    });
  });

  it("answers with the plugin's status", async () => {
    t = await createPluginHarness(SamplePlugin);
    const response = await t.http("/missing");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("no such page");
  });

  it("answers a handler's throw as the host does: 500, or the status of the error class", async () => {
    t = await createPluginHarness(SamplePlugin);
    const broken = await t.http("/broken");
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({
      status_code: 500,
      message: expect.stringContaining("the template is missing"),
    });
    const denied = await t.http("/private");
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      status_code: 403,
      message: expect.stringContaining("admins only"),
    });
  });
});

describe("file and read hooks", () => {
  /** Rewrites "secret" in posts a client reads; flips the bytes of .bin uploads, rejects .exe. */
  class FilterPlugin extends Plugin {
    @hook(HookName.MessagesWillBeConsumed)
    consumed(_ctx: HookContext, posts: Post[]) {
      return posts
        .filter((post) => post.message.includes("secret"))
        .map((post) => ({ ...post, message: post.message.replaceAll("secret", "******") }));
    }

    @hook(HookName.FileWillBeUploaded)
    async upload(
      _ctx: HookContext,
      info: FileInfo,
      file: AsyncIterable<Uint8Array>,
      output: FileOutput,
    ): Promise<FileDecision> {
      if (info.name.endsWith(".exe")) return reject("no executables");
      if (!info.name.endsWith(".bin")) return allow();
      for await (const chunk of file) await output.write(chunk.map((b) => b ^ 1));
      return modifyFile({ ...info, name: "flipped.bin" });
    }
  }

  let f: PluginHarness<FilterPlugin>;
  afterEach(() => f?.close());

  it("MessagesWillBeConsumed answers the rewritten posts only", async () => {
    f = await createPluginHarness(FilterPlugin);
    const plain = makePost({ message: "hello" });
    const secret = makePost({ message: "my secret" });
    const rewritten = await f.hooks.MessagesWillBeConsumed([plain, secret]);
    expect(rewritten.map((post) => [post.id, post.message])).toEqual([[secret.id, "my ******"]]);
  });

  it("FileWillBeUploaded streams the content through and answers the decision and output", async () => {
    f = await createPluginHarness(FilterPlugin);
    const big = new Uint8Array(200_000).fill(2);
    const flipped = await f.hooks.FileWillBeUploaded({ name: "a.bin" }, big);
    expect(flipped.decision).toMatchObject({
      kind: "modify_file",
      fileInfo: { name: "flipped.bin" },
    });
    expect(flipped.output).toEqual(new Uint8Array(200_000).fill(3));
    expect(await f.hooks.FileWillBeUploaded({ name: "a.txt" }, new Uint8Array(3))).toEqual({
      decision: allow(),
      output: new Uint8Array(),
    });
    expect(
      (await f.hooks.FileWillBeUploaded({ name: "x.exe" }, new Uint8Array(3))).decision,
    ).toEqual(reject("no executables"));
  });

  it("runs FileWillBeUploaded on the plugin's own uploads, as the host does", async () => {
    f = await createPluginHarness(FilterPlugin, { fixtures });
    await f.activate();
    const stored = await f.plugin.api.uploadFile(channel.id, "data.bin", new Uint8Array([0, 1]));
    expect(stored.name).toBe("flipped.bin");
    expect(await f.plugin.api.getFile(stored.id)).toEqual(new Uint8Array([1, 0]));
    await expect(
      f.plugin.api.uploadFile(channel.id, "run.exe", new Uint8Array(1)),
    ).rejects.toMatchObject({ id: "app.upload.run_plugins_hook.rejected" });
  });
});
