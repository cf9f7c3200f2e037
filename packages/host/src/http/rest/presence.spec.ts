// Presence on its own: a user is online while at least one of their websockets is, and
// last_activity_at follows what their websockets do.
import { describe, expect, it } from "vitest";
import { Presence } from "./presence.js";

describe("Presence", () => {
  it("keeps a user online until their last websocket ends", () => {
    let now = 1_000;
    const presence = new Presence(() => now);
    expect(presence.status("u1")).toEqual({
      user_id: "u1",
      status: "offline",
      manual: false,
      last_activity_at: 0,
    });

    presence.connected("u1");
    now = 2_000;
    presence.connected("u1");
    expect(presence.online()).toEqual(["u1"]);
    now = 3_000;
    presence.disconnected("u1");
    expect(presence.status("u1")).toMatchObject({ status: "online", last_activity_at: 3_000 });
    now = 4_000;
    presence.active("u1");
    now = 5_000;
    presence.disconnected("u1");
    expect(presence.status("u1")).toMatchObject({ status: "offline", last_activity_at: 5_000 });
    expect(presence.online()).toEqual([]);
  });

  it("tells users apart", () => {
    const presence = new Presence(() => 7);
    presence.connected("u1");
    presence.connected("u2");
    presence.disconnected("u2");
    expect(presence.online()).toEqual(["u1"]);
    expect(presence.status("u2")).toMatchObject({ status: "offline", last_activity_at: 7 });
  });
});
