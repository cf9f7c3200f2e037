// Statuses as the app keeps them, on a real SQLite store and a clock the test moves: presence
// from connections, away after inactivity, manual statuses that automatic changes leave alone,
// timed do-not-disturb, custom statuses, and a status_change for every change.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { type Status, UserSchema } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Logger } from "../log.js";
import { MemoryFileStore } from "../store/memory-file-store.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import { HostApp } from "./host-app.js";

const START = 1_700_000_000_000;
const AWAY_MS = 60_000;
let time: number;
let store: Store;
let app: HostApp;
let changes: [string, string][];
let userId: string;

beforeEach(async () => {
  time = START;
  store = await openSqliteStore({ path: ":memory:", now: () => time });
  app = new HostApp({
    store,
    files: new MemoryFileStore(),
    hooks: { implementing: () => [], get: () => undefined },
    log: new Logger(() => {}),
    hostId: "h1",
    now: () => time,
    userStatusAwayTimeoutMs: AWAY_MS,
  });
  changes = [];
  app.subscribe({
    statusChanged: (status: Status) => changes.push([status.userId, status.status]),
  });
  ({ id: userId } = await app.createUser(
    {},
    create(UserSchema, { username: "ann", email: "ann@example.com" }),
  ));
});
afterEach(async () => {
  await store.close();
});

describe("presence", () => {
  it("is offline until a connection opens, online while one is open, offline after the last", async () => {
    expect(await app.getUserStatus(userId)).toMatchObject({
      status: "offline",
      manual: false,
      lastActivityAt: 0n,
    });
    await app.userConnected(userId);
    await app.userConnected(userId);
    expect(await app.getUserStatus(userId)).toMatchObject({
      status: "online",
      lastActivityAt: BigInt(START),
    });
    expect(app.connectedUserIds()).toEqual([userId]);
    await app.userDisconnected(userId);
    expect((await app.getUserStatus(userId)).status).toBe("online");
    time += 1000;
    await app.userDisconnected(userId);
    expect(await app.getUserStatus(userId)).toMatchObject({
      status: "offline",
      lastActivityAt: BigInt(START + 1000),
    });
    expect(app.connectedUserIds()).toEqual([]);
    expect(changes).toEqual([
      [userId, "online"],
      [userId, "offline"],
    ]);
  });

  it("makes an idle connected user away after the timeout, and online again when active", async () => {
    await app.userConnected(userId);
    time += AWAY_MS - 1;
    await app.checkStatuses();
    expect((await app.getUserStatus(userId)).status).toBe("online");
    time += 1;
    await app.checkStatuses();
    expect(await app.getUserStatus(userId)).toMatchObject({ status: "away", manual: false });
    await app.userActive(userId);
    expect((await app.getUserStatus(userId)).status).toBe("online");
    expect(changes.map(([, status]) => status)).toEqual(["online", "away", "online"]);
  });

  it("makes an inactive client's user away only once idle, unless by hand", async () => {
    await app.userConnected(userId);
    await app.userActiveStatus(userId, false, false);
    expect((await app.getUserStatus(userId)).status).toBe("online");
    time += AWAY_MS;
    await app.userActiveStatus(userId, false, false);
    expect(await app.getUserStatus(userId)).toMatchObject({ status: "away", manual: false });
    await app.userActiveStatus(userId, true, false);
    await app.userActiveStatus(userId, false, true);
    expect(await app.getUserStatus(userId)).toMatchObject({ status: "away", manual: true });
  });

  it("keeps a manual status through connections and inactivity", async () => {
    await app.updateUserStatus({ userId }, userId, "away");
    await app.userConnected(userId);
    expect(await app.getUserStatus(userId)).toMatchObject({ status: "away", manual: true });
    await app.updateUserStatus({ userId }, userId, "dnd");
    time += AWAY_MS * 2;
    await app.checkStatuses();
    await app.userDisconnected(userId);
    expect(await app.getUserStatus(userId)).toMatchObject({ status: "dnd", manual: true });
    // Online by hand ends the manual status: from then on presence decides again.
    await app.updateUserStatus({ userId }, userId, "online");
    expect(await app.getUserStatus(userId)).toMatchObject({ status: "online", manual: false });
  });

  it("keeps statuses in the store, so a new app on the same store knows them", async () => {
    await app.updateUserStatus({ userId }, userId, "dnd");
    const again = new HostApp({
      store,
      files: new MemoryFileStore(),
      hooks: { implementing: () => [], get: () => undefined },
      log: new Logger(() => {}),
      hostId: "h2",
      now: () => time,
    });
    expect(await again.getUserStatus(userId)).toMatchObject({ status: "dnd", manual: true });
  });
});

describe("do not disturb", () => {
  it("ends a timed do-not-disturb at its time (in seconds, truncated to the minute)", async () => {
    await app.userConnected(userId);
    const minute = BigInt(START / 1000) - (BigInt(START / 1000) % 60n);
    const ends = minute + 600n;
    const set = await app.setUserStatusTimedDND({}, userId, ends + 17n);
    expect(set).toMatchObject({
      status: "dnd",
      manual: true,
      prevStatus: "online",
      dndEndTime: ends,
    });
    time = Number(ends) * 1000 - 1000;
    await app.userActive(userId);
    await app.checkStatuses();
    expect((await app.getUserStatus(userId)).status).toBe("dnd");
    time += 1000;
    await app.checkStatuses();
    expect(await app.getUserStatus(userId)).toMatchObject({
      status: "online",
      manual: false,
      dndEndTime: 0n,
    });
    expect(changes.map(([, status]) => status)).toEqual(["online", "dnd", "online"]);
  });

  it("refuses an end time in the past", async () => {
    await expect(app.setUserStatusTimedDND({}, userId, BigInt(START / 1000 - 1))).rejects.toThrow(
      ValidationError,
    );
  });
});

describe("refusals", () => {
  it("refuses an unknown status and an unknown user", async () => {
    const error = await app.updateUserStatus({}, userId, "busy").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).params.field).toBe("status");
    await expect(app.getUserStatus("u".repeat(26))).rejects.toThrow(NotFoundError);
    expect((await app.getUserStatusesByIds([userId, "u".repeat(26)])).map((s) => s.status)).toEqual(
      ["offline", "offline"],
    );
  });
});

describe("custom status", () => {
  it("lives in the user's props as Mattermost's JSON, and is cleared to an empty string", async () => {
    await app.updateUserCustomStatus({}, userId, {
      $typeName: "plugwire.v1.CustomStatus",
      emoji: "",
      text: " In a meeting ",
      duration: "one_hour",
      expiresAt: "2030-01-01T10:00:00Z",
    });
    expect(JSON.parse((await app.getUser(userId)).props.customStatus ?? "")).toEqual({
      emoji: "speech_balloon",
      text: "In a meeting",
      duration: "one_hour",
      expires_at: "2030-01-01T10:00:00Z",
    });
    await app.removeUserCustomStatus({}, userId);
    expect((await app.getUser(userId)).props.customStatus).toBe("");
  });

  it("refuses one without emoji and text, or with an unknown duration", async () => {
    const custom = (init: { emoji?: string; text?: string; duration?: string }) => ({
      $typeName: "plugwire.v1.CustomStatus" as const,
      emoji: init.emoji ?? "",
      text: init.text ?? "",
      duration: init.duration ?? "",
      expiresAt: "",
    });
    for (const [init, field] of [
      [{}, "custom_status"],
      [{ text: "x", duration: "forever" }, "custom_status.duration"],
      [{ text: "x".repeat(101) }, "custom_status.text"],
    ] as const) {
      const error = await app
        .updateUserCustomStatus({}, userId, custom(init))
        .catch((e: unknown) => e);
      expect((error as ValidationError).params.field).toBe(field);
    }
  });
});
