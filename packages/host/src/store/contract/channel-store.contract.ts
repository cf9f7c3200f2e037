// The contract of ChannelStore: channels, channel members and direct channels.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { ChannelMemberSchema, ChannelSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { filledMessage } from "../test-fixtures/filled-message.js";
import {
  expectEqualMessages,
  newChannel,
  newTeam,
  newUser,
  type OpenStore,
  page,
  storeTest,
} from "./store-test.js";

export function channelStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("channels", () => {
    it("stores every field of a channel and gives it back by id and by team and name", async ({
      store,
    }) => {
      const team = await newTeam(store, "core");
      const channel = create(ChannelSchema, {
        ...filledMessage(ChannelSchema),
        teamId: team.id,
        type: "P",
      });
      expectEqualMessages(ChannelSchema, await store.createChannel(channel), channel);
      expectEqualMessages(ChannelSchema, await store.getChannel(channel.id), channel);
      expectEqualMessages(
        ChannelSchema,
        await store.getChannelByName(team.id, channel.name, true),
        channel,
      );
    });

    it("keeps channel names unique within a team only", async ({ store }) => {
      const core = await newTeam(store, "core");
      const other = await newTeam(store, "other");
      await newChannel(store, core, "general");
      await expect(newChannel(store, other, "general")).resolves.toBeDefined();
      await expect(newChannel(store, core, "General")).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "name" },
      });
    });

    it("refuses a channel without a name, of an unknown type, or of a missing team", async ({
      store,
    }) => {
      const core = await newTeam(store, "core");
      await expect(newChannel(store, core, "")).rejects.toMatchObject({
        params: { field: "name" },
      });
      await expect(newChannel(store, core, "x", { type: "Z" })).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "type" },
      });
      await expect(newChannel(store, core, "x", { teamId: "" })).rejects.toMatchObject({
        params: { field: "team_id" },
      });
      await expect(newChannel(store, core, "x", { teamId: "t404" })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("finds archived channels by name only when asked to", async ({ store, clock }) => {
      const core = await newTeam(store, "core");
      const channel = await newChannel(store, core, "old");
      clock.time += 100;
      const archived = await store.deleteChannel(channel.id);
      expect(archived.deleteAt).toBe(BigInt(clock.time));
      await expect(store.getChannelByName(core.id, "old", false)).rejects.toMatchObject({
        id: "store.channel.not_found",
        message: expect.stringContaining('"old"'),
      });
      expectEqualMessages(
        ChannelSchema,
        await store.getChannelByName(core.id, "old", true),
        archived,
      );
      expectEqualMessages(ChannelSchema, await store.getChannel(channel.id), archived);

      clock.time += 100;
      const restored = await store.restoreChannel(channel.id);
      expect(restored).toMatchObject({ deleteAt: 0n, updateAt: BigInt(clock.time) });
      expectEqualMessages(
        ChannelSchema,
        await store.getChannelByName(core.id, "old", false),
        restored,
      );
      await expect(store.restoreChannel(channel.id)).rejects.toMatchObject({
        name: "ValidationError",
        id: "api.channel.restore_channel.restored.app_error",
      });
      await expect(store.restoreChannel("c404")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("updates the name, display name, header, purpose and group_constrained only", async ({
      store,
      clock,
    }) => {
      const core = await newTeam(store, "core");
      const channel = await newChannel(store, core, "general", { creatorId: "creator" });
      await newChannel(store, core, "taken");
      clock.time += 100;
      const changes = create(ChannelSchema, {
        ...filledMessage(ChannelSchema, 2),
        id: channel.id,
        name: "renamed",
      });
      const updated = await store.updateChannel(changes);
      const expected = create(ChannelSchema, {
        ...channel,
        name: "renamed",
        displayName: changes.displayName,
        header: changes.header,
        purpose: changes.purpose,
        groupConstrained: changes.groupConstrained,
        updateAt: BigInt(clock.time),
      });
      expectEqualMessages(ChannelSchema, updated, expected);
      expectEqualMessages(ChannelSchema, await store.getChannel(channel.id), expected);
      await expect(
        store.updateChannel(create(ChannelSchema, { ...updated, name: "taken" })),
      ).rejects.toMatchObject({ name: "AlreadyExistsError", params: { field: "name" } });
      await expect(
        store.updateChannel(create(ChannelSchema, { id: "c404", name: "x" })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("adds members once, removes them, and refuses members of archived channels", async ({
      store,
      clock,
    }) => {
      const core = await newTeam(store, "core");
      const channel = await newChannel(store, core, "general");
      const alice = await newUser(store, "alice");
      const bob = await newUser(store, "bob");
      clock.time += 7;
      const member = await store.addChannelMember(channel.id, alice.id);
      expect(member).toMatchObject({
        channelId: channel.id,
        userId: alice.id,
        lastUpdateAt: BigInt(clock.time),
        schemeUser: true,
        notifyProps: { desktop: "default", mark_unread: "all" },
      });
      expectEqualMessages(
        ChannelMemberSchema,
        await store.addChannelMember(channel.id, alice.id),
        member,
      );
      expectEqualMessages(
        ChannelMemberSchema,
        await store.getChannelMember(channel.id, alice.id),
        member,
      );
      await store.addChannelMember(channel.id, bob.id);
      expect(await store.getChannelMembers(channel.id, page(1, 0))).toHaveLength(1);
      expect(await store.getChannelMembers(channel.id, page())).toHaveLength(2);

      expectEqualMessages(
        ChannelMemberSchema,
        await store.removeChannelMember(channel.id, alice.id),
        member,
      );
      expect(await store.getChannelMember(channel.id, alice.id)).toBeUndefined();
      await expect(store.removeChannelMember(channel.id, alice.id)).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.channel_member.not_found",
      });

      await store.deleteChannel(channel.id);
      await expect(store.addChannelMember(channel.id, alice.id)).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "channel_id" },
      });
      await expect(store.addChannelMember("c404", alice.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.addChannelMember(channel.id, "u404")).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("creates the direct channel of two users once, with both as members", async ({ store }) => {
      const alice = await newUser(store, "alice");
      const bob = await newUser(store, "bob");
      const direct = await store.getOrCreateDirectChannel(alice.id, bob.id);
      expect(direct).toMatchObject({
        type: "D",
        teamId: "",
        name: [alice.id, bob.id].sort().join("__"),
      });
      expectEqualMessages(
        ChannelSchema,
        await store.getOrCreateDirectChannel(bob.id, alice.id),
        direct,
      );
      expect(
        (await store.getChannelMembers(direct.id, page())).map((m) => m.userId).sort(),
      ).toEqual([alice.id, bob.id].sort());
      const self = await store.getOrCreateDirectChannel(alice.id, alice.id);
      expect(await store.getChannelMembers(self.id, page())).toHaveLength(1);
      await expect(store.getOrCreateDirectChannel(alice.id, "u404")).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
}
