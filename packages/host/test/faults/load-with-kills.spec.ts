// A bounded load test on loopback: 2,000 posts from 8 concurrent clients over the REST API while
// the plugin implementing MessageWillBePosted and MessageHasBeenPosted is SIGKILLed at random
// moments (and restarted by its supervisor). Every acknowledged post is stored exactly once,
// under the id it was acknowledged with; nothing is stored twice.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import { afterEach, expect, it } from "vitest";
import { createHost, type Host } from "../../src/host.js";
import { type RestServer, startRestServer } from "../../src/http/rest/server.js";
import type { PluginSupervisor } from "../../src/supervisor/supervisor.js";

const PLUGIN_ID = "test.fault.message-hooks";
const pluginDir = fileURLToPath(
  new URL("../../test-fixtures/faults/message-hooks", import.meta.url),
);
const CLIENTS = 8;
const POSTS_PER_CLIENT = 250;
const PASSWORD = "load-test-password";

let root: string;
let host: Host | undefined;
let rest: RestServer | undefined;
afterEach(async () => {
  await rest?.close();
  await host?.close();
  await rm(root, { recursive: true, force: true });
});

async function call(url: string, token: string, path: string, json: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(json),
  });
  const body = (await response.json()) as { id: string };
  return { status: response.status, body, headers: response.headers };
}

it("stores every acknowledged post exactly once while the message-hook plugin is SIGKILLed at random moments", async () => {
  root = await mkdtemp(join(tmpdir(), "pw-load-"));
  host = await createHost({
    dataDir: join(root, "data"),
    log: () => undefined,
    // Killed again and again: restarted every time, soon.
    restart: { maxRestarts: 1_000, initialBackoffMs: 20, maxBackoffMs: 100 },
  });
  await host.loadPlugin(pluginDir);
  await host.enablePlugin(PLUGIN_ID);
  rest = await startRestServer(host, { port: 0 });
  const { url } = rest;
  await host.app.createUser(
    {},
    create(UserSchema, {
      username: "loader",
      email: "loader@example.com",
      roles: "system_admin system_user",
    }),
    PASSWORD,
  );
  const login = await call(url, "", "/api/v4/users/login", {
    login_id: "loader",
    password: PASSWORD,
  });
  const token = login.headers.get("token") as string;
  const team = await call(url, token, "/api/v4/teams", {
    name: "load",
    display_name: "Load",
    type: "O",
  });
  const channel = await call(url, token, "/api/v4/channels", {
    team_id: team.body.id,
    name: "load",
    display_name: "Load",
    type: "O",
  });
  const channelId = channel.body.id as string;

  const acknowledged = new Map<string, string>();
  const refused: number[] = [];
  let posting = true;
  const clients = Array.from({ length: CLIENTS }, async (_, client) => {
    for (let i = 0; i < POSTS_PER_CLIENT; i++) {
      const message = `c${client}-${i}`;
      const { status, body } = await call(url, token, "/api/v4/posts", {
        channel_id: channelId,
        message,
      });
      if (status === 201) acknowledged.set(message, body.id);
      else refused.push(status);
    }
  });
  let kills = 0;
  const supervisor = host.get(PLUGIN_ID) as PluginSupervisor;
  const killer = (async () => {
    while (posting) {
      await sleep(100 + Math.random() * 400);
      const pid = supervisor.pid;
      if (posting && pid !== undefined) {
        process.kill(pid, "SIGKILL");
        kills++;
      }
    }
  })();
  await Promise.all(clients);
  posting = false;
  await killer;

  const stored = new Map<string, string[]>();
  for (let page = 0; ; page++) {
    const posts = await host.store.getPostsForChannel(channelId, { page, perPage: 200 });
    if (posts.length === 0) break;
    for (const post of posts) {
      const message = post.message.replace(/ ✓$/, "");
      stored.set(message, [...(stored.get(message) ?? []), post.id]);
    }
  }
  expect(kills).toBeGreaterThanOrEqual(3);
  expect(refused).toEqual([]);
  expect(acknowledged.size).toBe(CLIENTS * POSTS_PER_CLIENT);
  for (const [message, id] of acknowledged) {
    expect(stored.get(message), message).toEqual([id]);
  }
  expect([...stored.values()].filter((ids) => ids.length > 1)).toEqual([]);
  expect(stored.size).toBe(acknowledged.size);
}, 60_000);
