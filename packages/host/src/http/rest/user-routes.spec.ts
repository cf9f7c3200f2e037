// /api/v4/users over real HTTP, with the recorder plugin as a real process: accounts, login
// with its hooks, sessions as bearer token and cookie, logout and deactivation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, RestFixture } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
beforeAll(async () => {
  f = await RestFixture.start();
});
afterAll(async () => {
  await f?.close();
});

describe("POST /api/v4/users/login", () => {
  it("ignores body fields it does not know, as Mattermost does (Client4 sends deviceId)", async () => {
    await f.newAccount("deviceuser");
    const { status, body } = await f.call("POST", "/api/v4/users/login", {
      json: {
        login_id: "deviceuser",
        password: PASSWORD,
        deviceId: "",
        token: "",
        extra: { a: 1 },
      },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ username: "deviceuser" });
  });

  it("answers the user, a Token header and Mattermost's session cookies, after UserWillLogIn and UserHasLoggedIn", async () => {
    await f.newAccount("carol");
    await f.takeRecords();
    const { status, body, headers } = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "carol", password: PASSWORD },
      headers: { "user-agent": "spec-agent" },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ username: "carol", email: "carol@example.com", delete_at: 0 });
    expect(typeof body.create_at).toBe("number");
    expect(body).not.toHaveProperty("password");
    const token = headers.get("token") ?? "";
    expect(token).toMatch(/^[a-z0-9]{26}$/);
    const cookies = headers.getSetCookie();
    expect(cookies).toEqual([
      expect.stringMatching(
        new RegExp(`^MMAUTHTOKEN=${token}; Path=/; Max-Age=\\d+; SameSite=Lax; HttpOnly$`),
      ),
      expect.stringMatching(
        new RegExp(`^MMUSERID=${body.id}; Path=/; Max-Age=\\d+; SameSite=Lax$`),
      ),
      expect.stringMatching(/^MMCSRF=[\w-]{26}; Path=\/; Max-Age=\d+; SameSite=Lax$/),
    ]);

    const records = await f.takeRecords();
    expect(records.map((r) => r.hook)).toEqual(["UserWillLogIn", "UserHasLoggedIn"]);
    for (const record of records) {
      expect(record.args.user).toMatchObject({ id: body.id, username: "carol" });
      expect(record.context).toMatchObject({ userAgent: "spec-agent", ipAddress: "127.0.0.1" });
    }
    expect(records[0]?.context.requestId).toBe(records[1]?.context.requestId);
  });

  it("logs in by e-mail address too", async () => {
    const { status } = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "carol@example.com", password: PASSWORD },
    });
    expect(status).toBe(200);
  });

  it("refuses a wrong password or unknown login with one 401, firing no hook", async () => {
    await f.takeRecords();
    for (const json of [
      { login_id: "carol", password: "wrong password" },
      { login_id: "nobody", password: PASSWORD },
    ]) {
      const { status, body } = await f.call("POST", "/api/v4/users/login", { json });
      expect(status).toBe(401);
      expect(body).toMatchObject({
        id: "api.user.login.invalid_credentials_email_username",
        status_code: 401,
        request_id: expect.any(String),
        detailed_error: "",
      });
    }
    expect(await f.takeRecords()).toEqual([]);
  });

  it("is refused with the plugin's reason when UserWillLogIn rejects, opening no session", async () => {
    await f.newAccount("blocked-bob");
    await f.takeRecords();
    const { status, body, headers } = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "blocked-bob", password: PASSWORD },
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({
      id: "plugin.user_will_log_in.rejected",
      message: "Login rejected by plugin: blocked by recorder",
    });
    expect(headers.get("token")).toBeNull();
    expect(headers.getSetCookie()).toEqual([]);
    expect((await f.takeRecords()).map((r) => r.hook)).toEqual(["UserWillLogIn"]);
  });

  it("refuses malformed bodies with 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ login_id: "carol" }, "password"],
      [{ login_id: 7, password: PASSWORD }, "login_id"],
      [["carol"], "body"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await f.call("POST", "/api/v4/users/login", { json });
      expect(status).toBe(400);
      expect(body).toMatchObject({
        id: "api.context.invalid_body_param.app_error",
        params: { field },
      });
    }
    const { status, body } = await f.call("POST", "/api/v4/users/login", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      id: "api.context.invalid_json.app_error",
      params: { field: "body" },
    });
  });
});

describe("sessions", () => {
  it("authenticate with Authorization: Bearer or Token", async () => {
    const { token, id } = await f.newUser("dave");
    for (const authorization of [`Bearer ${token}`, `Token ${token}`, `bearer ${token}`]) {
      const { status, body } = await f.call("GET", "/api/v4/users/me", {
        headers: { authorization },
      });
      expect(status).toBe(200);
      expect(body.id).toBe(id);
    }
  });

  it("authenticate with the cookie only alongside X-Requested-With or the CSRF token", async () => {
    const login = await f.request("POST", "/api/v4/users/login", {
      json: { login_id: "dave", password: PASSWORD },
    });
    const cookies = login.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
    const cookie = cookies.join("; ");
    const csrf = cookies.find((c) => c?.startsWith("MMCSRF="))?.slice("MMCSRF=".length) ?? "";

    const bare = await f.call("GET", "/api/v4/users/me", { headers: { cookie } });
    expect(bare.status).toBe(401);
    expect(bare.body.detailed_error).toContain("X-Requested-With");
    const xhr = await f.call("GET", "/api/v4/users/me", {
      headers: { cookie, "x-requested-with": "XMLHttpRequest" },
    });
    expect(xhr.status).toBe(200);
    const withCsrf = await f.call("GET", "/api/v4/users/me", {
      headers: { cookie, "x-csrf-token": csrf },
    });
    expect(withCsrf.status).toBe(200);
    const wrongCsrf = await f.call("GET", "/api/v4/users/me", {
      headers: { cookie, "x-csrf-token": "forged" },
    });
    expect(wrongCsrf.status).toBe(401);
  });

  it("are required: 401 without one or with an unknown token", async () => {
    for (const token of [undefined, "unknowntoken00000000000000"]) {
      const { status, body } = await f.call("GET", "/api/v4/users/me", { token });
      expect(status).toBe(401);
      expect(body.id).toBe("api.context.session_expired.app_error");
    }
  });
});

describe("POST /api/v4/users/logout", () => {
  it("ends the session and expires the cookies", async () => {
    const { token } = await f.newUser("erin");
    const { status, body, headers } = await f.call("POST", "/api/v4/users/logout", { token });
    expect(status).toBe(200);
    expect(body).toEqual({ status: "OK" });
    expect(headers.getSetCookie()).toEqual([
      expect.stringMatching(/^MMAUTHTOKEN=; Path=\/; Max-Age=0/),
      expect.stringMatching(/^MMUSERID=; Path=\/; Max-Age=0/),
      expect.stringMatching(/^MMCSRF=; Path=\/; Max-Age=0/),
    ]);
    expect((await f.call("GET", "/api/v4/users/me", { token })).status).toBe(401);
  });
});

describe("POST /api/v4/users", () => {
  it("lets a system admin create an account, firing UserHasBeenCreated with the admin as the actor", async () => {
    await f.takeRecords();
    const { status, body } = await f.call("POST", "/api/v4/users", {
      token: f.adminToken,
      json: {
        username: "Frank",
        email: "frank@example.com",
        password: PASSWORD,
        first_name: "Frank",
        props: { team: "blue" },
        id: "ignored-because-the-server-assigns-it",
        auth_data: null,
      },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      username: "frank",
      first_name: "Frank",
      roles: "system_user",
      props: { team: "blue" },
    });
    expect(body.id).toMatch(/^[a-z0-9]{26}$/);
    const [created] = await f.takeRecords("UserHasBeenCreated");
    expect(created?.args.user).toMatchObject({ id: body.id, username: "frank" });
    expect(created?.context.userId).toBe(f.adminId);

    const login = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "frank", password: PASSWORD },
    });
    expect(login.status).toBe(200);
  });

  it("is for system admins only", async () => {
    const { token } = await f.newUser("gina");
    const { status, body } = await f.call("POST", "/api/v4/users", {
      token,
      json: { username: "sneaky", email: "sneaky@example.com", password: PASSWORD },
    });
    expect(status).toBe(403);
    expect(body.id).toBe("api.context.permissions.app_error");
    expect((await f.call("POST", "/api/v4/users", { json: {} })).status).toBe(401);
  });

  it("refuses bad fields, naming them, and creates nothing", async () => {
    const valid = { username: "henry", email: "henry@example.com", password: PASSWORD };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, password: "short" }, "password"],
      [{ ...valid, password: undefined }, "password"],
      [{ ...valid, username: "1abc" }, "username"],
      [{ ...valid, email: "not-an-address" }, "email"],
      [{ ...valid, roles: "system_overlord" }, "roles"],
      [{ ...valid, first_name: 42 }, "first_name"],
      [{ ...valid, props: { a: 1 } }, "props.a"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await f.call("POST", "/api/v4/users", { token: f.adminToken, json });
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.params).toEqual({ field });
    }
    expect(
      (await f.call("GET", "/api/v4/users/username/henry", { token: f.adminToken })).status,
    ).toBe(404);
  });

  it("answers 409 for a taken username", async () => {
    const { status, body } = await f.call("POST", "/api/v4/users", {
      token: f.adminToken,
      json: { username: "carol", email: "carol2@example.com", password: PASSWORD },
    });
    expect(status).toBe(409);
    expect(body.params).toMatchObject({ field: "username" });
  });
});

describe("GET /api/v4/users/{user_id}, /me, /username/{username}", () => {
  it("answer the user in v4 JSON, with 64-bit times as numbers", async () => {
    const { token, id } = await f.newUser("iris");
    const me = await f.call("GET", "/api/v4/users/me", { token });
    const byId = await f.call("GET", `/api/v4/users/${id}`, { token: f.adminToken });
    const byMe = await f.call("GET", "/api/v4/users/me", { token });
    const byName = await f.call("GET", "/api/v4/users/username/iris", { token: f.adminToken });
    for (const { status, body } of [me, byId, byMe, byName]) {
      expect(status).toBe(200);
      expect(body).toEqual(me.body);
    }
    expect(Object.keys(me.body)).toEqual(
      expect.arrayContaining([
        "id",
        "create_at",
        "update_at",
        "delete_at",
        "username",
        "email",
        "roles",
        "notify_props",
        "timezone",
        "is_bot",
        "mfa_active",
      ]),
    );
    expect(me.body.create_at).toBeGreaterThan(1_600_000_000_000);
  });

  it("answer 404 with the v4 error body for a missing user", async () => {
    const { status, body } = await f.call("GET", "/api/v4/users/nosuchuser000000000000000", {
      token: f.adminToken,
    });
    expect(status).toBe(404);
    expect(Object.keys(body).sort()).toEqual(
      ["detailed_error", "id", "message", "params", "request_id", "status_code"].sort(),
    );
  });
});

describe("DELETE /api/v4/users/{user_id}", () => {
  it("lets users deactivate only themselves", async () => {
    const jack = await f.newUser("jack");
    const kim = await f.newUser("kim");
    const { status } = await f.call("DELETE", `/api/v4/users/${kim.id}`, { token: jack.token });
    expect(status).toBe(403);
    expect((await f.call("GET", "/api/v4/users/me", { token: kim.token })).status).toBe(200);
  });

  it("deactivates, ends the user's sessions and fires UserHasBeenDeactivated with the actor", async () => {
    const lee = await f.newUser("lee");
    await f.takeRecords();
    const { status, body } = await f.call("DELETE", `/api/v4/users/${lee.id}`, {
      token: f.adminToken,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ status: "OK" });
    expect((await f.call("GET", "/api/v4/users/me", { token: lee.token })).status).toBe(401);
    const [deactivated] = await f.takeRecords("UserHasBeenDeactivated");
    expect(deactivated?.args.user).toMatchObject({ id: lee.id, username: "lee" });
    expect(deactivated?.args.user.deleteAt).toBeGreaterThan(0);
    expect(deactivated?.context.userId).toBe(f.adminId);

    const login = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "lee", password: PASSWORD },
    });
    expect(login).toMatchObject({ status: 401, body: { id: "api.user.login.inactive.app_error" } });
  });

  it("lets a user deactivate their own account", async () => {
    const mia = await f.newUser("mia");
    expect((await f.call("DELETE", "/api/v4/users/me", { token: mia.token })).status).toBe(200);
    expect((await f.call("GET", "/api/v4/users/me", { token: mia.token })).status).toBe(401);
  });
});

describe("POST /api/v4/users/ids", () => {
  it("answers the users of the ids given, in v4 JSON, leaving out ids of no one", async () => {
    const ivy = await f.newUser("ids-ivy");
    const jack = await f.newUser("ids-jack");
    const { status, body } = await f.call("POST", "/api/v4/users/ids", {
      token: ivy.token,
      json: [jack.id, "nosuchuser00000000000000000", ivy.id, jack.id],
    });
    expect(status).toBe(200);
    expect(body.map((user: { username: string }) => user.username)).toEqual([
      "ids-jack",
      "ids-ivy",
    ]);
    expect(body[0]).toMatchObject({ id: jack.id, email: "ids-jack@example.com", delete_at: 0 });
    expect(body[0]).not.toHaveProperty("password");

    const bad = await f.call("POST", "/api/v4/users/ids", { token: ivy.token, json: [1, 2] });
    expect(bad.status).toBe(400);
    expect((await f.call("POST", "/api/v4/users/ids", { json: [ivy.id] })).status).toBe(401);
  });
});
