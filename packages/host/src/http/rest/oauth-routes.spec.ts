// OAuth 2.0 client apps over v4 through the official client: an admin registers, lists,
// reads, changes, regenerates the secret of and removes apps; users an admin lets manage
// OAuth see only their own; /info hides the secret; Mattermost's refusals and error ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;

const app = (name: string) => ({
  name,
  description: `${name}, the app`,
  callback_urls: ["https://apps.example.com/callback"],
  homepage: "https://apps.example.com",
  icon_url: "https://apps.example.com/icon.png",
  is_trusted: true,
});

beforeAll(async () => {
  f = await RestFixture.start();
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
});
afterAll(async () => {
  await f?.close();
});

/** Lets every user manage their own OAuth apps (Mattermost: "Enable integrations for all"), and back. */
async function letUsersManageOAuth(allow: boolean): Promise<void> {
  const admin = newClient4(f.url, f.adminToken);
  const role = await admin.getRoleByName("system_user");
  const others = role.permissions.filter((permission) => permission !== "manage_oauth");
  await admin.patchRole(role.id, { permissions: allow ? [...others, "manage_oauth"] : others });
}

describe("OAuth apps through Client4", () => {
  it("an admin registers, reads, lists, changes, regenerates and removes an app", async () => {
    const admin = newClient4(f.url, f.adminToken);
    const created = await admin.createOAuthApp(app("Ticketing"));
    expect(created).toMatchObject({
      name: "Ticketing",
      creator_id: f.adminId,
      callback_urls: ["https://apps.example.com/callback"],
      homepage: "https://apps.example.com",
      is_trusted: true,
    });
    expect(created.id).toHaveLength(26);
    expect(created.client_secret).toHaveLength(26);
    expect(created.create_at).toBe(created.update_at);

    expect(await admin.getOAuthApp(created.id)).toEqual(created);
    expect((await admin.getOAuthApps(0, 60)).map((a) => a.id)).toContain(created.id);

    const edited = await admin.editOAuthApp({ ...created, name: "Ticketing 2" });
    expect(edited).toMatchObject({ name: "Ticketing 2", client_secret: created.client_secret });
    expect(edited.create_at).toBe(created.create_at);

    const regenerated = await admin.regenOAuthAppSecret(created.id);
    expect(regenerated.client_secret).toHaveLength(26);
    expect(regenerated.client_secret).not.toBe(created.client_secret);

    // Anyone logged in reads what the consent screen shows, never the secret.
    const info = await newClient4(f.url, bob.token).getOAuthAppInfo(created.id);
    expect(info).toMatchObject({ id: created.id, name: "Ticketing 2", client_secret: "" });

    expect(await admin.deleteOAuthApp(created.id)).toEqual({ status: "OK" });
    await expect(admin.getOAuthApp(created.id)).rejects.toMatchObject({
      status_code: 404,
      server_error_id: "app.oauth.get_app.find.app_error",
    });
  });

  it("refuses users without manage_oauth, as Mattermost's default roles do", async () => {
    const client = newClient4(f.url, ann.token);
    await expect(client.createOAuthApp(app("Nope"))).rejects.toMatchObject({
      status_code: 403,
      server_error_id: "api.context.permissions.app_error",
    });
    await expect(client.getOAuthApps()).rejects.toMatchObject({
      status_code: 403,
      server_error_id: "api.command.admin_only.app_error",
    });
    const adminApp = await newClient4(f.url, f.adminToken).createOAuthApp(app("Admin's"));
    await expect(client.getOAuthApp(adminApp.id)).rejects.toMatchObject({ status_code: 403 });
    await expect(client.deleteOAuthApp(adminApp.id)).rejects.toMatchObject({ status_code: 403 });
    await expect(client.regenOAuthAppSecret(adminApp.id)).rejects.toMatchObject({
      status_code: 403,
    });
  });

  it("lets a user with manage_oauth manage only their own apps, and not trust them", async () => {
    await letUsersManageOAuth(true);
    try {
      const annClient = newClient4(f.url, ann.token);
      const bobClient = newClient4(f.url, bob.token);
      const mine = await annClient.createOAuthApp(app("Ann's"));
      expect(mine).toMatchObject({ creator_id: ann.id, is_trusted: false });
      await bobClient.createOAuthApp(app("Bob's"));

      expect((await annClient.getOAuthApps()).map((a) => a.name)).toEqual(["Ann's"]);
      const everything = await newClient4(f.url, f.adminToken).getOAuthApps();
      expect(everything.map((a) => a.name)).toEqual(expect.arrayContaining(["Ann's", "Bob's"]));

      await expect(bobClient.getOAuthApp(mine.id)).rejects.toMatchObject({
        status_code: 403,
        server_error_id: "api.context.permissions.app_error",
      });
      await expect(bobClient.editOAuthApp({ ...mine, name: "Bob's now" })).rejects.toMatchObject({
        status_code: 403,
      });
      expect(await annClient.editOAuthApp({ ...mine, is_trusted: true })).toMatchObject({
        is_trusted: false,
      });
      expect(await annClient.deleteOAuthApp(mine.id)).toEqual({ status: "OK" });
    } finally {
      await letUsersManageOAuth(false);
    }
  });

  it("answers bad input with Mattermost's ids and changes nothing", async () => {
    const admin = newClient4(f.url, f.adminToken);
    const refused = (body: object) =>
      f.call("POST", "/api/v4/oauth/apps", { token: f.adminToken, json: body });
    const before = (await admin.getOAuthApps()).length;
    expect((await refused({ ...app("x"), name: "" })).body).toMatchObject({
      status_code: 400,
      id: "model.oauth.is_valid.name.app_error",
    });
    expect((await refused({ ...app("x"), name: "n".repeat(65) })).body.id).toBe(
      "model.oauth.is_valid.name.app_error",
    );
    expect((await refused({ ...app("x"), callback_urls: [] })).body.id).toBe(
      "model.oauth.is_valid.callback.app_error",
    );
    expect((await refused({ ...app("x"), callback_urls: ["ftp://example.com/cb"] })).body.id).toBe(
      "model.oauth.is_valid.callback.app_error",
    );
    expect((await refused({ ...app("x"), homepage: "" })).body.id).toBe(
      "model.oauth.is_valid.homepage.app_error",
    );
    expect((await refused({ ...app("x"), icon_url: "not a url" })).body.id).toBe(
      "model.oauth.is_valid.icon_url.app_error",
    );
    expect((await refused({ ...app("x"), description: "d".repeat(513) })).body.id).toBe(
      "model.oauth.is_valid.description.app_error",
    );
    expect(
      (await refused({ ...app("x"), callback_urls: "https://a.example.com" })).body,
    ).toMatchObject({ status_code: 400, id: "api.context.invalid_body_param.app_error" });
    expect((await refused([])).status).toBe(400);
    expect((await refused({ ...app("x"), id: "i".repeat(26) })).body).toMatchObject({
      status_code: 400,
      id: "app.oauth.save_app.existing.app_error",
    });
    expect((await admin.getOAuthApps()).length).toBe(before);

    const kept = await admin.createOAuthApp(app("Kept"));
    const put = (appId: string, body: object) =>
      f.call("PUT", `/api/v4/oauth/apps/${appId}`, { token: f.adminToken, json: body });
    expect((await put(kept.id, { ...kept, id: "x".repeat(26) })).body).toMatchObject({
      status_code: 400,
      id: "api.context.invalid_body_param.app_error",
    });
    expect((await put(kept.id, { ...kept, homepage: "" })).status).toBe(400);
    expect(await admin.getOAuthApp(kept.id)).toEqual(kept);
    expect(
      (await f.call("GET", "/api/v4/oauth/apps/short", { token: f.adminToken })).body,
    ).toMatchObject({ status_code: 400, id: "api.context.invalid_url_param.app_error" });
    expect(
      (await f.call("GET", `/api/v4/oauth/apps/${"z".repeat(26)}/info`, { token: ann.token }))
        .status,
    ).toBe(404);
    expect((await f.call("GET", `/api/v4/oauth/apps/${kept.id}/info`)).status).toBe(401);
  });
});
