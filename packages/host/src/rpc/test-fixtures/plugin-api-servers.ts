// The world of the PluginAPI service specs: two plugins' API servers (PLUGIN_A as `a`,
// PLUGIN_B as `b`) on real Unix sockets, over the real application layer and a SQLite store on
// a fake clock, with stand-in plugins for the app to fire hooks at. `usePluginApiServers()`
// builds a fresh one for each test in `world`; every App operation that takes an actor is
// recorded, so specs can check that the service went through the app, as the plugin.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { ValidationError } from "@plugwire/errors";
import {
  ChannelSchema,
  type PluginAPI,
  type Team,
  TeamSchema,
  UserSchema,
} from "@plugwire/protocol";
import { afterEach, beforeEach, expect } from "vitest";
import type { Actor, App } from "../../app/app.js";
import { HostApp } from "../../app/host-app.js";
import { Logger } from "../../log.js";
import { LocalFileStore } from "../../store/local-file-store.js";
import { openSqliteStore } from "../../store/sqlite-store.js";
import type { Store } from "../../store/store.js";
import type { HookDispatcher } from "../../supervisor/hook-client.js";
import { failureOf } from "../../test-fixtures/failure-of.js";
import { type PluginApiServer, startPluginApiServer } from "../api-server.js";
import { createPluginApiService } from "../plugin-api-service.js";
import { connectPluginApi, type PluginApiConnection } from "./plugin-api-client.js";

export const START = 1_700_000_000_000;
export const PLUGIN_A = "com.example.a";
export const PLUGIN_B = "com.example.b";
export const MAX_UPLOAD = 256 * 1024;
export const PUBLIC_LINK_SALT = "0123456789abcdefghijklmnopqrstuv";
export const SERVER_CONFIG = { ServiceSettings: { SiteURL: "https://chat.example.com" } };

/** One call of an App operation that takes an actor, as the PluginAPI service made it. */
export interface AppCall {
  operation: keyof App;
  actor: Actor;
  args: unknown[];
}

export interface PluginApiWorld {
  /** The test's temporary folder: the database, the files, the sockets. */
  dir: string;
  /** The fake clock, in ms since the epoch; starts at START, tests move it. */
  time: number;
  store: Store;
  hostApp: HostApp;
  calls: AppCall[];
  /** Stand-in plugins the app fires hooks at; none unless a test adds one. */
  plugins: HookDispatcher[];
  a: Client<typeof PluginAPI>;
  b: Client<typeof PluginAPI>;
  servers: PluginApiServer[];
  connections: PluginApiConnection[];
}

/** The current test's world; filled by the hooks usePluginApiServers registers. */
export const world = {} as PluginApiWorld;

/** Registers the hooks that build a fresh world before each test and tear it down after. */
export function usePluginApiServers(): void {
  beforeEach(async () => {
    // Short on purpose: Unix socket paths are limited to about 107 bytes.
    world.dir = await mkdtemp(join(tmpdir(), "pw-"));
    world.time = START;
    world.store = await openSqliteStore({
      path: join(world.dir, "plugwire.db"),
      now: () => world.time,
    });
    world.calls = [];
    world.plugins = [];
    world.hostApp = new HostApp({
      store: world.store,
      files: new LocalFileStore(join(world.dir, "files")),
      hooks: {
        implementing: (hook) => world.plugins.filter((plugin) => plugin.implements(hook)),
        get: (pluginId) => world.plugins.find((plugin) => plugin.pluginId === pluginId),
      },
      log: new Logger(() => undefined),
      hostId: "h1",
      publicLinkSalt: PUBLIC_LINK_SALT,
      serverConfig: SERVER_CONFIG,
    });
    world.servers = [];
    world.connections = [];
    const app = recordingApp(world.hostApp, world.calls);
    world.a = await startServer(app, PLUGIN_A, "token-a");
    world.b = await startServer(app, PLUGIN_B, "token-b");
  });

  afterEach(async () => {
    for (const connection of world.connections) {
      connection.close();
    }
    await Promise.all(world.servers.map((server) => server.close()));
    await world.store.close();
    await rm(world.dir, { recursive: true, force: true });
  });
}

/**
 * The real application layer, recording each operation that takes an actor: the PluginAPI
 * must reach the store through it, as the plugin.
 */
function recordingApp(inner: HostApp, calls: AppCall[]): App {
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const [first] = args;
        if (typeof first === "object" && first !== null && !("$typeName" in first)) {
          calls.push({
            operation: property as keyof App,
            actor: first as Actor,
            args: args.slice(1),
          });
        }
        return value.apply(target, args);
      };
    },
  });
}

async function startServer(
  app: App,
  pluginId: string,
  token: string,
): Promise<Client<typeof PluginAPI>> {
  const socketPath = join(world.dir, `${pluginId.slice(-1)}.sock`);
  world.servers.push(
    await startPluginApiServer({
      socketPath,
      token,
      service: createPluginApiService({
        pluginId,
        app,
        serverVersion: "9.5.0",
        maxUploadBytes: MAX_UPLOAD,
        now: () => world.time,
      }),
    }),
  );
  const connection = connectPluginApi(socketPath, `Bearer ${token}`);
  world.connections.push(connection);
  return connection.client;
}

/** The recorded App calls of one operation. */
export function callsOf(operation: keyof App): AppCall[] {
  return world.calls.filter((call) => call.operation === operation);
}

/** Expects the call to fail with a ValidationError naming `field`. */
export async function expectInvalid(call: Promise<unknown>, field: string): Promise<void> {
  const error = await failureOf(call);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.params.field).toBe(field);
}

export const newUser = (username: string) =>
  world.store.createUser(create(UserSchema, { username, email: `${username}@example.com` }));
export const newTeam = (name: string) =>
  world.store.createTeam(create(TeamSchema, { name, type: "O" }));
export const newChannel = (team: Team, name: string) =>
  world.store.createChannel(create(ChannelSchema, { teamId: team.id, name, type: "O" }));
export const bytes = (...values: number[]) => new Uint8Array(values);
