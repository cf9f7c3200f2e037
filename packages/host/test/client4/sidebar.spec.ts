// A user's channel sidebar as the web app drives it through the official Client4: the default
// categories, a custom one made, changed, reordered and deleted, with the sidebar_category_*
// events on the user's websocket, and muting passed on to the channels.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import {
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let team: RestTeam;
let town: RestChannel;
let dev: RestChannel;
const client = () => newClient4(f.url, alice.token);

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  team = await f.newTeam(alice, [bob]);
  town = await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob]);
  dev = await f.newChannel(team, alice, { name: "dev", displayName: "Dev" });
});
afterAll(async () => {
  await f?.close();
});

describe("sidebar categories", () => {
  it("answers the default categories, each with its channels, and their order", async () => {
    const { categories, order } = await client().getChannelCategories(alice.id, team.id);
    expect(categories.map((c) => [c.type, c.display_name, c.sorting])).toEqual([
      ["favorites", "Favorites", ""],
      ["channels", "Channels", ""],
      ["direct_messages", "Direct Messages", "recent"],
    ]);
    expect(order).toEqual(categories.map((c) => c.id));
    expect(categories[1]?.channel_ids).toEqual([dev.id, town.id]);
    await expect(client().getChannelCategoryOrder(alice.id, team.id)).resolves.toEqual(order);
    const channels = await client().getChannelCategory(alice.id, team.id, order[1] ?? "");
    expect(channels).toMatchObject({ id: order[1], user_id: alice.id, team_id: team.id });
  });

  it("makes, changes, reorders and deletes a custom category, telling the user's clients", async () => {
    const socket = await ClientSocket.connect(f.url, alice.token);
    const created = socket.next("sidebar_category_created");
    const work = await client().createChannelCategory(alice.id, team.id, {
      user_id: alice.id,
      team_id: team.id,
      display_name: "Work",
      channel_ids: [dev.id, "not-a-channel-of-hers"],
    });
    expect(work).toMatchObject({ type: "custom", display_name: "Work", channel_ids: [dev.id] });
    expect((await created).data).toEqual({ category_id: work.id });
    expect((await created).broadcast).toMatchObject({ user_id: alice.id, team_id: team.id });

    const { categories } = await client().getChannelCategories(alice.id, team.id);
    expect(categories.map((c) => c.id)[1]).toBe(work.id);
    expect(categories[2]?.channel_ids).toEqual([town.id]);

    const updated = socket.next("sidebar_category_updated");
    const memberUpdated = socket.next("channel_member_updated");
    const muted = await client().updateChannelCategory(alice.id, team.id, {
      ...work,
      display_name: "Deep work",
      muted: true,
    });
    expect(muted).toMatchObject({ display_name: "Deep work", muted: true, channel_ids: [dev.id] });
    const sent = JSON.parse((await updated).data.updatedCategories as string);
    expect(sent).toEqual([expect.objectContaining({ id: work.id, muted: true })]);
    const member = JSON.parse((await memberUpdated).data.channelMember as string);
    expect(member).toMatchObject({ channel_id: dev.id, notify_props: { mark_unread: "mention" } });

    const order = [...categories.map((c) => c.id)].reverse();
    const reordered = socket.next("sidebar_category_order_updated");
    await expect(client().updateChannelCategoryOrder(alice.id, team.id, order)).resolves.toEqual(
      order,
    );
    expect((await reordered).data).toEqual({ order });

    const deleted = socket.next("sidebar_category_deleted");
    await expect(client().deleteChannelCategory(alice.id, team.id, work.id)).resolves.toEqual({
      status: "OK",
    });
    expect((await deleted).data).toEqual({ category_id: work.id });
    const after = await client().getChannelCategories(alice.id, team.id);
    expect(after.categories.find((c) => c.type === "channels")?.channel_ids).toEqual([
      dev.id,
      town.id,
    ]);
    socket.close();
  });

  it("refuses other users' sidebars, default categories' deletion and a partial order", async () => {
    const bobs = newClient4(f.url, bob.token);
    await expect(bobs.getChannelCategories(alice.id, team.id)).rejects.toMatchObject({
      status_code: 403,
    });
    const { order } = await client().getChannelCategories(alice.id, team.id);
    await expect(
      client().deleteChannelCategory(alice.id, team.id, order[0] ?? ""),
    ).rejects.toMatchObject({
      status_code: 400,
    });
    await expect(
      client().updateChannelCategoryOrder(alice.id, team.id, order.slice(1)),
    ).rejects.toMatchObject({ status_code: 400 });
    const bobsOrder = (await bobs.getChannelCategories(bob.id, team.id)).order;
    await expect(
      client().getChannelCategory(alice.id, team.id, bobsOrder[0] ?? ""),
    ).rejects.toMatchObject({
      status_code: 403,
    });
    await expect(
      client().createChannelCategory(alice.id, team.id, {
        user_id: bob.id,
        team_id: team.id,
        display_name: "Not mine",
      }),
    ).rejects.toMatchObject({ status_code: 400 });
  });
});
