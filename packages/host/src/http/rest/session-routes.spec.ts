// A user's sessions and personal access tokens over REST, and the audit log, driven through the
// official Client4 where it has a method and raw calls for bad input: a token is a bearer token
// until revoked or disabled, its secret is shown once, and who may act for whom.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

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

const me = (token: string) => f.call("GET", "/api/v4/users/me", { token });

describe("personal access tokens", () => {
  it("authenticate as their user until revoked (Client4)", async () => {
    const admin = newClient4(f.url, f.adminToken);
    const token = await admin.createUserAccessToken(ann.id, "deploy script");
    expect(token).toMatchObject({ user_id: ann.id, description: "deploy script", is_active: true });
    const secret = token.token ?? "";
    expect(secret).toMatch(/^[a-z0-9]{26}$/);

    const asAnn = newClient4(f.url, secret);
    expect((await asAnn.getMe()).username).toBe("ann");
    const listed = await admin.getUserAccessTokensForUser(ann.id);
    expect(listed).toEqual([
      { id: token.id, user_id: ann.id, description: "deploy script", is_active: true },
    ]);
    expect(await admin.getUserAccessToken(token.id)).toEqual(listed[0]);
    expect((await admin.getUserAccessTokens()).map((t) => t.id)).toContain(token.id);

    await admin.disableUserAccessToken(token.id);
    expect((await me(secret)).status).toBe(401);
    await admin.enableUserAccessToken(token.id);
    expect((await me(secret)).status).toBe(200);
    await admin.revokeUserAccessToken(token.id);
    const revoked = await me(secret);
    expect(revoked.status).toBe(401);
    expect(revoked.body.id).toBe("api.context.session_expired.app_error");
    expect(
      (await f.call("GET", `/api/v4/users/tokens/${token.id}`, { token: f.adminToken })).status,
    ).toBe(404);
  });

  it("are for system admins by default, and never for another's account", async () => {
    const own = await f.call("POST", `/api/v4/users/${ann.id}/tokens`, {
      token: ann.token,
      json: { description: "mine" },
    });
    expect(own.status).toBe(403);
    expect(own.body.id).toBe("api.context.permissions.app_error");

    // With system_user_access_token (Mattermost's role for this), a user makes their own only.
    await f.host.app.updateUserRoles({}, ann.id, "system_user system_user_access_token");
    const mine = await f.call("POST", `/api/v4/users/${ann.id}/tokens`, {
      token: ann.token,
      json: { description: "mine" },
    });
    expect(mine.status).toBe(200);
    const theirs = await f.call("POST", `/api/v4/users/${bob.id}/tokens`, {
      token: ann.token,
      json: { description: "theirs" },
    });
    expect(theirs.status).toBe(403);
    const bobsToken = await f.host.app.createUserAccessToken({}, bob.id, "bob's");
    const revoke = await f.call("POST", "/api/v4/users/tokens/revoke", {
      token: ann.token,
      json: { token_id: bobsToken.id },
    });
    expect(revoke.status).toBe(403);
    expect((await me(bobsToken.token)).status).toBe(200);
    const all = await f.call("GET", "/api/v4/users/tokens", { token: ann.token });
    expect(all.status).toBe(403);
  });

  it("need a description and a token id", async () => {
    const token = f.adminToken;
    const empty = await f.call("POST", `/api/v4/users/${ann.id}/tokens`, { token, json: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.params?.field ?? empty.body.message).toContain("description");
    const long = await f.call("POST", `/api/v4/users/${ann.id}/tokens`, {
      token,
      json: { description: "x".repeat(256) },
    });
    expect(long.body.id).toBe("model.user_access_token.is_valid.description.app_error");
    const noId = await f.call("POST", "/api/v4/users/tokens/revoke", { token, json: {} });
    expect(noId.status).toBe(400);
    const nobody = await f.call("POST", "/api/v4/users/nobody/tokens", {
      token,
      json: { description: "x" },
    });
    expect(nobody.status).toBe(404);
  });
});

describe("sessions", () => {
  it("are listed without tokens and revoked one by one or all at once (Client4)", async () => {
    const second = await f.newUser("carol");
    const again = await f.call("POST", "/api/v4/users/login", {
      json: { login_id: "carol", password: "correct horse battery" },
    });
    const otherToken = again.headers.get("token") ?? "";
    const client = newClient4(f.url, second.token);
    const sessions = await client.getSessions(second.id);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.user_id === second.id && !("token" in s))).toBe(true);
    const mine = await f.host.app.authenticate(second.token);
    const other = sessions.find((s) => s.id !== mine?.session.id);
    await client.revokeSession(second.id, other?.id ?? "");
    expect((await me(otherToken)).status).toBe(401);
    expect((await me(second.token)).status).toBe(200);
    await client.revokeAllSessionsForUser(second.id);
    expect((await me(second.token)).status).toBe(401);
  });

  it("belong to their user: others' are refused, a mismatched one is a bad request", async () => {
    expect(
      (await f.call("GET", `/api/v4/users/${bob.id}/sessions`, { token: ann.token })).status,
    ).toBe(403);
    const bobs = await f.host.app.getUserSessions(bob.id);
    const mismatch = await f.call("POST", `/api/v4/users/${ann.id}/sessions/revoke`, {
      token: ann.token,
      json: { session_id: bobs[0]?.id },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.id).toBe("api.context.invalid_url_param.app_error");
    expect((await me(bob.token)).status).toBe(200);
  });
});

describe("the audit log", () => {
  it("is read by admins and refused to users (Client4)", async () => {
    await f.host.app.logAuditRecord(
      { pluginId: "com.example.audit" },
      {
        $typeName: "plugwire.v1.AuditRecord",
        eventName: "exportData",
        status: "success",
        actor: {
          $typeName: "plugwire.v1.AuditEventActor",
          userId: ann.id,
          sessionId: "",
          client: "",
          ipAddress: "10.0.0.1",
          xForwardedFor: "",
        },
      },
    );
    const audits = await newClient4(f.url, f.adminToken).getAudits();
    expect(audits[0]).toMatchObject({
      user_id: ann.id,
      action: "exportData",
      ip_address: "10.0.0.1",
    });
    expect(JSON.parse(audits[0]?.extra_info ?? "")).toMatchObject({
      plugin_id: "com.example.audit",
    });
    const refused = await f.call("GET", "/api/v4/audits", { token: ann.token });
    expect(refused.status).toBe(403);
    expect(refused.body.id).toBe("api.context.permissions.app_error");
    const own = await f.call("GET", `/api/v4/users/${ann.id}/audits`, { token: ann.token });
    expect(own.body.map((a: { action: string }) => a.action)).toEqual(["exportData"]);
    expect(
      (await f.call("GET", `/api/v4/users/${ann.id}/audits`, { token: bob.token })).status,
    ).toBe(403);
  });
});
