// Preferences over v4 through the official client: saving, reading (all, by category, one) and
// deleting them, preferences_changed/preferences_deleted on the user's own websocket only,
// PreferencesHaveChanged in a real plugin process, and Mattermost's refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import type { RestFixture, RestUser } from "../../../test-fixtures/rest/rest-fixture.js";
import { SOCIAL_ID, startSocialFixture } from "../../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;

beforeAll(async () => {
  ({ f } = await startSocialFixture());
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
});
afterAll(async () => {
  await f?.close();
});

const pref = (userId: string, category: string, name: string, value: string) => ({
  user_id: userId,
  category,
  name,
  value,
});

describe("preferences through Client4", () => {
  it("saves, reads and deletes a user's own preferences, telling only their websocket", async () => {
    const client = newClient4(f.url, ann.token);
    const own = await ClientSocket.connect(f.url, ann.token);
    const other = await ClientSocket.connect(f.url, bob.token);
    try {
      const military = pref(ann.id, "display_settings", "use_military_time", "true");
      const dm = pref(ann.id, "direct_channel_show", bob.id, "true");
      const changed = own.next("preferences_changed");
      expect(await client.savePreferences(ann.id, [military, dm])).toEqual({ status: "OK" });
      const event = await changed;
      expect(event.broadcast.user_id).toBe(ann.id);
      expect(JSON.parse(event.data.preferences)).toEqual([military, dm]);

      expect(await client.getMyPreferences()).toEqual([dm, military]);
      expect(await client.getUserPreferences(ann.id)).toEqual([dm, military]);
      const byCategory = await f.call("GET", `/api/v4/users/me/preferences/display_settings`, {
        token: ann.token,
      });
      expect(byCategory).toMatchObject({ status: 200, body: [military] });
      const one = await f.call(
        "GET",
        `/api/v4/users/${ann.id}/preferences/display_settings/name/use_military_time`,
        { token: ann.token },
      );
      expect(one).toMatchObject({ status: 200, body: military });

      const deleted = own.next("preferences_deleted");
      expect(await client.deletePreferences(ann.id, [military])).toEqual({ status: "OK" });
      expect(JSON.parse((await deleted).data.preferences)).toEqual([military]);
      expect(await client.getMyPreferences()).toEqual([dm]);
      expect(
        other.events.filter((e) => e.event.startsWith("preferences_")).map((e) => e.event),
      ).toEqual([]);
    } finally {
      own.close();
      other.close();
    }
  });

  it("fires PreferencesHaveChanged in a real plugin process", async () => {
    await f.takeRecords(undefined, SOCIAL_ID);
    const theme = pref(bob.id, "theme", "", '{"sidebarBg":"#000000"}');
    await newClient4(f.url, bob.token).savePreferences(bob.id, [theme]);
    const [record] = await f.takeRecords("PreferencesHaveChanged", SOCIAL_ID);
    expect(record?.context.userId).toBe(bob.id);
    expect(record?.args.preferences).toMatchObject([
      { userId: bob.id, category: "theme", name: "", value: theme.value },
    ]);
  });
});

describe("refusals", () => {
  it("403 for another user's preferences; a system admin may", async () => {
    for (const [method, path, json] of [
      ["GET", `/api/v4/users/${ann.id}/preferences`, undefined],
      ["GET", `/api/v4/users/${ann.id}/preferences/display_settings`, undefined],
      ["PUT", `/api/v4/users/${ann.id}/preferences`, [pref(ann.id, "a", "b", "c")]],
      ["POST", `/api/v4/users/${ann.id}/preferences/delete`, [pref(ann.id, "a", "b", "c")]],
    ] as const) {
      const { status, body } = await f.call(method, path, { token: bob.token, json });
      expect({ path, status, id: body.id }).toEqual({
        path,
        status: 403,
        id: "api.context.permissions.app_error",
      });
    }
    expect(
      (await f.call("GET", `/api/v4/users/${ann.id}/preferences`, { token: f.adminToken })).status,
    ).toBe(200);
    // Saving a preference of someone else under one's own URL is refused too.
    const smuggled = await f.call("PUT", `/api/v4/users/${bob.id}/preferences`, {
      token: bob.token,
      json: [pref(ann.id, "a", "b", "c")],
    });
    expect(smuggled.status).toBe(403);
  });

  it("404 for a category or a preference that is not set", async () => {
    const category = await f.call("GET", `/api/v4/users/${bob.id}/preferences/nothing_here`, {
      token: bob.token,
    });
    expect(category.status).toBe(404);
    const one = await f.call("GET", `/api/v4/users/${bob.id}/preferences/theme/name/nope`, {
      token: bob.token,
    });
    expect(one.status).toBe(404);
  });

  it("400 naming the field for a malformed body", async () => {
    const cases: [unknown, string][] = [
      [{ user_id: bob.id }, "preferences"],
      [[pref(bob.id, "", "name", "v")], "preferences[0].category"],
      [[pref(bob.id, "c".repeat(33), "name", "v")], "preferences[0].category"],
      [
        [pref(bob.id, "ok", "name", "v"), { ...pref(bob.id, "ok", "n", "v"), value: 5 }],
        "preferences[1].value",
      ],
      [["not an object"], "preferences[0]"],
      [[pref(bob.id, "theme", "", "not json")], "preferences[0].value"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await f.call("PUT", `/api/v4/users/${bob.id}/preferences`, {
        token: bob.token,
        json,
      });
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.message).toContain(field);
    }
  });
});
