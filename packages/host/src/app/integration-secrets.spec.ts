// Trigger ids and action cookies, on a real SQLite store and a clock the spec moves: Mattermost's
// trigger id format, its 30 seconds, one use, and cookies no one without the key can read or
// change. Two apps on one database share the keys, as hosts of a cluster do.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import { failureOf } from "../test-fixtures/failure-of.js";
import { IntegrationSecrets, TRIGGER_ID_TIMEOUT_MS } from "./integration-secrets.js";

let store: Store;
let time: number;
let secrets: IntegrationSecrets;

beforeEach(async () => {
  store = await openSqliteStore({ path: ":memory:" });
  time = 1_700_000_000_000;
  secrets = new IntegrationSecrets(store, () => time);
});
afterEach(async () => {
  await store.close();
});

describe("trigger ids", () => {
  it("are Mattermost's base64 of id, user, time and signature, and name their user", async () => {
    const { triggerId, clientTriggerId } = await secrets.newTriggerId("u1");
    const [id, user, millis, signature] = Buffer.from(triggerId, "base64").toString().split(":");
    expect([id, user, millis]).toEqual([clientTriggerId, "u1", String(time)]);
    expect(Buffer.from(signature ?? "", "base64").length).toBeGreaterThan(60);
    expect(await secrets.useTriggerId(triggerId)).toEqual({ clientTriggerId, userId: "u1" });
  });

  it("work once, for 30 seconds", async () => {
    const first = await secrets.newTriggerId("u1");
    await secrets.useTriggerId(first.triggerId);
    expect(await failureOf(secrets.useTriggerId(first.triggerId))).toMatchObject({
      id: "interactive_message.decode_trigger_id.used",
    });
    const late = await secrets.newTriggerId("u1");
    time += TRIGGER_ID_TIMEOUT_MS + 1;
    expect(await failureOf(secrets.useTriggerId(late.triggerId))).toMatchObject({
      name: "ValidationError",
      id: "interactive_message.decode_trigger_id.expired",
    });
  });

  it("can't be changed to name another user, and are checked by another host on the database", async () => {
    const { triggerId } = await secrets.newTriggerId("u1");
    const parts = Buffer.from(triggerId, "base64").toString().split(":");
    parts[1] = "u2";
    const changed = Buffer.from(parts.join(":")).toString("base64");
    expect(await failureOf(secrets.useTriggerId(changed))).toMatchObject({
      id: "interactive_message.decode_trigger_id.verify_signature_failed",
    });
    const otherHost = new IntegrationSecrets(store, () => time);
    expect((await otherHost.useTriggerId(triggerId)).userId).toBe("u1");
  });
});

describe("action cookies", () => {
  it("open to what was sealed, on any host of the database, and not once changed", async () => {
    const sealed = await secrets.sealCookie('{"post_id":"p1"}');
    // Nothing of the plaintext shows, in the text or its bytes. (Not "p1" alone: random base64
    // holds any two characters now and then.)
    expect(sealed).not.toContain("post_id");
    expect(Buffer.from(sealed, "base64").includes('{"post_id":"p1"}')).toBe(false);
    expect(await new IntegrationSecrets(store, () => time).openCookie(sealed)).toBe(
      '{"post_id":"p1"}',
    );
    const bytes = Buffer.from(sealed, "base64");
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    expect(await failureOf(secrets.openCookie(bytes.toString("base64")))).toMatchObject({
      id: "api.post.do_action.action_integration.app_error",
    });
    expect(await failureOf(secrets.openCookie("c2hvcnQ="))).toMatchObject({
      name: "ValidationError",
    });
  });
});
