// The contract of membership changes with their system posts (ChannelStore.joinChannel and
// leaveChannel, TeamStore.joinTeam and leaveTeam): the membership and the post are stored in one
// transaction, so a post that can't be stored leaves the membership as it was.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { type Channel, PostSchema, type User } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { newChannel, newTeam, newUser, type OpenStore, page, storeTest } from "./store-test.js";

export function membershipChangeContract(open: OpenStore): void {
  const it = storeTest(open);

  const systemPost = (channel: Channel, user: User, type: string, init: { rootId?: string } = {}) =>
    create(PostSchema, {
      channelId: channel.id,
      userId: user.id,
      type,
      message: `${user.username} ${type}`,
      props: { username: user.username },
      ...init,
    });

  describe("membership changes with their system posts", () => {
    it("add a channel member and post that they joined, together; an existing member gets no post", async ({
      store,
    }) => {
      const team = await newTeam(store, "core");
      const channel = await newChannel(store, team, "general");
      const ada = await newUser(store, "ada");
      const joined = await store.joinChannel(
        channel.id,
        ada.id,
        systemPost(channel, ada, "system_join_channel"),
      );
      expect(joined.member).toMatchObject({ channelId: channel.id, userId: ada.id });
      expect(joined.post).toMatchObject({
        id: expect.any(String),
        type: "system_join_channel",
        props: { username: "ada" },
      });
      expect((await store.getPostsForChannel(channel.id, page())).map((p) => p.id)).toEqual([
        joined.post?.id,
      ]);
      expect((await store.getChannel(channel.id)).totalMsgCount).toBe(1n);

      const again = await store.joinChannel(
        channel.id,
        ada.id,
        systemPost(channel, ada, "system_join_channel"),
      );
      expect(again.post).toBeUndefined();
      expect(await store.getPostsForChannel(channel.id, page())).toHaveLength(1);
    });

    it("leave the membership as it was when the system post can't be stored", async ({ store }) => {
      const team = await newTeam(store, "core");
      const channel = await newChannel(store, team, "general");
      const ada = await newUser(store, "ada");
      const broken = systemPost(channel, ada, "system_join_channel", { rootId: "no-such-post" });
      await expect(store.joinChannel(channel.id, ada.id, broken)).rejects.toMatchObject({
        params: { field: "root_id" },
      });
      expect(await store.getChannelMember(channel.id, ada.id)).toBeUndefined();

      await store.addChannelMember(channel.id, ada.id);
      await expect(store.leaveChannel(channel.id, ada.id, broken)).rejects.toMatchObject({
        params: { field: "root_id" },
      });
      expect(await store.getChannelMember(channel.id, ada.id)).toBeDefined();

      const left = await store.leaveChannel(
        channel.id,
        ada.id,
        systemPost(channel, ada, "system_leave_channel"),
      );
      expect(left.post).toMatchObject({ type: "system_leave_channel" });
      expect(await store.getChannelMember(channel.id, ada.id)).toBeUndefined();
      await expect(
        store.leaveChannel(channel.id, ada.id, systemPost(channel, ada, "system_leave_channel")),
      ).rejects.toMatchObject({ name: "NotFoundError" });
      expect((await store.getPostsForChannel(channel.id, page())).map((p) => p.type)).toEqual([
        "system_leave_channel",
      ]);
    });

    it("add and remove a team member with their post in one of the team's channels, all or nothing", async ({
      store,
      clock,
    }) => {
      const team = await newTeam(store, "core");
      const square = await newChannel(store, team, "town-square");
      const ada = await newUser(store, "ada");
      const broken = systemPost(square, ada, "system_join_team", { rootId: "no-such-post" });
      await expect(store.joinTeam(team.id, ada.id, {}, broken)).rejects.toMatchObject({
        params: { field: "root_id" },
      });
      expect(await store.getTeamMember(team.id, ada.id)).toBeUndefined();

      const joined = await store.joinTeam(
        team.id,
        ada.id,
        {},
        systemPost(square, ada, "system_join_team"),
      );
      expect(joined.member).toMatchObject({ teamId: team.id, userId: ada.id, deleteAt: 0n });
      expect(joined.post).toMatchObject({ channelId: square.id, type: "system_join_team" });
      const again = await store.joinTeam(
        team.id,
        ada.id,
        {},
        systemPost(square, ada, "system_join_team"),
      );
      expect(again.post).toBeUndefined();

      clock.time += 1_000;
      await expect(store.leaveTeam(team.id, ada.id, broken)).rejects.toMatchObject({
        params: { field: "root_id" },
      });
      expect(await store.getTeamMember(team.id, ada.id)).toBeDefined();
      const left = await store.leaveTeam(
        team.id,
        ada.id,
        systemPost(square, ada, "system_leave_team"),
      );
      expect(left.member.deleteAt).not.toBe(0n);
      expect(await store.getTeamMember(team.id, ada.id)).toBeUndefined();
      expect((await store.getPostsForChannel(square.id, page())).map((p) => p.type)).toEqual([
        "system_leave_team",
        "system_join_team",
      ]);
    });
  });
}
