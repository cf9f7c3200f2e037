// The Hello plugin, built, running as its own process under a real host: every hook it
// implements fires through the host and answers as the plugin promises.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  createHost,
  type Host,
  type LogEntry,
  MemoryFileStore,
  openSqliteStore,
  POST_REJECTED_ID,
} from "@plugwire/host";
import { ChannelSchema, PostSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const pluginId = "com.plugwire.hello";

let dataDir: string;
let host: Host;
const logs: LogEntry[] = [];
let userId: string;
let teamId: string;
let channelId: string;

function logged(msg: string): LogEntry | undefined {
  return logs.find((entry) => entry.pluginId === pluginId && entry.msg === msg);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pw-hello-"));
  host = await createHost({
    store: await openSqliteStore({ path: join(dataDir, "plugwire.db") }),
    files: new MemoryFileStore(),
    log: (entry) => logs.push(entry),
  });
  await host.loadPlugin(pluginDir);
  await host.enablePlugin(pluginId);

  const user = await host.app.createUser(
    {},
    create(UserSchema, { username: "alice", email: "alice@example.com" }),
    "secret-password",
  );
  userId = user.id;
  const team = await host.store.createTeam(
    create(TeamSchema, { name: "core", displayName: "Core", type: "O" }),
  );
  teamId = team.id;
  await host.app.addTeamMember({}, teamId, userId);
  const channel = await host.app.createChannel(
    { userId },
    create(ChannelSchema, {
      teamId,
      name: "town-square",
      displayName: "Town Square",
      type: "O",
      creatorId: userId,
    }),
  );
  channelId = channel.id;
  await host.app.addChannelMember({ userId }, channelId, userId);
});

afterAll(async () => {
  await host?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("OnActivate", () => {
  it("leaves the plugin active", () => {
    expect(host.status(pluginId).state).toBe("active");
  });

  it("logs through the host with the plugin's id, including the server version from the API", () => {
    expect(logged("Hello plugin activated")?.level).toBe("info");
    expect(logged(`Server version: ${host.serverVersion}`)?.fields).toMatchObject({
      version: host.serverVersion,
    });
  });

  it("registers /hello through the API, reaching the store", async () => {
    const command = await host.store.findCommand(teamId, "hello");
    expect(command).toMatchObject({ trigger: "hello", pluginId, autoComplete: true });
  });
});

describe("MessageWillBePosted", () => {
  it("lets an ordinary message through, stored unchanged", async () => {
    const post = await host.app.createPost(
      { userId },
      create(PostSchema, { channelId, userId, message: "hello, world" }),
    );
    expect((await host.store.getPost(post.id)).message).toBe("hello, world");
  });

  it("rejects a message containing badword in any case, with the plugin's reason", async () => {
    const attempt = host.app.createPost(
      { userId },
      create(PostSchema, { channelId, userId, message: "this has a BadWord in it" }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      id: POST_REJECTED_ID,
      message: expect.stringContaining('Message blocked: "badword" is not allowed here.'),
    });
    const stored = await host.store.getPostsForChannel(channelId, { page: 0, perPage: 100 });
    expect(stored.map((p) => p.message)).not.toContain("this has a BadWord in it");
  });
});

describe("ExecuteCommand", () => {
  it("answers /hello ephemerally", async () => {
    const response = await host.app.executeCommand(
      { userId },
      {
        $typeName: "plugwire.v1.CommandArgs",
        userId,
        channelId,
        teamId,
        rootId: "",
        parentId: "",
        triggerId: "",
        command: "/hello",
        siteUrl: "",
      },
    );
    expect(response.responseType).toBe("ephemeral");
    expect(response.text).toContain("Hello from Plugwire!");
  });
});

describe("ServeHTTP", () => {
  it("answers GET /api/hello with JSON naming the authenticated user, never a spoofed one", async () => {
    const response = await host.fetchPlugin(
      pluginId,
      new Request(`http://localhost/plugins/${pluginId}/api/hello`, {
        headers: { "Mattermost-User-Id": "spoofed-admin-id" },
      }),
      { basePath: `/plugins/${pluginId}`, context: { userId } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ message: "Hello from Plugwire!", user_id: userId });
  });

  it("answers 404 for a path it does not know", async () => {
    const response = await host.fetchPlugin(pluginId, new Request("http://localhost/api/nope"));
    expect(response.status).toBe(404);
  });
});

describe("OnDeactivate", () => {
  it("logs and stops the process; the plugin's command goes away", async () => {
    await host.disablePlugin(pluginId);
    expect(logged("Hello plugin deactivated")).toBeDefined();
    expect(host.status(pluginId).state).toBe("stopped");
    expect(await host.store.findCommand(teamId, "hello")).toBeUndefined();
  });
});
