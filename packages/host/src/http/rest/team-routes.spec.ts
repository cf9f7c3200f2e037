// /api/v4/teams over real HTTP, with the recorder plugin as a real process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let open: { id: string; name: string };
let closed: { id: string; name: string };

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
});
afterAll(async () => {
  await f?.close();
});

describe("POST /api/v4/teams", () => {
  it("creates the team with the creator as its first member, firing UserHasJoinedTeam without an actor", async () => {
    await f.takeRecords();
    const { status, body } = await f.call("POST", "/api/v4/teams", {
      token: alice.token,
      json: { name: "open-team", display_name: "Open", type: "O", allow_open_invite: true },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: "open-team",
      display_name: "Open",
      type: "O",
      allow_open_invite: true,
      delete_at: 0,
    });
    open = body;
    // The creator is the team's admin.
    expect(await f.host.store.getTeamMember(open.id, alice.id)).toMatchObject({
      schemeUser: true,
      schemeAdmin: true,
    });
    const [joined] = await f.takeRecords("UserHasJoinedTeam");
    expect(joined?.args.member).toMatchObject({ teamId: open.id, userId: alice.id });
    expect(joined?.args.actor).toBeUndefined();
    expect(joined?.context.userId).toBe(alice.id);

    const invite = await f.call("POST", "/api/v4/teams", {
      token: alice.token,
      json: { name: "closed-team", display_name: "Closed", type: "I" },
    });
    expect(invite.status).toBe(201);
    closed = invite.body;
  });

  it("refuses bad fields, naming them", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x", display_name: "X", type: "O" }, "name"],
      [{ name: "Has Spaces", display_name: "X", type: "O" }, "name"],
      [{ name: "fine-name", type: "O" }, "display_name"],
      [{ name: "fine-name", display_name: "X", type: "Q" }, "type"],
      [
        { name: "fine-name", display_name: "X", type: "O", allow_open_invite: "yes" },
        "allow_open_invite",
      ],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await f.call("POST", "/api/v4/teams", { token: alice.token, json });
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.params).toEqual({ field });
    }
    expect(
      (await f.call("GET", "/api/v4/teams/name/fine-name", { token: f.adminToken })).status,
    ).toBe(404);
  });

  it("answers 409 for a taken name and 401 without a session", async () => {
    const json = { name: "open-team", display_name: "Again", type: "O" };
    expect((await f.call("POST", "/api/v4/teams", { token: bob.token, json })).status).toBe(409);
    expect((await f.call("POST", "/api/v4/teams", { json })).status).toBe(401);
  });
});

describe("GET /api/v4/teams/{team_id} and /name/{name}", () => {
  it("show an open team to anyone logged in", async () => {
    for (const path of [`/api/v4/teams/${open.id}`, `/api/v4/teams/name/${open.name}`]) {
      const { status, body } = await f.call("GET", path, { token: bob.token });
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: open.id, name: open.name });
      expect(typeof body.create_at).toBe("number");
    }
  });

  it("show an invite-only team to its members and system admins only", async () => {
    for (const path of [`/api/v4/teams/${closed.id}`, `/api/v4/teams/name/${closed.name}`]) {
      expect((await f.call("GET", path, { token: bob.token })).status).toBe(403);
      expect((await f.call("GET", path, { token: alice.token })).status).toBe(200);
      expect((await f.call("GET", path, { token: f.adminToken })).status).toBe(200);
    }
  });

  it("answer 404 for a missing team", async () => {
    expect(
      (await f.call("GET", "/api/v4/teams/name/no-such-team", { token: bob.token })).status,
    ).toBe(404);
  });
});

describe("GET /api/v4/teams", () => {
  it("lists open teams to everyone and every team to system admins, a page at a time", async () => {
    const mine = await f.call("GET", "/api/v4/teams", { token: bob.token });
    expect(mine.status).toBe(200);
    expect(mine.body.map((team: { name: string }) => team.name)).toEqual(["open-team"]);
    const all = await f.call("GET", "/api/v4/teams?page=0&per_page=200", { token: f.adminToken });
    expect(all.body.map((team: { name: string }) => team.name)).toEqual([
      "closed-team",
      "open-team",
    ]);
    const second = await f.call("GET", "/api/v4/teams?page=1&per_page=1", { token: f.adminToken });
    expect(second.body.map((team: { name: string }) => team.name)).toEqual(["open-team"]);
  });

  it("refuses a malformed page, naming it", async () => {
    const { status, body } = await f.call("GET", "/api/v4/teams?per_page=-1", { token: bob.token });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      id: "api.context.invalid_url_param.app_error",
      params: { field: "per_page" },
    });
  });
});

describe("POST /api/v4/teams/{team_id}/members", () => {
  it("lets a user join an open team, firing UserHasJoinedTeam without an actor", async () => {
    await f.takeRecords();
    const { status, body } = await f.call("POST", `/api/v4/teams/${open.id}/members`, {
      token: bob.token,
      json: { team_id: open.id, user_id: bob.id },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ team_id: open.id, user_id: bob.id, delete_at: 0 });
    const [joined] = await f.takeRecords("UserHasJoinedTeam");
    expect(joined?.args.member).toMatchObject({ teamId: open.id, userId: bob.id });
    expect(joined?.args.actor).toBeUndefined();
  });

  it("lets members add others, firing UserHasJoinedTeam with the adder as the actor", async () => {
    const carl = await f.newUser("carl");
    await f.takeRecords();
    const { status } = await f.call("POST", `/api/v4/teams/${closed.id}/members`, {
      token: alice.token,
      json: { team_id: closed.id, user_id: carl.id },
    });
    expect(status).toBe(201);
    const [joined] = await f.takeRecords("UserHasJoinedTeam");
    expect(joined?.args.member).toMatchObject({ teamId: closed.id, userId: carl.id });
    expect(joined?.args.actor).toMatchObject({ id: alice.id, username: "alice" });
  });

  it("refuses joining an invite-only team, and adding people to a team one is not in", async () => {
    const dina = await f.newUser("dina");
    const join = await f.call("POST", `/api/v4/teams/${closed.id}/members`, {
      token: dina.token,
      json: { team_id: closed.id, user_id: dina.id },
    });
    expect(join.status).toBe(403);
    const add = await f.call("POST", `/api/v4/teams/${closed.id}/members`, {
      token: bob.token,
      json: { team_id: closed.id, user_id: dina.id },
    });
    expect(add.status).toBe(403);
    expect(await f.host.store.getTeamMember(closed.id, dina.id)).toBeUndefined();
  });

  it("refuses a body whose team is not the URL's, or without a user", async () => {
    const other = await f.call("POST", `/api/v4/teams/${open.id}/members`, {
      token: bob.token,
      json: { team_id: closed.id, user_id: bob.id },
    });
    expect(other).toMatchObject({ status: 400, body: { params: { field: "team_id" } } });
    const noUser = await f.call("POST", `/api/v4/teams/${open.id}/members`, {
      token: bob.token,
      json: { team_id: open.id },
    });
    expect(noUser).toMatchObject({ status: 400, body: { params: { field: "user_id" } } });
  });
});

describe("DELETE /api/v4/teams/{team_id}/members/{user_id}", () => {
  it("lets a user leave, firing UserHasLeftTeam without an actor", async () => {
    const eve = await f.newUser("eve");
    await f.call("POST", `/api/v4/teams/${open.id}/members`, {
      token: eve.token,
      json: { team_id: open.id, user_id: eve.id },
    });
    await f.takeRecords();
    const { status, body } = await f.call("DELETE", `/api/v4/teams/${open.id}/members/${eve.id}`, {
      token: eve.token,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ status: "OK" });
    const [left] = await f.takeRecords("UserHasLeftTeam");
    expect(left?.args.member).toMatchObject({ teamId: open.id, userId: eve.id });
    expect(left?.args.actor).toBeUndefined();
  });

  it("lets the team's admins and system admins remove others, reported as the actor", async () => {
    const carol = await f.newUser("carol");
    const join = (user: RestUser) =>
      f.call("POST", `/api/v4/teams/${open.id}/members`, {
        token: user.token,
        json: { team_id: open.id, user_id: user.id },
      });
    await join(carol);
    expect(await f.host.store.getTeamMember(open.id, carol.id)).toMatchObject({
      schemeAdmin: false,
    });
    const remove = (by: string) =>
      f.call("DELETE", `/api/v4/teams/${open.id}/members/${bob.id}`, { token: by });

    const denied = await remove(carol.token);
    expect(denied).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining("only admins of team") },
    });
    await f.takeRecords();
    expect((await remove(alice.token)).status).toBe(200);
    const [byTeamAdmin] = await f.takeRecords("UserHasLeftTeam");
    expect(byTeamAdmin?.args.actor).toMatchObject({ id: alice.id });

    await join(bob);
    await f.takeRecords();
    expect((await remove(f.adminToken)).status).toBe(200);
    const [bySystemAdmin] = await f.takeRecords("UserHasLeftTeam");
    expect(bySystemAdmin?.args.actor).toMatchObject({ id: f.adminId });
  });

  it("answers 404 for someone who is not a member", async () => {
    const { status } = await f.call("DELETE", `/api/v4/teams/${open.id}/members/${bob.id}`, {
      token: bob.token,
    });
    expect(status).toBe(404);
  });
});

describe("PUT /api/v4/teams/{team_id}/patch", () => {
  it("lets the team's admin change the fields given, keeping the rest, its name and its type", async () => {
    const carol = await f.newUser("patch-carol");
    const dave = await f.newUser("patch-dave");
    const team = await f.newTeam(carol, [dave]);
    const before = await f.host.store.getTeam(team.id);

    const { status, body } = await f.call("PUT", `/api/v4/teams/${team.id}/patch`, {
      token: carol.token,
      json: {
        display_name: "Renamed",
        description: "Where patches happen",
        allow_open_invite: false,
        name: "not-taken",
      },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: team.id,
      name: before.name,
      type: "O",
      display_name: "Renamed",
      description: "Where patches happen",
      allow_open_invite: false,
      company_name: "",
    });
    const stored = await f.host.store.getTeam(team.id);
    expect(stored.displayName).toBe("Renamed");
    expect(stored.createAt).toBe(before.createAt);
    expect(stored.updateAt).toBeGreaterThanOrEqual(before.updateAt);

    // A member who is not an admin may not; the team stays as it was.
    const refused = await f.call("PUT", `/api/v4/teams/${team.id}/patch`, {
      token: dave.token,
      json: { display_name: "Mine now" },
    });
    expect(refused.status).toBe(403);
    expect((await f.host.store.getTeam(team.id)).displayName).toBe("Renamed");
  });

  it("lets a system admin change any team, and refuses an empty display name and unknown teams", async () => {
    const owner = await f.newUser("patch-owner");
    const admin = await f.newUser("patch-admin", { admin: true });
    const team = await f.newTeam(owner);
    const patched = await f.call("PUT", `/api/v4/teams/${team.id}/patch`, {
      token: admin.token,
      json: { company_name: "Plugwire" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      company_name: "Plugwire",
      display_name: team.display_name,
    });

    const empty = await f.call("PUT", `/api/v4/teams/${team.id}/patch`, {
      token: owner.token,
      json: { display_name: "  " },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain("display_name");
    const missing = await f.call("PUT", "/api/v4/teams/nosuchteam000000000000000000/patch", {
      token: admin.token,
      json: { display_name: "X" },
    });
    expect(missing.status).toBe(404);
  });
});
