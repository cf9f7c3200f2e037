// Users' channel sidebars (Mattermost's sidebar categories): read, made, changed, reordered and
// deleted for a member of the team, with the websocket events Mattermost sends the user, and a
// category's muting passed on to its channels' memberships (mark_unread), as Mattermost's
// UpdateSidebarCategories does.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import {
  type ChannelMember,
  type SidebarCategory,
  SidebarCategorySchema,
} from "@plugwire/protocol";
import type { SidebarOwner } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";

/** A user's sidebar of a team, as Mattermost's OrderedSidebarCategories. */
export interface SidebarCategories {
  categories: SidebarCategory[];
  order: string[];
}

/** What changed in a user's sidebar, for their clients. */
export type SidebarChange =
  | { kind: "created"; owner: SidebarOwner; categoryId: string }
  | { kind: "updated"; owner: SidebarOwner; categories: SidebarCategory[] }
  | { kind: "order"; owner: SidebarOwner; order: string[] }
  | { kind: "deleted"; owner: SidebarOwner; categoryId: string };

export interface SidebarOperations {
  /**
   * The user's categories in the team and their order; the three defaults (favorites,
   * channels, direct messages) are made on first read. NotFoundError unless the user is a
   * member of the team.
   */
  getChannelSidebarCategories(userId: string, teamId: string): Promise<SidebarCategories>;
  /** One of the user's categories in the team; NotFoundError when it is someone else's. */
  getSidebarCategory(userId: string, teamId: string, categoryId: string): Promise<SidebarCategory>;
  /**
   * A new custom category (name, sorting, muted, channels) placed as Mattermost places it;
   * channels the user does not belong to are dropped. Then sidebar_category_created.
   */
  createSidebarCategory(
    actor: Actor,
    userId: string,
    teamId: string,
    category: SidebarCategory,
  ): Promise<SidebarCategory>;
  /**
   * Saves each category as Mattermost's UpdateSidebarCategories does (read-only fields kept,
   * channels the user does not belong to dropped); then sidebar_category_updated, and the
   * channels of a category muted or unmuted (or moved between one muted and one not) are.
   */
  updateSidebarCategories(
    actor: Actor,
    userId: string,
    teamId: string,
    categories: readonly SidebarCategory[],
  ): Promise<SidebarCategory[]>;
  getSidebarCategoryOrder(userId: string, teamId: string): Promise<string[]>;
  /** ValidationError unless the order names each category once; then sidebar_category_order_updated. */
  updateSidebarCategoryOrder(
    actor: Actor,
    userId: string,
    teamId: string,
    order: readonly string[],
  ): Promise<void>;
  /** Deletes a custom category (its channels go back); then sidebar_category_deleted. */
  deleteSidebarCategory(
    actor: Actor,
    userId: string,
    teamId: string,
    categoryId: string,
  ): Promise<void>;
}

export class Sidebars implements SidebarOperations {
  constructor(private readonly core: AppCore) {}

  async getChannelSidebarCategories(userId: string, teamId: string): Promise<SidebarCategories> {
    const owner = await this.member(userId, teamId);
    const categories = await this.core.store.getSidebarCategories(owner);
    return { categories, order: categories.map((category) => category.id) };
  }

  async getSidebarCategory(
    userId: string,
    teamId: string,
    categoryId: string,
  ): Promise<SidebarCategory> {
    await this.member(userId, teamId);
    const category = await this.core.store.getSidebarCategory(categoryId);
    if (category.userId !== userId || category.teamId !== teamId) {
      throw notOwned(categoryId);
    }
    return category;
  }

  async createSidebarCategory(
    _actor: Actor,
    userId: string,
    teamId: string,
    category: SidebarCategory,
  ): Promise<SidebarCategory> {
    const owner = await this.member(userId, teamId);
    await this.core.store.getSidebarCategories(owner);
    const channelIds = await this.ownChannels(owner, category.channelIds);
    const created = await this.core.store.createSidebarCategory(
      owner,
      create(SidebarCategorySchema, { ...category, channelIds }),
    );
    this.core.emit("sidebarChanged", { kind: "created", owner, categoryId: created.id });
    return created;
  }

  async updateSidebarCategories(
    actor: Actor,
    userId: string,
    teamId: string,
    categories: readonly SidebarCategory[],
  ): Promise<SidebarCategory[]> {
    const owner = await this.member(userId, teamId);
    const requested: SidebarCategory[] = [];
    for (const category of categories) {
      const channelIds = await this.ownChannels(owner, category.channelIds);
      requested.push(create(SidebarCategorySchema, { ...category, channelIds }));
    }
    const { updated, original } = await this.core.store.updateSidebarCategories(owner, requested);
    this.core.emit("sidebarChanged", { kind: "updated", owner, categories: updated });
    await this.muteToMatch(actor, owner, updated, original);
    return updated;
  }

  async getSidebarCategoryOrder(userId: string, teamId: string): Promise<string[]> {
    const owner = await this.member(userId, teamId);
    return this.core.store.getSidebarCategoryOrder(owner);
  }

  async updateSidebarCategoryOrder(
    _actor: Actor,
    userId: string,
    teamId: string,
    order: readonly string[],
  ): Promise<void> {
    const owner = await this.member(userId, teamId);
    await this.core.store.updateSidebarCategoryOrder(owner, order);
    this.core.emit("sidebarChanged", { kind: "order", owner, order: [...order] });
  }

  async deleteSidebarCategory(
    _actor: Actor,
    userId: string,
    teamId: string,
    categoryId: string,
  ): Promise<void> {
    const owner = await this.member(userId, teamId);
    await this.getSidebarCategory(owner.userId, owner.teamId, categoryId);
    await this.core.store.deleteSidebarCategory(categoryId);
    this.core.emit("sidebarChanged", { kind: "deleted", owner, categoryId });
  }

  /** The owner, when the user is a member of the team; NotFoundError otherwise. */
  private async member(userId: string, teamId: string): Promise<SidebarOwner> {
    const { store } = this.core;
    if ((await store.getTeamMember(teamId, userId)) === undefined) {
      await store.getTeam(teamId);
      throw new NotFoundError({
        id: "app.channel.sidebar_categories.app_error",
        message: `User ${userId} is not a member of team ${teamId}, so has no sidebar there.`,
        params: { team_id: teamId, user_id: userId },
      });
    }
    return { userId, teamId };
  }

  /** The channels of these the user may sort: theirs in the team, and their direct and group ones. */
  private async ownChannels(owner: SidebarOwner, channelIds: readonly string[]): Promise<string[]> {
    const mine = new Set(
      (await this.core.store.getChannelsForTeamForUser(owner.teamId, owner.userId, true)).map(
        (channel) => channel.id,
      ),
    );
    return channelIds.filter((id) => mine.has(id));
  }

  /**
   * Mutes (mark_unread "mention") the channels of a category that became muted and unmutes
   * those of one that stopped being, and those moved between a muted category and one not.
   */
  private async muteToMatch(
    actor: Actor,
    owner: SidebarOwner,
    updated: readonly SidebarCategory[],
    original: readonly SidebarCategory[],
  ): Promise<void> {
    const mute: string[] = [];
    const unmute: string[] = [];
    updated.forEach((category, i) => {
      const before = original[i];
      if (before === undefined) return;
      if (category.muted && !before.muted) mute.push(...category.channelIds);
      if (!category.muted && before.muted) unmute.push(...category.channelIds);
    });
    const categoryOf = (categories: readonly SidebarCategory[]) => {
      const map = new Map<string, SidebarCategory>();
      for (const category of categories) {
        for (const channelId of category.channelIds) map.set(channelId, category);
      }
      return map;
    };
    const now = categoryOf(updated);
    for (const [channelId, from] of categoryOf(original)) {
      const to = now.get(channelId);
      if (to === undefined || to.id === from.id) continue;
      if (to.muted && !from.muted) mute.push(channelId);
      if (!to.muted && from.muted) unmute.push(channelId);
    }
    await this.setMuted(actor, owner, mute, "mention");
    await this.setMuted(actor, owner, unmute, "all");
  }

  private async setMuted(
    actor: Actor,
    owner: SidebarOwner,
    channelIds: readonly string[],
    markUnread: string,
  ): Promise<void> {
    if (channelIds.length === 0) return;
    const members = [...new Set(channelIds)].map((channelId) => ({
      channelId,
      userId: owner.userId,
    }));
    // As Mattermost: the categories are saved even when their channels' muting fails.
    const changed: ChannelMember[] = await this.core.store
      .patchChannelMembersNotifyProps(members, { mark_unread: markUnread })
      .catch((error: unknown) => {
        this.core.log.error(`muting channels to match a sidebar category failed: ${error}`, {
          user_id: owner.userId,
        });
        return [];
      });
    for (const member of changed) this.core.emit("channelMemberUpdated", member, actor);
  }
}

function notOwned(categoryId: string): NotFoundError {
  return new NotFoundError({
    id: "app.channel.sidebar_categories.app_error",
    message: `No sidebar category has id "${categoryId}" for this user and team.`,
    params: { category_id: categoryId },
  });
}
