// Test support for the REST server's specs: a host with the recorder plugin (this folder) as a
// real process, the REST server on a free port, a fetch helper that speaks JSON with a bearer
// token, users logged in and teams and channels made over HTTP, and what the plugin recorded.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import { create as createTar } from "tar";
import { createHost, type Host } from "../../src/host.js";
import type { RestRateLimits } from "../../src/http/rest/rate-limit.js";
import { type RestServer, startRestServer } from "../../src/http/rest/server.js";
import type { LogEntry } from "../../src/log.js";
import { MemoryFileStore } from "../../src/store/memory-file-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

export const RECORDER_ID = "test.recorder";
/** The recorder plugin's folder. */
export const recorderDir = dirname(fileURLToPath(import.meta.url));
export const PASSWORD = "correct horse battery";

/** One hook call as the recorder plugin saw it. */
export interface Recorded {
  hook: string;
  context: {
    requestId: string;
    sessionId: string;
    userId: string;
    ipAddress: string;
    userAgent: string;
  };
  /** The hook's arguments, as the plugin wrote them to JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: specs read whatever shape the hook has and assert on it
  args: any;
}

export interface RequestOptions {
  token?: string;
  /** Sent as the JSON body. */
  json?: unknown;
  /** Sent as the body as it is. */
  body?: RequestInit["body"];
  headers?: Record<string, string>;
}

/** A user logged in over HTTP: its id and session token. */
export interface RestUser {
  id: string;
  token: string;
}

/** A team as the v4 API answers it, in the fields the specs read. */
export interface RestTeam {
  id: string;
  name: string;
  display_name: string;
  type: string;
}

/** A channel as the v4 API answers it, in the fields the specs read. */
export interface RestChannel {
  id: string;
  team_id: string;
  name: string;
  display_name: string;
  type: string;
}

export interface FixtureOptions {
  maxBodyBytes?: number;
  /** Give the host a pluginsDir (a fresh temporary folder), so bundles can be installed. */
  withPluginsDir?: boolean;
  webSocketAuthTimeoutMs?: number;
  /**
   * The REST server's rate limits. Default: none, since specs log many users in at once from
   * one address; the rate limit's own spec sets them.
   */
  rateLimits?: RestRateLimits;
  /** The deadline of each hook call; the host's default (30 s) unless set. */
  hookTimeoutMs?: number;
  /** The host's public link salt: public file links are served when set. */
  publicLinkSalt?: string;
  /** Settings of the server configuration fixed for the run (HostOptions.serverConfig). */
  serverConfig?: JsonObject;
}

export class RestFixture {
  adminId = "";
  adminToken = "";
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private teamCount = 0;

  private constructor(
    readonly host: Host,
    readonly server: RestServer,
    /** Every entry the host logged, oldest first. */
    readonly logs: LogEntry[],
  ) {}

  static async start(options: FixtureOptions = {}): Promise<RestFixture> {
    const logs: LogEntry[] = [];
    const dataDir = await mkdtemp(join(tmpdir(), "pw-rest-"));
    const host = await createHost({
      store: await openSqliteStore({ path: ":memory:" }),
      files: new MemoryFileStore(),
      log: (entry) => logs.push(entry),
      pluginsDir: options.withPluginsDir ? join(dataDir, "plugins") : undefined,
      hookTimeoutMs: options.hookTimeoutMs,
      // Test plugins import the SDK from this repository by its path.
      sandbox: { readablePaths: [fileURLToPath(new URL("../../../../", import.meta.url))] },
      publicLinkSalt: options.publicLinkSalt,
      serverConfig: options.serverConfig,
    });
    await host.loadPlugin(recorderDir);
    await host.enablePlugin(RECORDER_ID);
    const server = await startRestServer(host, {
      port: 0,
      maxBodyBytes: options.maxBodyBytes,
      webSocketAuthTimeoutMs: options.webSocketAuthTimeoutMs,
      rateLimits: options.rateLimits ?? { login: false },
    });
    const fixture = new RestFixture(host, server, logs);
    fixture.cleanups.push(
      () => server.close(),
      () => host.close(),
      () => rm(dataDir, { recursive: true, force: true }),
    );
    const admin = await fixture.newUser("admin", { admin: true });
    fixture.adminId = admin.id;
    fixture.adminToken = admin.token;
    await fixture.takeRecords();
    return fixture;
  }

  get url(): string {
    return this.server.url;
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups) await cleanup();
  }

  /** A request to the server; `path` starts with "/". */
  request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    // duplex "half" lets a body be a stream.
    return fetch(this.url + path, { method, headers, body, duplex: "half" } as RequestInit);
  }

  /** A request whose answer is JSON: the status and the parsed body (any: the tests check it). */
  async call(
    method: string,
    path: string,
    options: RequestOptions = {},
    // biome-ignore lint/suspicious/noExplicitAny: specs assert on the parsed body's shape themselves
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await this.request(method, path, options);
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  }

  /** Creates an account (password PASSWORD) through the application layer, not logged in. */
  async newAccount(username: string, options: { admin?: boolean } = {}): Promise<void> {
    await this.host.app.createUser(
      {},
      create(UserSchema, {
        username,
        email: `${username}@example.com`,
        roles: options.admin ? "system_admin system_user" : "system_user",
      }),
      PASSWORD,
    );
  }

  /** Creates an account through the application layer and logs it in over HTTP. */
  async newUser(username: string, options: { admin?: boolean } = {}): Promise<RestUser> {
    await this.newAccount(username, options);
    const login = await this.setupCall(200, "POST", "/api/v4/users/login", {
      json: { login_id: username, password: PASSWORD },
    });
    return { id: login.body.id, token: login.headers.get("token") ?? "" };
  }

  /** An open team created by `owner`, who adds `members`. */
  async newTeam(owner: RestUser, members: RestUser[] = []): Promise<RestTeam> {
    this.teamCount += 1;
    const { body: team } = await this.setupCall(201, "POST", "/api/v4/teams", {
      token: owner.token,
      json: {
        name: `team-${this.teamCount}`,
        display_name: `Team ${this.teamCount}`,
        type: "O",
        allow_open_invite: true,
      },
    });
    for (const member of members) {
      await this.setupCall(201, "POST", `/api/v4/teams/${team.id}/members`, {
        token: owner.token,
        json: { team_id: team.id, user_id: member.id },
      });
    }
    return team;
  }

  /** A public channel of `team` created by `owner` (a team member), who adds `members`. */
  async newChannel(
    team: RestTeam,
    owner: RestUser,
    channel: { name: string; displayName: string },
    members: RestUser[] = [],
  ): Promise<RestChannel> {
    const { body: created } = await this.setupCall(201, "POST", "/api/v4/channels", {
      token: owner.token,
      json: {
        team_id: team.id,
        name: channel.name,
        display_name: channel.displayName,
        type: "O",
      },
    });
    for (const member of members) {
      await this.setupCall(201, "POST", `/api/v4/channels/${created.id}/members`, {
        token: owner.token,
        json: { user_id: member.id },
      });
    }
    return created;
  }

  /**
   * A call a spec's setup depends on: one that does not answer `status` throws, naming the call,
   * so a broken route fails the setup instead of a later test.
   */
  private async setupCall(
    status: number,
    method: string,
    path: string,
    options: RequestOptions,
  ): ReturnType<RestFixture["call"]> {
    const answer = await this.call(method, path, options);
    if (answer.status !== status) {
      throw new Error(
        `setup: ${method} ${path} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`,
      );
    }
    return answer;
  }

  /**
   * Waits for the hooks in flight, then returns (and forgets) what the recorder recorded since
   * the last call, in order; only the calls of `hook` when given. The websocket hooks are
   * kept apart, under the prefix "ws-record:".
   */
  async takeRecords(
    hook?: string,
    pluginId = RECORDER_ID,
    prefix = "record:",
  ): Promise<Recorded[]> {
    await this.host.app.settled();
    const store = this.host.app;
    const keys: string[] = [];
    for (let page = 0; ; page += 1) {
      const batch = await store.kvList(pluginId, { page, perPage: 200 });
      keys.push(...batch.filter((key) => key.startsWith(prefix)));
      if (batch.length < 200) break;
    }
    const records: Recorded[] = [];
    for (const key of keys) {
      const value = await store.kvGet(pluginId, key);
      if (value) records.push(JSON.parse(new TextDecoder().decode(value)) as Recorded);
      await store.kvDelete(pluginId, key);
    }
    return hook === undefined ? records : records.filter((record) => record.hook === hook);
  }
}

/**
 * A plugin bundle (.tar.gz) of the recorder plugin under another id. A bundle is installed
 * outside this repository, where "@plugwire/sdk" does not resolve, so its import names the
 * built SDK by path. With `escapingEntry`, the archive also holds that path (e.g. "../x").
 */
export async function recorderBundle(
  pluginId: string,
  options: { escapingEntry?: string } = {},
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "pw-bundle-"));
  try {
    const root = join(dir, "bundle");
    await mkdir(root);
    const manifest = JSON.parse(await readFile(join(recorderDir, "plugin.json"), "utf8"));
    await writeFile(join(root, "plugin.json"), JSON.stringify({ ...manifest, id: pluginId }));
    const sdk = pathToFileURL(join(recorderDir, "../../../sdk/dist/index.js")).href;
    const source = await readFile(join(recorderDir, "recorder-plugin.mjs"), "utf8");
    await writeFile(
      join(root, "recorder-plugin.mjs"),
      source.replace('from "@plugwire/sdk"', `from ${JSON.stringify(sdk)}`),
    );
    const entries = ["plugin.json", "recorder-plugin.mjs"];
    if (options.escapingEntry) {
      await writeFile(join(root, options.escapingEntry), "escaped");
      entries.push(options.escapingEntry);
    }
    const file = join(dir, "bundle.tar.gz");
    await createTar({ gzip: true, file, cwd: root, preservePaths: true }, entries);
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
