// Login protection, after Mattermost: an account locks after MaximumLoginAttempts (10) wrong
// passwords, answering checkUserLoginAttempts' 401 even to the right one, until an admin resets
// the attempts or a new password is set; and logins from one address are rate limited (429 with
// the X-RateLimit-* headers of Mattermost's rate limiter).
import { afterEach, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { PASSWORD, RestFixture } from "../../../test-fixtures/rest/rest-fixture.js";
import { RateLimiter } from "./rate-limit.js";

const LOCKED = "api.user.check_user_login_attempts.too_many.app_error";

let f: RestFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function login(fixture: RestFixture, password: string) {
  return fixture.call("POST", "/api/v4/users/login", {
    json: { login_id: "guessed", password },
  });
}

async function lockOut(fixture: RestFixture) {
  for (let attempt = 0; attempt < 10; attempt++) {
    expect((await login(fixture, `wrong-${attempt}`)).status).toBe(401);
  }
}

describe("MaximumLoginAttempts", () => {
  it("locks the account after 10 wrong passwords: the right one is then refused too", async () => {
    f = await RestFixture.start();
    await f.newAccount("guessed");

    await lockOut(f);
    const locked = await login(f, PASSWORD);

    expect(locked.status).toBe(401);
    expect(locked.body).toMatchObject({ id: LOCKED, status_code: 401 });
    await expect(newClient4(f.url).login("guessed", PASSWORD)).rejects.toMatchObject({
      server_error_id: LOCKED,
      status_code: 401,
    });
  });

  it("counts from 0 again after a successful login", async () => {
    f = await RestFixture.start();
    await f.newAccount("guessed");
    for (let attempt = 0; attempt < 9; attempt++) await login(f, "wrong-password");

    expect((await login(f, PASSWORD)).status).toBe(200);
    for (let attempt = 0; attempt < 9; attempt++) await login(f, "wrong-password");
    expect((await login(f, PASSWORD)).status).toBe(200);
  });

  it("unlocks when an admin resets the failed attempts (Client4.resetFailedAttempts)", async () => {
    f = await RestFixture.start();
    await f.newAccount("guessed");
    const guessed = (await f.host.app.getUsers({ page: 0, perPage: 10 })).find(
      (user) => user.username === "guessed",
    );
    await lockOut(f);
    const admin = newClient4(f.url, f.adminToken);

    await admin.resetFailedAttempts(guessed?.id as string);

    expect((await login(f, PASSWORD)).status).toBe(200);
    const other = await f.newUser("notadmin");
    const refused = await f.call("POST", `/api/v4/users/${guessed?.id}/reset_failed_attempts`, {
      token: other.token,
    });
    expect(refused.status).toBe(403);
    const unknown = await f.call("POST", `/api/v4/users/${"x".repeat(26)}/reset_failed_attempts`, {
      token: f.adminToken,
    });
    expect(unknown.status).toBe(404);
  });

  it("unlocks when an admin sets a new password (Client4.updateUserPassword)", async () => {
    f = await RestFixture.start();
    await f.newAccount("guessed");
    const user = await f.host.app.getUsers({ page: 0, perPage: 10 });
    const guessed = user.find((u) => u.username === "guessed");
    await lockOut(f);

    await newClient4(f.url, f.adminToken).updateUserPassword(
      guessed?.id as string,
      "",
      "a new password",
    );

    expect((await login(f, "a new password")).status).toBe(200);
  });

  it("lets users change their own password only with the current one, a wrong one counting", async () => {
    f = await RestFixture.start();
    const me = await f.newUser("changer");
    const path = `/api/v4/users/${me.id}/password`;

    const wrong = await f.call("PUT", path, {
      token: me.token,
      json: { current_password: "not it at all", new_password: "a new password" },
    });
    const missing = await f.call("PUT", path, {
      token: me.token,
      json: { new_password: "a new password" },
    });
    const short = await f.call("PUT", path, {
      token: me.token,
      json: { current_password: PASSWORD, new_password: "short" },
    });

    expect(wrong.status).toBe(400);
    expect(wrong.body.id).toBe("api.user.update_password.incorrect.app_error");
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain("current_password");
    expect(short.status).toBe(400);
    expect(short.body.message).toContain("new_password");
    expect(await f.host.store.getFailedLoginAttempts(me.id)).toBe(1);
    const other = await f.newUser("bystander");
    const foreign = await f.call("PUT", path, {
      token: other.token,
      json: { current_password: PASSWORD, new_password: "a new password" },
    });
    expect(foreign.status).toBe(403);
    await newClient4(f.url, me.token).updateUserPassword(me.id, PASSWORD, "a new password");
    expect(await f.host.store.getFailedLoginAttempts(me.id)).toBe(0);
  });
});

describe("the login rate limit", () => {
  it("answers 429 with Retry-After once an address used its burst, with X-RateLimit-* headers", async () => {
    // Four at once, hardly refilled (a login hashes slowly): the fixture's admin login takes one.
    f = await RestFixture.start({ rateLimits: { login: { perSec: 0.01, maxBurst: 3 } } });
    await f.newAccount("guessed");

    const answers = [];
    for (let attempt = 0; attempt < 4; attempt++) answers.push(await login(f, "wrong-password"));

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 429]);
    expect(Object.fromEntries(answers[0]?.headers ?? [])).toMatchObject({
      "x-ratelimit-limit": "4",
      "x-ratelimit-remaining": "2",
    });
    const refused = answers[3];
    expect(refused?.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    expect(refused?.body).toMatchObject({
      id: "api.context.rate_limit_exceeded.app_error",
      status_code: 429,
    });
    // Other routes are not limited unless the API's limit is set.
    expect((await f.call("GET", "/api/v4/system/ping")).headers.get("x-ratelimit-limit")).toBe(
      null,
    );
  });
});

describe("RateLimiter", () => {
  it("refills perSec tokens a second up to maxBurst + 1, per client, forgetting the least recent", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSec: 2, maxBurst: 1, memoryStoreSize: 2 }, () => now);

    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, false]);
    expect(limiter.take("b").allowed).toBe(true);
    now = 500;
    expect(limiter.take("a")).toMatchObject({
      allowed: true,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" },
    });
    limiter.take("c");
    // "b" was forgotten, so it starts full again.
    expect(limiter.take("b").headers["x-ratelimit-remaining"]).toBe("1");
  });
});
