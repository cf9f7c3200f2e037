// Profile pictures and team icons set over v4 through the official client, as the web app sets
// them: the multipart "image" field, who may set whose, what a client then reads, and the
// refusals (no file, not an image, too large) with Mattermost's status codes and ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import {
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../../test-fixtures/rest/rest-fixture.js";

/** The smallest PNG: one transparent pixel. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const MAX_BODY_BYTES = 64 * 1024;

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;
let outsider: RestUser;
let team: RestTeam;

beforeAll(async () => {
  f = await RestFixture.start({ maxBodyBytes: MAX_BODY_BYTES });
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  team = await f.newTeam(ann, [bob]);
});
afterAll(async () => {
  await f?.close();
});

const imageForm = (bytes: Uint8Array, field = "image") => {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type: "image/png" }), "picture.png");
  return form;
};
const post = (path: string, token: string, form: FormData) =>
  f.call("POST", path, { token, body: form });

describe("POST /api/v4/users/{user_id}/image", () => {
  it("sets one's own picture, which GET then serves", async () => {
    const client = newClient4(f.url, ann.token);
    expect(await client.uploadProfileImage(ann.id, new Blob([PNG]) as never)).toEqual({
      status: "OK",
    });
    const image = await f.request("GET", `/api/v4/users/${ann.id}/image`, { token: bob.token });
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
    const me = await client.getMe();
    expect(me.last_picture_update).toBeGreaterThan(0);
  });

  it("refuses another's picture without edit_other_users, and lets an admin set it", async () => {
    const refused = await post(`/api/v4/users/${ann.id}/image`, bob.token, imageForm(PNG));
    expect(refused.status).toBe(403);
    const byAdmin = await post(`/api/v4/users/${bob.id}/image`, f.adminToken, imageForm(PNG));
    expect(byAdmin.status).toBe(200);
  });

  it("answers no file 400, not an image 400, and too large 413, keeping the picture", async () => {
    const noFile = await post(`/api/v4/users/${ann.id}/image`, ann.token, imageForm(PNG, "x"));
    expect(noFile.status).toBe(400);
    expect(noFile.body.id).toBe("api.user.upload_profile_user.no_file.app_error");
    const text = new TextEncoder().encode("not a picture");
    expect((await post(`/api/v4/users/${ann.id}/image`, ann.token, imageForm(text))).status).toBe(
      400,
    );
    const big = new Uint8Array(MAX_BODY_BYTES + 1);
    const tooLarge = await post(`/api/v4/users/${ann.id}/image`, ann.token, imageForm(big));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.id).toBe("api.user.upload_profile_user.too_large.app_error");
    const image = await f.request("GET", `/api/v4/users/${ann.id}/image`, { token: ann.token });
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
  });
});

describe("/api/v4/teams/{team_id}/image", () => {
  it("sets the icon for a team admin, serves it to members, and removes it", async () => {
    const path = `/api/v4/teams/${team.id}/image`;
    expect((await f.call("GET", path, { token: bob.token })).status).toBe(404);
    expect((await post(path, bob.token, imageForm(PNG))).status).toBe(403);
    const client = newClient4(f.url, ann.token);
    expect(await client.setTeamIcon(team.id, new Blob([PNG]) as never)).toEqual({ status: "OK" });
    const icon = await f.request("GET", path, { token: bob.token });
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await icon.arrayBuffer())).toEqual(PNG);

    const { body: invite } = await f.call("POST", "/api/v4/teams", {
      token: ann.token,
      json: { name: "closed", display_name: "Closed", type: "I" },
    });
    expect((await post(`/api/v4/teams/${invite.id}/image`, ann.token, imageForm(PNG))).status).toBe(
      200,
    );
    // A team outsiders can't see: its icon neither.
    expect(
      (await f.call("GET", `/api/v4/teams/${invite.id}/image`, { token: outsider.token })).status,
    ).toBe(403);

    const noFile = await post(path, ann.token, imageForm(PNG, "x"));
    expect(noFile.body.id).toBe("api.team.set_team_icon.no_file.app_error");
    expect((await client.removeTeamIcon(team.id)) as unknown).toEqual({ status: "OK" });
    expect((await f.call("GET", path, { token: bob.token })).status).toBe(404);
  });
});
