// Two `plugwire serve` processes on one PostgreSQL database, as one server: the built CLI as
// child processes (build first: `npx nx run-many -t build`), each with its own data folder and
// port, both running the cluster probe plugin (test-fixtures/cluster). Each point of "Tests and
// figures" of issue #17 that concerns the cluster is a case here.
import { once } from "node:events";
import { access, chmod, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOf, writeRecordingPlugin } from "../../src/test-fixtures/recording-plugin.js";
import {
  postgresUnderTest,
  TestSchemas,
} from "../../test-fixtures/postgres/postgres-test-database.js";
import { WebSocketClient } from "../../test-fixtures/rest/websocket-client.js";
import { CLUSTER_ADMIN, type ClusterNode, loginAdmin, startClusterNode } from "./cluster-nodes.js";

const probePlugins = fileURLToPath(new URL("../../test-fixtures/cluster", import.meta.url));
const server = postgresUnderTest();
const serverUrl = "url" in server ? server.url : "";
const unavailable =
  "unavailable" in server ? ` (SKIPPED: ${server.unavailable.split("\n")[0]})` : "";

type Node = ClusterNode;

describe.skipIf(serverUrl === "")(`two hosts on one PostgreSQL database${unavailable}`, () => {
  let schemas: TestSchemas;
  let databaseUrl: string;
  let root: string;
  const nodes: Node[] = [];
  let a: Node;
  let b: Node;
  let token: string;
  let teamId: string;
  let channelId: string;

  async function start(name: string): Promise<Node> {
    const node = await startClusterNode({ name, root, plugins: probePlugins, databaseUrl });
    nodes.push(node);
    return node;
  }

  async function api(node: Node, method: string, path: string, body?: unknown) {
    const response = await fetch(`${node.url}/api/v4${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: the specs check each answer's shape.
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  async function probe(node: Node, route: string, method = "GET") {
    const response = await fetch(`${node.url}/plugins/test.cluster/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the probe's own JSON.
    return (await response.json()) as any;
  }

  async function connect(node: Node): Promise<WebSocketClient> {
    const client = await WebSocketClient.connect(node.url, { authorization: `Bearer ${token}` });
    await client.event("hello");
    return client;
  }

  beforeAll(async () => {
    schemas = new TestSchemas(serverUrl);
    databaseUrl = await schemas.freshUrl();
    root = await realpath(await mkdtemp(join(tmpdir(), "plugwire-cluster-")));
    // Run as root, the hosts run plugins as users of their own, who pass through on the way to
    // the bundles the hosts install in their data folders.
    await chmod(root, 0o711);
    a = await start("a");
    b = await start("b");
    token = await loginAdmin(a);
    const team = await api(a, "POST", "/teams", { name: "ops", display_name: "Ops", type: "O" });
    teamId = team.body.id;
    const channel = await api(a, "POST", "/channels", {
      team_id: teamId,
      name: "deploys",
      display_name: "Deploys",
      type: "O",
    });
    channelId = channel.body.id;
  }, 90_000);

  afterAll(async () => {
    for (const node of nodes) {
      if (node.child.exitCode === null) node.child.kill("SIGKILL");
    }
    await Promise.all(nodes.map((node) => node.exited));
    await rm(root, { recursive: true, force: true });
    await schemas?.dropAll();
  });

  it("lists both hosts in GET /cluster/status, for system admins only", async () => {
    const status = await api(b, "GET", "/cluster/status");
    expect(status.status).toBe(200);
    expect(status.body).toHaveLength(2);
    for (const node of status.body) {
      expect(node).toMatchObject({ version: expect.any(String), hostname: expect.any(String) });
      expect(node.last_seen_at).toBeGreaterThan(Date.now() - 20_000);
    }
    const ids = await Promise.all([a, b].map((node) => probeNodeId(node)));
    expect(status.body.map((node: { id: string }) => node.id).sort()).toEqual(ids.sort());
    const anonymous = await fetch(`${b.url}/api/v4/cluster/status`);
    expect(anonymous.status).toBe(401);
  });

  /** The host id a node answers websocket pings with. */
  async function probeNodeId(node: Node): Promise<string> {
    const client = await connect(node);
    client.send({ seq: 1, action: "ping" });
    const pong = await client.next((message) => message.seq_reply === 1);
    await client.close();
    return pong.data.node_id;
  }

  it("takes a session opened on one host on the other", async () => {
    const me = await api(b, "GET", "/users/me");
    expect(me).toMatchObject({ status: 200, body: { username: "root" } });
  });

  it("serves a post made on A from B, fires MessageHasBeenPosted once, and tells B's websocket clients in order", async () => {
    const onB = await connect(b);
    const posted: string[] = [];
    for (let i = 0; i < 20; i++) {
      const post = await api(a, "POST", "/posts", { channel_id: channelId, message: `m${i}` });
      expect(post.status).toBe(201);
      posted.push(post.body.id);
    }
    const seen: string[] = [];
    while (seen.length < posted.length) {
      const event = await onB.event("posted");
      seen.push(JSON.parse(event.data.post).id);
    }
    expect(seen).toEqual(posted);
    const last = posted.at(-1) as string;
    expect(await api(b, "GET", `/posts/${last}`)).toMatchObject({
      status: 200,
      body: { message: "m19" },
    });
    await expect.poll(async () => (await probe(b, `keys?prefix=posted:${last}:`)).length).toBe(1);
    // Still once, after both hosts had time to run every hook.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await probe(a, `keys?prefix=posted:${last}:`)).toHaveLength(1);
    await onB.close();
  });

  it("serves a file uploaded on A from B, both hosts using one --files folder", async () => {
    const upload = await fetch(`${a.url}/api/v4/files?channel_id=${channelId}&filename=notes.txt`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: "shared bytes",
    });
    expect(upload.status).toBe(201);
    const { file_infos: infos } = (await upload.json()) as { file_infos: { id: string }[] };
    const read = await fetch(`${b.url}/api/v4/files/${infos[0]?.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("shared bytes");
  });

  it("tells A's websocket clients of what happens on B (an edit, a reaction)", async () => {
    const onA = await connect(a);
    const post = await api(b, "POST", "/posts", { channel_id: channelId, message: "from b" });
    expect(JSON.parse((await onA.event("posted")).data.post).id).toBe(post.body.id);
    await api(b, "PUT", `/posts/${post.body.id}/patch`, { message: "from b, edited" });
    expect(JSON.parse((await onA.event("post_edited")).data.post).message).toBe("from b, edited");
    await onA.close();
  });

  it("ends, on every host, the websocket connections of a session that logs out", async () => {
    const second = await fetch(`${b.url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login_id: "root", password: CLUSTER_ADMIN.PLUGWIRE_ADMIN_PASSWORD }),
    });
    const secondToken = second.headers.get("token") as string;
    const onA = await WebSocketClient.connect(a.url, { authorization: `Bearer ${secondToken}` });
    await onA.event("hello");
    const closed = once(onA.socket, "close");
    const logout = await fetch(`${b.url}/api/v4/users/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${secondToken}` },
    });
    expect(logout.status).toBe(200);
    const [code] = await closed;
    expect(code).toBe(4001);
  });

  it("passes a plugin's cluster events to its copy on the other host, both ways", async () => {
    const copyA = (await probe(a, "whoami")).copy as string;
    const copyB = (await probe(b, "whoami")).copy as string;
    expect(copyA).not.toBe(copyB);
    await probe(a, "publish?id=from-a", "POST");
    await probe(b, "publish?id=from-b", "POST");
    await expect
      .poll(async () => [...(await probe(a, "keys?prefix=event:"))])
      .toEqual([`event:${copyA}:from-b`, `event:${copyB}:from-a`].sort());
  });

  it("gives a plugin settings change made on A to the plugin's copy on B", async () => {
    const copyB = (await probe(b, "whoami")).copy as string;
    const saved = await api(a, "PUT", "/plugins/test.cluster/config", { greeting: "Hej" });
    expect(saved.status).toBe(200);
    await expect
      .poll(async () => await probe(b, "keys?prefix=config:"))
      .toContain(`config:${copyB}:Hej`);
  });

  it("gives a server configuration saved on A to B, each with its own fixed settings", async () => {
    const saved = await api(a, "PUT", "/config/patch", {
      EmailSettings: { SMTPServer: "mail.cluster.example", SMTPPassword: "pw" },
    });
    expect(saved.status).toBe(200);

    await expect
      .poll(async () => (await api(b, "GET", "/config")).body.EmailSettings.SMTPServer)
      .toBe("mail.cluster.example");
    const onB = (await api(b, "GET", "/config")).body;
    expect(onB.EmailSettings.SMTPPassword).toBe("********");
    expect(onB.SqlSettings).toEqual({ DriverName: "postgres", DataSource: "********" });
    expect(onB.ServiceSettings.SiteURL).toBe(b.url);
  });

  /** The ids of the plugins active on a node, by its GET /plugins. */
  async function activePlugins(node: Node): Promise<string[]> {
    const listed = await api(node, "GET", "/plugins");
    expect(listed.status).toBe(200);
    return listed.body.active.map((manifest: { id: string }) => manifest.id).sort();
  }

  /** The status of GET /plugins/{id}/whoami (the recording plugin's route) on a node. */
  async function whoami(node: Node, pluginId: string): Promise<number> {
    const response = await fetch(`${node.url}/plugins/${pluginId}/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function uploadBundle(node: Node, pluginId: string, version = "1.0.0"): Promise<void> {
    const source = await writeRecordingPlugin(join(root, `source-${pluginId}-${version}`), {
      id: pluginId,
      version,
    });
    const form = new FormData();
    form.append("plugin", new Blob([await bundleOf(source)]), `${pluginId}.tar.gz`);
    form.append("force", "true");
    const response = await fetch(`${node.url}/api/v4/plugins`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const text = await response.text();
    expect(response.status, `${text}\n${node.output().slice(-3000)}`).toBe(201);
  }

  /** Plugin processes take a second or two to start on a busy machine. */
  const SLOW = { timeout: 20_000 };

  describe("plugin bundles, kept in the database", () => {
    it("installs a bundle uploaded on A on B too, and runs B's copy once enabled on A", async () => {
      await uploadBundle(a, "test.shared");
      const installedOnB = async () =>
        (await api(b, "GET", "/plugins")).body.inactive.map((m: { id: string }) => m.id);
      await expect.poll(installedOnB, SLOW).toContain("test.shared");
      await access(join(root, "b", "plugins", "test.shared", "plugin.json"));
      expect(await api(a, "POST", "/plugins/test.shared/enable")).toMatchObject({ status: 200 });
      await expect.poll(() => activePlugins(b), SLOW).toContain("test.shared");
      expect(await whoami(b, "test.shared")).toBe(200);
      expect(await whoami(a, "test.shared")).toBe(200);
    });

    it("replaces B's copy when A installs a new version over it, and keeps it running", async () => {
      await uploadBundle(a, "test.shared", "1.1.0");
      const version = async () =>
        (await api(b, "GET", "/plugins")).body.active.find(
          (manifest: { id: string }) => manifest.id === "test.shared",
        )?.version;
      await expect.poll(version, SLOW).toBe("1.1.0");
      expect(await whoami(b, "test.shared")).toBe(200);
    });

    it("stops A's copy when the plugin is disabled on B, and starts it again when enabled on B", async () => {
      expect(await api(b, "POST", "/plugins/test.shared/disable")).toMatchObject({ status: 200 });
      await expect.poll(() => activePlugins(a), SLOW).not.toContain("test.shared");
      expect(await whoami(a, "test.shared")).not.toBe(200);
      expect(await api(b, "POST", "/plugins/test.shared/enable")).toMatchObject({ status: 200 });
      await expect.poll(() => activePlugins(a), SLOW).toContain("test.shared");
      expect(await whoami(a, "test.shared")).toBe(200);
    });

    it("gives a host started later the bundles it lacks, running the enabled ones", async () => {
      const c = await start("c");
      try {
        expect(await activePlugins(c)).toContain("test.shared");
        expect(await whoami(c, "test.shared")).toBe(200);
      } finally {
        c.child.kill("SIGTERM");
        await c.exited;
      }
    }, 60_000);

    it("removes the plugin from both hosts when removed on one", async () => {
      expect(await api(a, "DELETE", "/plugins/test.shared")).toMatchObject({ status: 200 });
      const everywhere = async () =>
        (
          await Promise.all(
            [a, b].map(async (node) => {
              const listed = (await api(node, "GET", "/plugins")).body;
              return [...listed.active, ...listed.inactive].map((m: { id: string }) => m.id);
            }),
          )
        ).flat();
      await expect.poll(everywhere, SLOW).not.toContain("test.shared");
      await expect(access(join(root, "b", "plugins", "test.shared"))).rejects.toThrow();
      expect(await whoami(b, "test.shared")).not.toBe(200);
    });
  });

  it("keeps a user online while connected to either host, and offline once connected to none", async () => {
    const created = await api(a, "POST", "/users", {
      username: "roamer",
      email: "roamer@example.com",
      password: "roamer-pw-1",
    });
    expect(created.status).toBe(201);
    const userId = created.body.id as string;
    const login = await fetch(`${b.url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login_id: "roamer", password: "roamer-pw-1" }),
    });
    const roamer = { authorization: `Bearer ${login.headers.get("token")}` };
    const statusOn = async (node: Node) =>
      (await api(node, "GET", `/users/${userId}/status`)).body.status as string;
    const onB = await WebSocketClient.connect(b.url, roamer);
    await onB.event("hello");
    await expect.poll(() => statusOn(a)).toBe("online");
    const onA = await WebSocketClient.connect(a.url, roamer);
    await onA.event("hello");
    await onB.close();
    // Give B time to act on the closed connection: the user stays online on both hosts.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await statusOn(a)).toBe("online");
    expect(await statusOn(b)).toBe("online");
    await onA.close();
    await expect.poll(() => statusOn(b)).toBe("offline");
    expect(await statusOn(a)).toBe("offline");
  });

  it("counts without losing an increment when both hosts compare-and-set one key", async () => {
    await Promise.all([probe(a, "count?times=40", "POST"), probe(b, "count?times=40", "POST")]);
    expect((await probe(a, "counter")).value).toBe(80);
  });

  it("drops B's cached roles when a role changes on A", async () => {
    const role = await api(b, "GET", "/roles/name/channel_user");
    const without = role.body.permissions.filter((p: string) => p !== "create_post");
    const member = await fetch(`${b.url}/api/v4/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ username: "member", email: "m@example.com", password: "member-pw-1" }),
    }).then((response) => response.json() as Promise<{ id: string }>);
    await api(a, "POST", `/teams/${teamId}/members`, { team_id: teamId, user_id: member.id });
    await api(a, "POST", `/channels/${channelId}/members`, { user_id: member.id });
    const memberLogin = await fetch(`${b.url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login_id: "member", password: "member-pw-1" }),
    });
    const memberToken = memberLogin.headers.get("token") as string;
    const post = await api(a, "POST", "/posts", { channel_id: channelId, message: "react here" });
    // Reacting needs create_post in the channel (reaction-routes.ts), which channel_user grants.
    const reactOnB = (emoji: string) =>
      fetch(`${b.url}/api/v4/reactions`, {
        method: "POST",
        headers: { authorization: `Bearer ${memberToken}`, "content-type": "application/json" },
        body: JSON.stringify({ user_id: member.id, post_id: post.body.id, emoji_name: emoji }),
      }).then((response) => response.status);
    expect(await reactOnB("smile")).toBe(200);
    try {
      const patched = await api(a, "PUT", `/roles/${role.body.id}/patch`, { permissions: without });
      expect(patched.status).toBe(200);
      await expect.poll(() => reactOnB("frowning")).toBe(403);
    } finally {
      await api(a, "PUT", `/roles/${role.body.id}/patch`, { permissions: role.body.permissions });
    }
    await expect.poll(() => reactOnB("tada")).toBe(200);
  });

  it("resyncs B's websocket clients when B's LISTEN connection was cut", async () => {
    const onB = await connect(b);
    const closed = once(onB.socket, "close");
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
      );
    } finally {
      await admin.end();
    }
    const [code] = await closed;
    expect(code).toBe(1012);
    // Both hosts listen again (each says so in its own output): an event crosses once more.
    // Waiting for either one alone let B's post reach PostgreSQL before A had re-LISTENed.
    for (const node of [a, b]) {
      await expect.poll(() => node.output(), { timeout: 5_000 }).toContain("listening again");
    }
    const again = await connect(a);
    const post = await api(b, "POST", "/posts", { channel_id: channelId, message: "after" });
    expect(JSON.parse((await again.event("posted")).data.post).id).toBe(post.body.id);
    await again.close();
  });

  it("keeps serving from B when A is killed mid-load, with every acknowledged post there; A serves again at once when back", async () => {
    const acknowledged: string[] = [];
    let stopped = false;
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let i = 0; !stopped; i++) {
        try {
          const post = await api(a, "POST", "/posts", {
            channel_id: channelId,
            message: `load ${writer}-${i}`,
          });
          if (post.status === 201) acknowledged.push(post.body.id);
        } catch {
          return; // A is gone.
        }
      }
    });
    await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThan(40);
    a.child.kill("SIGKILL");
    await a.exited;
    stopped = true;
    await Promise.all(writers);
    const found = await api(b, "POST", `/posts/ids`, acknowledged);
    expect(found.status).toBe(200);
    expect(found.body.map((post: { id: string }) => post.id).sort()).toEqual(
      [...acknowledged].sort(),
    );
    expect((await api(b, "GET", "/users/me")).status).toBe(200);

    const back = await start("a");
    expect((await api(back, "GET", "/users/me")).status).toBe(200);
    const status = await api(b, "GET", "/cluster/status");
    // The killed host's record ages out; the new one is there at once.
    expect(status.body.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
