// The application layer's logins, sessions and events, against a real SQLite store and
// stand-in plugins (the REST specs drive the same operations through a real plugin process).
import { create } from "@bufbuild/protobuf";
import type { HookName } from "@plugwire/protocol";
import { ChannelSchema, PostSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type LogEntry, Logger } from "../log.js";
import { MemoryFileStore } from "../store/memory-file-store.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import type { HookDispatcher } from "../supervisor/hook-client.js";
import { type AppEvents, HostApp } from "./host-app.js";
import { hashSessionToken, SESSION_ACTIVITY_INTERVAL_MS } from "./sessions.js";

let store: Store;
let logs: LogEntry[];
let plugins: HookDispatcher[];
let app: HostApp;

beforeEach(async () => {
  store = await openSqliteStore({ path: ":memory:" });
  logs = [];
  plugins = [];
  app = new HostApp({
    store,
    files: new MemoryFileStore(),
    hooks: {
      implementing: (hook: HookName) => plugins.filter((p) => p.implements(hook)),
      get: (id: string) => plugins.find((p) => p.pluginId === id),
    },
    log: new Logger((entry) => logs.push(entry)),
    hostId: "h1",
  });
});
afterEach(async () => {
  vi.useRealTimers();
  await store.close();
});

/** A stand-in plugin implementing one hook with `answer`. */
function plugin(pluginId: string, hook: HookName, answer: () => unknown): HookDispatcher {
  return {
    pluginId,
    implements: (name) => name === hook,
    callHook: async () => answer() as never,
    serveHTTP: async () => undefined,
    serveHTTPOnce: async () => undefined,
    fileWillBeUploaded: async () => undefined,
  };
}

async function userWithPassword(username: string) {
  return app.createUser(
    {},
    create(UserSchema, { username, email: `${username}@example.com` }),
    "pw-123456",
  );
}

describe("login", () => {
  it("opens a session whose token only the client holds: the store keeps its hash", async () => {
    const user = await userWithPassword("ann");
    const { token, session } = await app.login({}, "ann", "pw-123456");
    expect(session.tokenHash).toBe(hashSessionToken(token));
    expect(session.userId).toBe(user.id);
    expect(await app.authenticate(token)).toMatchObject({
      user: { id: user.id },
      session: { id: session.id },
    });
    expect(await app.authenticate("another-token")).toBeUndefined();
  });

  it("goes ahead when a UserWillLogIn hook fails or decides nothing, logging why", async () => {
    await userWithPassword("ann");
    plugins.push(
      plugin("a.broken", "UserWillLogIn", () => {
        throw new Error("boom");
      }),
      plugin("b.silent", "UserWillLogIn", () => ({ decision: { outcome: { case: undefined } } })),
    );
    await expect(app.login({}, "ann", "pw-123456")).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect(logs.map((entry) => [entry.fields.pluginId, entry.msg])).toEqual([
      ["a.broken", expect.stringContaining("UserWillLogIn failed in plugin a.broken: boom")],
      ["b.silent", expect.stringContaining("without a decision")],
    ]);
  });

  it("stops at the first rejection, asking no later plugin", async () => {
    await userWithPassword("ann");
    const later = vi.fn(() => ({ decision: { outcome: { case: "allow", value: {} } } }));
    plugins.push(
      plugin("a.first", "UserWillLogIn", () => ({
        decision: { outcome: { case: "reject", value: { reason: "no" } } },
      })),
      plugin("b.later", "UserWillLogIn", later),
    );
    await expect(app.login({}, "ann", "pw-123456")).rejects.toMatchObject({
      statusCode: 401,
      params: { plugin_id: "a.first", reason: "no" },
    });
    expect(later).not.toHaveBeenCalled();
  });
});

describe("sessions", () => {
  it("record activity at most every few minutes", async () => {
    await userWithPassword("ann");
    vi.useFakeTimers({ toFake: ["Date"] });
    const { token, session } = await app.login({}, "ann", "pw-123456");
    vi.setSystemTime(Date.now() + 1000);
    expect((await app.authenticate(token))?.session.lastActivityAt).toBe(session.lastActivityAt);
    vi.setSystemTime(Date.now() + SESSION_ACTIVITY_INTERVAL_MS);
    const later = Date.now();
    expect((await app.authenticate(token))?.session.lastActivityAt).toBe(later);
    expect((await store.getSessionByTokenHash(session.tokenHash))?.lastActivityAt).toBe(later);
  });

  it("end at logout and, all of a user's, at deactivation, telling listeners", async () => {
    const user = await userWithPassword("ann");
    const events: AppEvents = { sessionEnded: vi.fn(), userDeactivated: vi.fn() };
    app.subscribe(events);
    const first = await app.login({}, "ann", "pw-123456");
    const second = await app.login({}, "ann", "pw-123456");
    await app.logout(first.session);
    expect(await app.authenticate(first.token)).toBeUndefined();
    expect(events.sessionEnded).toHaveBeenCalledWith(first.session);
    await app.deactivateUser({}, user.id);
    expect(await app.authenticate(second.token)).toBeUndefined();
    expect(events.userDeactivated).toHaveBeenCalledWith(
      expect.objectContaining({ id: user.id }),
      {},
    );
  });
});

describe("createChannel with addCreator", () => {
  it("makes the creator the first member, and with an unknown creator creates nothing", async () => {
    const user = await userWithPassword("ann");
    const team = await store.createTeam(create(TeamSchema, { name: "core", type: "O" }));
    const channel = (name: string, creatorId: string) =>
      create(ChannelSchema, { teamId: team.id, name, type: "O", creatorId });
    const created = await app.createChannel({}, channel("town", user.id), { addCreator: true });
    expect(await store.getChannelMember(created.id, user.id)).toBeDefined();
    await expect(
      app.createChannel({}, channel("ghost-town", "nobody"), { addCreator: true }),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(store.getChannelByName(team.id, "ghost-town", true)).rejects.toMatchObject({
      statusCode: 404,
    });
    const plain = await app.createChannel({}, channel("plugin-made", user.id));
    expect(await store.getChannelMember(plain.id, user.id)).toBeUndefined();
  });
});

describe("subscribe", () => {
  it("tells each listener until it unsubscribes; a failing listener changes nothing", async () => {
    const user = await userWithPassword("ann");
    const team = await store.createTeam(create(TeamSchema, { name: "core", type: "O" }));
    const channel = await app.createChannel(
      {},
      create(ChannelSchema, { teamId: team.id, name: "town", type: "O", creatorId: user.id }),
      { addCreator: true },
    );
    const seen: string[] = [];
    const unsubscribe = app.subscribe({ postCreated: (post) => seen.push(post.message) });
    app.subscribe({
      postCreated: () => {
        throw new Error("listener broke");
      },
    });
    const post = (message: string) =>
      app.createPost(
        { userId: user.id },
        create(PostSchema, { channelId: channel.id, userId: user.id, message }),
      );
    await expect(post("one")).resolves.toMatchObject({ message: "one" });
    unsubscribe();
    await post("two");
    expect(seen).toEqual(["one"]);
    expect(logs.map((entry) => entry.msg)).toContain(
      "a listener of postCreated failed: listener broke",
    );
  });
});

describe("message hooks of many plugins", () => {
  it("runs the MessageWillBePosted chain one plugin at a time in id order, and MessageHasBeenPosted of all at once", async () => {
    const user = await userWithPassword("ann");
    const team = await store.createTeam(create(TeamSchema, { name: "core", type: "O" }));
    const channel = await app.createChannel(
      {},
      create(ChannelSchema, { teamId: team.id, name: "town", type: "O", creatorId: user.id }),
      { addCreator: true },
    );
    const ids = ["p.c", "p.a", "p.b"];
    const steps: string[] = [];
    let observing = 0;
    let allObserving!: () => void;
    const together = new Promise<void>((resolve) => {
      allObserving = resolve;
    });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const both = (pluginId: string): HookDispatcher => ({
      pluginId,
      implements: (name) => name === "MessageWillBePosted" || name === "MessageHasBeenPosted",
      callHook: (async (name: HookName, request: { post?: { message: string } }) => {
        if (name === "MessageWillBePosted") {
          steps.push(`${pluginId} decides "${request.post?.message}"`);
          await tick();
          steps.push(`${pluginId} done`);
          return {
            decision: {
              outcome: {
                case: "modify",
                value: { message: `${request.post?.message}+${pluginId}` },
              },
            },
          };
        }
        // Resolves only once every plugin's hook has started: one at a time would never end.
        observing += 1;
        if (observing === ids.length) allObserving();
        await together;
        steps.push(`${pluginId} heard`);
        return {};
      }) as HookDispatcher["callHook"],
      serveHTTP: async () => undefined,
      serveHTTPOnce: async () => undefined,
      fileWillBeUploaded: async () => undefined,
    });
    plugins.push(...[...ids].sort().map(both));
    const stored = await app.createPost(
      { userId: user.id },
      create(PostSchema, { channelId: channel.id, userId: user.id, message: "hi" }),
    );
    expect(stored.message).toBe("hi+p.a+p.b+p.c");
    await app.settled();
    expect(steps.slice(0, 6)).toEqual([
      'p.a decides "hi"',
      "p.a done",
      'p.b decides "hi+p.a"',
      "p.b done",
      'p.c decides "hi+p.a+p.b"',
      "p.c done",
    ]);
    expect(steps.slice(6).sort()).toEqual(["p.a heard", "p.b heard", "p.c heard"]);
  });

  it("sends plugins after one that allowed the post the same request, and after one that changed it a new one", async () => {
    const user = await userWithPassword("bea");
    const team = await store.createTeam(create(TeamSchema, { name: "side", type: "O" }));
    const channel = await app.createChannel(
      {},
      create(ChannelSchema, { teamId: team.id, name: "yard", type: "O", creatorId: user.id }),
      { addCreator: true },
    );
    const seen: { pluginId: string; request: object; message: string | undefined }[] = [];
    const deciding = (pluginId: string, modify: boolean): HookDispatcher => ({
      pluginId,
      implements: (name) => name === "MessageWillBePosted",
      callHook: (async (_name: HookName, request: { post?: { message: string } }) => {
        seen.push({ pluginId, request, message: request.post?.message });
        return {
          decision: modify
            ? { outcome: { case: "modify", value: { message: `${request.post?.message}!` } } }
            : { outcome: { case: "allow", value: {} } },
        };
      }) as unknown as HookDispatcher["callHook"],
      serveHTTP: async () => undefined,
      serveHTTPOnce: async () => undefined,
      fileWillBeUploaded: async () => undefined,
    });
    plugins.push(
      deciding("p.a", false),
      deciding("p.b", false),
      deciding("p.c", true),
      deciding("p.d", false),
    );
    const stored = await app.createPost(
      { userId: user.id },
      create(PostSchema, { channelId: channel.id, userId: user.id, message: "yo" }),
    );
    expect(stored.message).toBe("yo!");
    expect(seen.map(({ pluginId, message }) => `${pluginId}: ${message}`)).toEqual([
      "p.a: yo",
      "p.b: yo",
      "p.c: yo",
      "p.d: yo!",
    ]);
    const [a, b, c, d] = seen.map(({ request }) => request);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(d).not.toBe(a);
  });
});
