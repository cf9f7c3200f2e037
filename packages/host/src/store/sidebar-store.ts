import type { SidebarCategory } from "@plugwire/protocol";

/** Who a sidebar belongs to: one user in one team. */
export interface SidebarOwner {
  userId: string;
  teamId: string;
}

/** A category update's outcome: the categories as saved, and as they were before. */
export interface SidebarUpdate {
  updated: SidebarCategory[];
  original: SidebarCategory[];
}

/**
 * Users' channel sidebars, as Mattermost's SidebarCategories and SidebarChannels: the three
 * default categories (favorites, channels, direct_messages) made on first read, custom ones,
 * their order, and which channels each holds. A channel of the user's that no category holds is
 * shown in channels (public and private ones of the team) or direct_messages (direct and group
 * ones), before the channels stored there; stored channels the user no longer belongs to, or
 * archived ones, are left out.
 */
export interface SidebarStore {
  /**
   * The user's categories in the team by sort order, made first when there are none.
   * NotFoundError when the user is not a member of the team.
   */
  getSidebarCategories(owner: SidebarOwner): Promise<SidebarCategory[]>;
  /** One category with its channels; NotFoundError when there is none with that id. */
  getSidebarCategory(categoryId: string): Promise<SidebarCategory>;
  /**
   * A new custom category with a new id: after favorites when favorites is first, else first;
   * its channels leave the other categories of the user in the team. Answers it as saved.
   */
  createSidebarCategory(owner: SidebarOwner, category: SidebarCategory): Promise<SidebarCategory>;
  /**
   * Saves the display name (custom categories only), sorting, muted (not direct_messages),
   * collapsed and channels (not direct_messages) of each category, all in one transaction.
   * Every category must be the owner's (NotFoundError otherwise).
   */
  updateSidebarCategories(
    owner: SidebarOwner,
    categories: readonly SidebarCategory[],
  ): Promise<SidebarUpdate>;
  /** The ids of the owner's categories by sort order. */
  getSidebarCategoryOrder(owner: SidebarOwner): Promise<string[]>;
  /** Puts the categories in this order; ValidationError unless it names each one exactly once. */
  updateSidebarCategoryOrder(owner: SidebarOwner, order: readonly string[]): Promise<void>;
  /** Deletes a custom category (ValidationError for the default ones); its channels go back. */
  deleteSidebarCategory(categoryId: string): Promise<void>;
}
