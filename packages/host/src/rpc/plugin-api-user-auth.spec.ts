// UpdateUserAuth called from a real plugin process (the social test plugin, through the SDK's
// typed method): the user moves to another sign-in service, their password goes (so password
// sign-in over REST ends, as in Mattermost), auth_data is unique, nothing answers a password,
// and a new password set by an admin moves them back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PASSWORD,
  type RestFixture,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";
import {
  type PluginApiCalls,
  startSocialFixture,
} from "../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let carl: RestUser;
let dana: RestUser;
let api: PluginApiCalls;

beforeAll(async () => {
  ({ f, api } = await startSocialFixture());
  carl = await f.newUser("carl");
  dana = await f.newUser("dana");
});
afterAll(async () => {
  await f?.close();
});

const login = (loginId: string, password = PASSWORD) =>
  f.call("POST", "/api/v4/users/login", { json: { login_id: loginId, password } });

describe("UpdateUserAuth", () => {
  it("moves a user to a service: password sign-in ends, a new password brings it back", async () => {
    const { result, error } = await api.updateUserAuth(carl.id, {
      authService: "gitlab",
      authData: "carl-42",
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ authService: "gitlab", authData: "carl-42" });
    expect(JSON.stringify(result)).not.toContain("password");

    const { body: user } = await f.call("GET", `/api/v4/users/${carl.id}`, {
      token: f.adminToken,
    });
    expect(user.auth_service).toBe("gitlab");
    expect((await login("carl")).status).toBe(401);
    // The sessions the user had stay, as Mattermost's UpdateUserAuth leaves them.
    expect((await f.call("GET", "/api/v4/users/me", { token: carl.token })).status).toBe(200);

    const reset = await f.call("PUT", `/api/v4/users/${carl.id}/password`, {
      token: f.adminToken,
      json: { new_password: "a new password" },
    });
    expect(reset.status).toBe(200);
    expect((await login("carl", "a new password")).status).toBe(200);
    const { body: back } = await f.call("GET", `/api/v4/users/${carl.id}`, {
      token: f.adminToken,
    });
    expect(back.auth_service).toBe("");
  });

  it("refuses auth data another user has, and bad input, changing nothing", async () => {
    expect(
      (await api.updateUserAuth(carl.id, { authService: "saml", authData: "x-1" })).error,
    ).toBeUndefined();
    const taken = await api.updateUserAuth(dana.id, { authService: "gitlab", authData: "x-1" });
    expect(taken.error).toMatchObject({
      name: "ValidationError",
      id: "app.user.update_auth_data.email_exists.app_error",
      params: { field: "auth_data" },
    });
    expect((await login("dana")).status).toBe(200);

    const noService = await api.updateUserAuth(dana.id, { authService: "", authData: "d" });
    expect(noService.error).toMatchObject({
      name: "ValidationError",
      id: "model.user.is_valid.auth_data_type.app_error",
    });
    const tooLong = await api.updateUserAuth(dana.id, {
      authService: "gitlab",
      authData: "d".repeat(129),
    });
    expect(tooLong.error).toMatchObject({ id: "model.user.is_valid.auth_data.app_error" });
    expect((await login("dana")).status).toBe(200);

    const nobody = await api.updateUserAuth("nobody", { authService: "gitlab", authData: "n" });
    expect(nobody.error).toMatchObject({ name: "NotFoundError" });
    expect((await api.updateUserAuth("", { authService: "gitlab" })).error).toMatchObject({
      name: "ValidationError",
      params: { field: "user_id" },
    });
  });
});
