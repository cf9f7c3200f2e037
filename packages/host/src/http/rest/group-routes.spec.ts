// Custom groups over v4 through the official client: making a group with its first members,
// reading, patching, archiving and restoring it, managing members, GET /users?in_group, the
// received_group and group_member_* events, and Mattermost's refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;
let cat: RestUser;

beforeAll(async () => {
  f = await RestFixture.start();
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  cat = await f.newUser("cat");
});
afterAll(async () => {
  await f?.close();
});

describe("custom groups through Client4", () => {
  it("makes, reads, patches, archives and restores a group, telling everyone", async () => {
    const client = newClient4(f.url, ann.token);
    const watcher = await ClientSocket.connect(f.url, cat.token);
    try {
      const received = watcher.next("received_group");
      const group = await client.createGroupWithUserIds({
        name: "devs",
        display_name: "Developers",
        source: "custom",
        allow_reference: true,
        user_ids: [ann.id, bob.id],
      } as never);
      expect(group).toMatchObject({
        name: "devs",
        display_name: "Developers",
        source: "custom",
        remote_id: null,
        allow_reference: true,
        delete_at: 0,
        member_count: 2,
      });
      expect(JSON.parse((await received).data.group)).toMatchObject({ id: group.id, name: "devs" });

      expect(await client.getGroup(group.id, true)).toMatchObject({
        id: group.id,
        member_count: 2,
      });
      expect(await client.getGroupStats(group.id)).toEqual({
        group_id: group.id,
        total_member_count: 2,
      });
      const members = await client.getProfilesInGroup(group.id);
      expect(members.map((user) => user.username)).toEqual(["ann", "bob"]);
      const listed = await client.getGroups({ q: "dev", include_member_count: true } as never);
      expect(listed).toMatchObject([{ id: group.id, member_count: 2 }]);
      expect((await client.getGroupsByUserId(bob.id)).map((g) => g.id)).toEqual([group.id]);

      const patched = await client.patchGroup(group.id, { display_name: "Dev team" } as never);
      expect(patched).toMatchObject({ name: "devs", display_name: "Dev team" });

      const archived = await client.archiveGroup(group.id);
      expect(archived.delete_at).toBeGreaterThan(0);
      expect(await client.getGroups({ q: "dev" } as never)).toEqual([]);
      const restored = await client.restoreGroup(group.id);
      expect(restored).toMatchObject({ id: group.id, delete_at: 0 });
    } finally {
      watcher.close();
    }
  });

  it("adds and removes members, telling each member", async () => {
    const client = newClient4(f.url, ann.token);
    const group = await client.createGroupWithUserIds({
      name: "ops",
      display_name: "Operations",
      source: "custom",
      allow_reference: true,
      user_ids: [],
    } as never);
    const catSocket = await ClientSocket.connect(f.url, cat.token);
    try {
      const added = catSocket.next("group_member_add");
      const [member] = await client.addUsersToGroup(group.id, [cat.id]);
      expect(member).toMatchObject({ group_id: group.id, user_id: cat.id, delete_at: 0 });
      expect(JSON.parse((await added).data.group_member)).toMatchObject({ user_id: cat.id });

      const removedEvent = catSocket.next("group_member_deleted");
      const [removed] = await client.removeUsersFromGroup(group.id, [cat.id]);
      // Mattermost's GroupMember JSON says delete_at (its TypeScript type says deleted_at).
      expect((removed as unknown as { delete_at: number }).delete_at).toBeGreaterThan(0);
      await removedEvent;
      expect(await client.getGroupsByUserId(cat.id)).toEqual([]);
    } finally {
      catSocket.close();
    }
  });

  it("refuses what Mattermost refuses", async () => {
    const client = newClient4(f.url, ann.token);
    const custom = (fields: Record<string, unknown>) =>
      client.createGroupWithUserIds({
        display_name: "X",
        source: "custom",
        allow_reference: true,
        user_ids: [],
        ...fields,
      } as never);
    await expect(custom({ name: "Bad Name" })).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "model.group.name.invalid_chars.app_error",
    });
    await expect(custom({ name: "here" })).rejects.toMatchObject({
      server_error_id: "model.group.name.reserved_name.app_error",
    });
    await expect(custom({ name: "bob" })).rejects.toMatchObject({
      server_error_id: "app.group.username_conflict",
    });
    await expect(custom({ name: "quiet", allow_reference: false })).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "api.custom_groups.must_be_referenceable",
    });
    await expect(custom({ name: "plug", source: "plugin_x" })).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "app.group.crud_permission",
    });
    await expect(custom({ name: "ghosts", user_ids: ["nobody"] })).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "api.context.invalid_body_param.app_error",
    });
    await expect(client.getGroup("g404")).rejects.toMatchObject({ status_code: 404 });
  });

  it("checks the custom group permissions of the user's roles", async () => {
    const admin = newClient4(f.url, f.adminToken);
    const group = await newClient4(f.url, ann.token).createGroupWithUserIds({
      name: "guarded",
      display_name: "Guarded",
      source: "custom",
      allow_reference: true,
      user_ids: [],
    } as never);
    const userRole = await admin.getRoleByName("system_user");
    await admin.patchRole(userRole.id, {
      permissions: userRole.permissions.filter((p) => p !== "delete_custom_group"),
    });
    try {
      await expect(newClient4(f.url, bob.token).archiveGroup(group.id)).rejects.toMatchObject({
        status_code: 403,
      });
    } finally {
      await admin.patchRole(userRole.id, { permissions: userRole.permissions });
    }
  });

  it("shows a plugin's group that can't be mentioned to system admins only", async () => {
    const hidden = await f.host.app.createGroup(
      { pluginId: "p" },
      {
        $typeName: "plugwire.v1.Group",
        id: "",
        name: "",
        displayName: "Directory",
        description: "",
        source: "plugin_dir",
        remoteId: "d1",
        createAt: 0n,
        updateAt: 0n,
        deleteAt: 0n,
        allowReference: false,
        hasSyncables: false,
        memberIds: [],
      },
    );
    await expect(newClient4(f.url, ann.token).getGroup(hidden.id)).rejects.toMatchObject({
      status_code: 403,
    });
    await expect(newClient4(f.url, ann.token).getProfilesInGroup(hidden.id)).rejects.toMatchObject({
      status_code: 403,
    });
    const seen = await newClient4(f.url, f.adminToken).getGroup(hidden.id);
    expect(seen).toMatchObject({ source: "plugin_dir", remote_id: "d1" });
    const forAnn = await newClient4(f.url, ann.token).getGroups({ q: "dir" } as never);
    expect(forAnn).toEqual([]);
    await expect(
      newClient4(f.url, ann.token).patchGroup(hidden.id, { display_name: "Mine" } as never),
    ).rejects.toMatchObject({ status_code: 403 });
  });
});
