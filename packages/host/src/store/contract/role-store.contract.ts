// The contract of RoleStore: the built-in roles every store starts with, patching a role's
// permissions, and the role fields of users and memberships.
// It uses only the Store interface; ../README.md says how to run it.
import { describe, expect } from "vitest";
import { newChannel, newTeam, newUser, type OpenStore, storeTest } from "./store-test.js";

const BUILT_IN = [
  "channel_admin",
  "channel_guest",
  "channel_user",
  "system_admin",
  "system_guest",
  "system_post_all",
  "system_post_all_public",
  "system_user",
  "system_user_access_token",
  "team_admin",
  "team_guest",
  "team_post_all",
  "team_post_all_public",
  "team_user",
];

export function roleStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("roles", () => {
    it("starts with Mattermost's built-in roles and their default permissions", async ({
      store,
    }) => {
      const roles = await store.getRoles();
      expect(roles.map((role) => role.name)).toEqual(BUILT_IN);
      const channelUser = await store.getRoleByName("channel_user");
      expect(channelUser).toMatchObject({
        builtIn: true,
        schemeManaged: true,
        deleteAt: 0n,
        displayName: "authentication.roles.channel_user.name",
      });
      expect(channelUser.id).toMatch(/^[a-z0-9]{26}$/);
      expect(channelUser.permissions).toContain("create_post");
      expect(channelUser.permissions).not.toContain("manage_channel_roles");
      expect((await store.getRoleByName("system_admin")).permissions).toContain("manage_system");
      expect((await store.getRoleByName("system_post_all")).schemeManaged).toBe(false);
      expect(await store.getRole(channelUser.id)).toEqual(channelUser);
    });

    it("reads several roles by name, skipping unknown names", async ({ store }) => {
      const roles = await store.getRolesByNames(["team_user", "nope", "system_admin"]);
      expect(roles.map((role) => role.name)).toEqual(["system_admin", "team_user"]);
      expect(await store.getRolesByNames([])).toEqual([]);
    });

    it("answers NotFoundError for an unknown role id or name", async ({ store }) => {
      await expect(store.getRole("unknown")).rejects.toMatchObject({ name: "NotFoundError" });
      await expect(store.getRoleByName("nope")).rejects.toMatchObject({ name: "NotFoundError" });
      await expect(store.setRolePermissions("unknown", [])).rejects.toMatchObject({
        name: "NotFoundError",
      });
    });

    it("replaces a role's permissions and stamps update_at", async ({ store, clock }) => {
      const role = await store.getRoleByName("channel_user");
      clock.time += 1000;
      const patched = await store.setRolePermissions(role.id, ["read_channel"]);
      expect(patched).toMatchObject({
        permissions: ["read_channel"],
        updateAt: BigInt(clock.time),
      });
      expect(await store.getRoleByName("channel_user")).toEqual(patched);
    });
  });

  describe("role assignments", () => {
    it("replaces a user's roles", async ({ store }) => {
      const user = await newUser(store, "ann");
      const updated = await store.setUserRoles(user.id, "system_user system_admin");
      expect(updated.roles).toBe("system_user system_admin");
      expect((await store.getUser(user.id)).roles).toBe("system_user system_admin");
      await expect(store.setUserRoles("unknown", "system_user")).rejects.toMatchObject({
        name: "NotFoundError",
      });
    });

    it("replaces a team member's explicit roles and scheme flags", async ({ store }) => {
      const user = await newUser(store, "ann");
      const team = await newTeam(store, "core");
      await store.addTeamMember(team.id, user.id);
      const roles = {
        explicitRoles: "custom",
        schemeUser: true,
        schemeAdmin: true,
        schemeGuest: false,
      };
      expect(await store.setTeamMemberRoles(team.id, user.id, roles)).toMatchObject({
        roles: "custom",
        schemeUser: true,
        schemeAdmin: true,
      });
      expect(await store.getTeamMember(team.id, user.id)).toMatchObject({ schemeAdmin: true });
      await store.removeTeamMember(team.id, user.id);
      await expect(store.setTeamMemberRoles(team.id, user.id, roles)).rejects.toMatchObject({
        name: "NotFoundError",
      });
    });

    it("makes a guest account's memberships guest ones", async ({ store }) => {
      const guest = await newUser(store, "visitor", { roles: "system_guest" });
      const team = await newTeam(store, "core");
      const channel = await newChannel(store, team, "town");
      const flags = { schemeGuest: true, schemeUser: false, schemeAdmin: false };
      expect(await store.addTeamMember(team.id, guest.id)).toMatchObject(flags);
      expect(await store.addChannelMember(channel.id, guest.id)).toMatchObject(flags);
      expect(await store.getChannelMember(channel.id, guest.id)).toMatchObject(flags);
      const user = await newUser(store, "ann");
      expect(await store.addTeamMember(team.id, user.id)).toMatchObject({
        schemeGuest: false,
        schemeUser: true,
      });
    });

    it("replaces a channel member's explicit roles and scheme flags", async ({ store }) => {
      const user = await newUser(store, "ann");
      const channel = await newChannel(store, await newTeam(store, "core"), "town");
      await store.addChannelMember(channel.id, user.id);
      const roles = { explicitRoles: "", schemeUser: true, schemeAdmin: true, schemeGuest: false };
      expect(await store.setChannelMemberRoles(channel.id, user.id, roles)).toMatchObject({
        schemeAdmin: true,
      });
      expect(await store.getChannelMember(channel.id, user.id)).toMatchObject({
        schemeAdmin: true,
      });
      await expect(store.setChannelMemberRoles(channel.id, "nobody", roles)).rejects.toMatchObject({
        name: "NotFoundError",
      });
    });
  });
}
