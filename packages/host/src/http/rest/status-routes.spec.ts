// Statuses over v4 through the official client: presence from the websocket, setting one's
// status by hand, status_change on the user's websocket, custom statuses, and refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

/** Client4's type of a custom status duration (an enum of Mattermost's duration names). */
type Duration = Parameters<ReturnType<typeof newClient4>["updateCustomStatus"]>[0]["duration"];

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;

beforeAll(async () => {
  f = await RestFixture.start();
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
});
afterAll(async () => {
  await f?.close();
});

describe("statuses through Client4", () => {
  it("says online while a websocket is open and offline after, with status_change", async () => {
    const client = newClient4(f.url, bob.token);
    expect(await client.getStatus(ann.id)).toEqual({
      user_id: ann.id,
      status: "offline",
      manual: false,
      last_activity_at: 0,
      dnd_end_time: 0,
    });
    const socket = await ClientSocket.connect(f.url, ann.token);
    await expect.poll(async () => (await client.getStatus(ann.id)).status).toBe("online");
    expect((await client.getStatus(ann.id)).last_activity_at).toBeGreaterThan(0);
    const statuses = await client.getStatusesByIds([ann.id, bob.id]);
    expect(statuses.map((s: { user_id: string; status: string }) => [s.user_id, s.status])).toEqual(
      [
        [ann.id, "online"],
        [bob.id, "offline"],
      ],
    );
    socket.close();
    await expect.poll(async () => (await client.getStatus(ann.id)).status).toBe("offline");
  });

  it("sets a status by hand, which the websocket then leaves alone", async () => {
    const client = newClient4(f.url, ann.token);
    const socket = await ClientSocket.connect(f.url, ann.token);
    try {
      const change = socket.next("status_change", (e) => e.data.status === "dnd");
      const dnd = await client.updateStatus({ user_id: ann.id, status: "dnd", dnd_end_time: 0 });
      expect(dnd).toMatchObject({ user_id: ann.id, status: "dnd", manual: true });
      const event = await change;
      expect(event.data).toEqual({ status: "dnd", user_id: ann.id });
      expect(event.broadcast.user_id).toBe(ann.id);
    } finally {
      socket.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await newClient4(f.url, bob.token).getStatus(ann.id)).toMatchObject({
      status: "dnd",
      manual: true,
    });
    expect(await client.updateStatus({ user_id: ann.id, status: "online" })).toMatchObject({
      status: "online",
      manual: false,
    });
    // me works in the path, too.
    expect(
      (await f.call("GET", "/api/v4/users/me/status", { token: ann.token })).body.user_id,
    ).toBe(ann.id);
  });

  it("follows the websocket's user_update_active_status", async () => {
    const socket = await ClientSocket.connect(f.url, bob.token);
    try {
      const away = socket.next("status_change", (e) => e.data.status === "away");
      socket.client.userUpdateActiveStatus(false, true);
      await away;
      expect(await newClient4(f.url, ann.token).getStatus(bob.id)).toMatchObject({
        status: "away",
        manual: true,
      });
      const online = socket.next("status_change", (e) => e.data.status === "online");
      socket.client.userUpdateActiveStatus(true, true);
      await online;
    } finally {
      socket.close();
    }
  });

  it("sets and clears a custom status in the user's props", async () => {
    const client = newClient4(f.url, bob.token);
    await client.updateCustomStatus({
      emoji: "calendar",
      text: "In a meeting",
      duration: "one_hour" as Duration,
    });
    const me = await client.getMe();
    expect(JSON.parse(me.props.customStatus)).toMatchObject({
      emoji: "calendar",
      text: "In a meeting",
      duration: "one_hour" as Duration,
    });
    await client.unsetCustomStatus();
    expect((await client.getMe()).props.customStatus).toBe("");
  });
});

describe("refusals", () => {
  it("403 for setting another user's status; 400 naming the field for a bad body", async () => {
    const other = await f.call("PUT", `/api/v4/users/${ann.id}/status`, {
      token: bob.token,
      json: { user_id: ann.id, status: "away" },
    });
    expect(other.status).toBe(403);
    for (const [json, field] of [
      [{ user_id: ann.id, status: "away" }, "user_id"],
      [{ user_id: bob.id, status: "busy" }, "status"],
      [{ user_id: bob.id }, "status"],
      [{ user_id: bob.id, status: "dnd", dnd_end_time: "soon" }, "dnd_end_time"],
      [[bob.id], "body"],
    ] as const) {
      const { status, body } = await f.call("PUT", `/api/v4/users/${bob.id}/status`, {
        token: bob.token,
        json,
      });
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.message).toContain(field);
    }
    const ids = await f.call("POST", "/api/v4/users/status/ids", {
      token: bob.token,
      json: { ids: [] },
    });
    expect(ids.status).toBe(400);
    expect(ids.body.message).toContain("user_ids");
  });

  it("404 for an unknown user, 401 without a session", async () => {
    const unknown = "u".repeat(26);
    expect(
      (await f.call("GET", `/api/v4/users/${unknown}/status`, { token: bob.token })).status,
    ).toBe(404);
    expect((await f.call("GET", `/api/v4/users/${bob.id}/status`)).status).toBe(401);
  });
});
