// The contract of TeamStore: teams and team members.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { TeamMemberSchema, TeamSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { filledMessage } from "../test-fixtures/filled-message.js";
import {
  expectEqualMessages,
  newTeam,
  newUser,
  type OpenStore,
  page,
  storeTest,
} from "./store-test.js";

export function teamStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("teams", () => {
    it("stores every field of a team and gives it back by id and by name", async ({ store }) => {
      const team = filledMessage(TeamSchema);
      expectEqualMessages(TeamSchema, await store.createTeam(team), team);
      expectEqualMessages(TeamSchema, await store.getTeam(team.id), team);
      expectEqualMessages(TeamSchema, await store.getTeamByName(team.name), team);
    });

    it("refuses a taken team name, naming the field, and a team without a name", async ({
      store,
    }) => {
      await newTeam(store, "core");
      await expect(newTeam(store, "CORE")).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "name" },
      });
      await expect(store.createTeam(create(TeamSchema, {}))).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "name" },
      });
    });

    it("updates a team's descriptive fields, keeping its id, name, type and creation time", async ({
      store,
    }) => {
      const team = await newTeam(store, "updated");
      const changed = filledMessage(TeamSchema);
      const updated = await store.updateTeam({ ...changed, id: team.id });
      expectEqualMessages(TeamSchema, updated, {
        ...changed,
        id: team.id,
        name: "updated",
        type: "O",
        createAt: team.createAt,
        updateAt: updated.updateAt,
        deleteAt: team.deleteAt,
      });
      expectEqualMessages(TeamSchema, await store.getTeam(team.id), updated);
      await expect(
        store.updateTeam(create(TeamSchema, { id: "nosuchteam", name: "x" })),
      ).rejects.toMatchObject({ name: "NotFoundError" });
    });

    it("lists teams by name, a page at a time", async ({ store }) => {
      for (const name of ["gamma", "alpha", "beta"]) {
        await newTeam(store, name);
      }
      expect((await store.getTeams(page())).map((team) => team.name)).toEqual([
        "alpha",
        "beta",
        "gamma",
      ]);
      expect((await store.getTeams(page(1, 2))).map((team) => team.name)).toEqual(["gamma"]);
    });

    it("lists only the teams anyone may join, by name, a page at a time", async ({ store }) => {
      for (const [name, allowOpenInvite] of [
        ["gamma", true],
        ["alpha", true],
        ["beta", false],
        ["delta", true],
      ] as const) {
        await store.createTeam(create(TeamSchema, { name, type: "O", allowOpenInvite }));
      }
      expect((await store.getOpenTeams(page())).map((team) => team.name)).toEqual([
        "alpha",
        "delta",
        "gamma",
      ]);
      expect((await store.getOpenTeams(page(2, 1))).map((team) => team.name)).toEqual(["gamma"]);
    });

    it("answers NotFoundError for a missing team", async ({ store }) => {
      await expect(store.getTeam("t404")).rejects.toMatchObject({ id: "store.team.not_found" });
      await expect(store.getTeamByName("nowhere")).rejects.toMatchObject({
        id: "store.team.not_found",
        message: expect.stringContaining('"nowhere"'),
      });
    });

    it("adds, re-adds and removes members; adding twice changes nothing", async ({
      store,
      clock,
    }) => {
      const team = await newTeam(store, "core");
      const alice = await newUser(store, "alice");
      const bob = await newUser(store, "bob");
      const member = await store.addTeamMember(team.id, alice.id);
      expectEqualMessages(
        TeamMemberSchema,
        member,
        create(TeamMemberSchema, { teamId: team.id, userId: alice.id, schemeUser: true }),
      );
      expectEqualMessages(TeamMemberSchema, await store.addTeamMember(team.id, alice.id), member);
      await store.addTeamMember(team.id, bob.id);
      expect((await store.getTeamMembers(team.id, page())).map((m) => m.userId).sort()).toEqual(
        [alice.id, bob.id].sort(),
      );
      expect(await store.getTeamMembers(team.id, page(1, 5))).toEqual([]);

      clock.time += 10;
      const ended = await store.removeTeamMember(team.id, alice.id);
      expect(ended.deleteAt).toBe(BigInt(clock.time));
      expect(await store.getTeamMember(team.id, alice.id)).toBeUndefined();
      expect((await store.getTeamMembers(team.id, page())).map((m) => m.userId)).toEqual([bob.id]);
      await expect(store.removeTeamMember(team.id, alice.id)).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.team_member.not_found",
      });

      const back = await store.addTeamMember(team.id, alice.id);
      expect(back.deleteAt).toBe(0n);
      expectEqualMessages(TeamMemberSchema, await store.getTeamMember(team.id, alice.id), back);
    });

    it("refuses members of a missing team or missing users", async ({ store }) => {
      const team = await newTeam(store, "core");
      const alice = await newUser(store, "alice");
      await expect(store.addTeamMember("t404", alice.id)).rejects.toMatchObject({
        id: "store.team.not_found",
      });
      await expect(store.addTeamMember(team.id, "u404")).rejects.toMatchObject({
        id: "store.user.not_found",
      });
    });
  });
}
