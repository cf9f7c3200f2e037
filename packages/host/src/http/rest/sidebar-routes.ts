// /api/v4/users/{user_id}/teams/{team_id}/channels/categories: a user's channel sidebar in a
// team (Mattermost's api4/channel_category.go). The user themself, or whoever may edit other
// users, reads and changes it; a category named in the URL or the body must be theirs.
import { type SidebarCategory, SidebarCategorySchema } from "@plugwire/protocol";
import { modelFromJson, modelToJson } from "./model-json.js";
import { requireSelfOrAdmin } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

const BASE = "/api/v4/users/{user_id}/teams/{team_id}/channels/categories";

const SETTABLE = [
  "id",
  "user_id",
  "team_id",
  "sort_order",
  "sorting",
  "type",
  "display_name",
  "muted",
  "collapsed",
  "channel_ids",
];

export function sidebarRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", BASE, async (call) => {
      const { userId, teamId } = owner(call);
      const { categories, order } = await call.app.getChannelSidebarCategories(userId, teamId);
      call.send(200, { categories: categories.map(categoryJson), order });
    })
    .add("POST", BASE, async (call) => {
      const { userId, teamId } = owner(call);
      const category = categoryFromBody(call, await call.json(), userId, teamId);
      const created = await call.app.createSidebarCategory(call.actor(), userId, teamId, category);
      call.send(200, categoryJson(created));
    })
    .add("PUT", BASE, async (call) => {
      const { userId, teamId } = owner(call);
      const body = await call.json();
      if (!Array.isArray(body))
        throw invalidBodyParam("category", "expected an array of categories.");
      const categories = body.map((item) => categoryFromBody(call, item, userId, teamId, false));
      for (const category of categories) {
        if (!(await owns(call, userId, teamId, category.id))) {
          throw invalidBodyParam(
            "category",
            `category ${category.id} is not this user's in this team.`,
          );
        }
      }
      const updated = await call.app.updateSidebarCategories(
        call.actor(),
        userId,
        teamId,
        categories,
      );
      call.send(200, updated.map(categoryJson));
    })
    .add("GET", `${BASE}/order`, async (call) => {
      const { userId, teamId } = owner(call);
      call.send(200, await call.app.getSidebarCategoryOrder(userId, teamId));
    })
    .add("PUT", `${BASE}/order`, async (call) => {
      const { userId, teamId } = owner(call);
      const order = await call.json();
      if (!Array.isArray(order) || order.some((id) => typeof id !== "string")) {
        throw invalidBodyParam("category", "expected an array of category ids.");
      }
      for (const id of order as string[]) {
        if (!(await owns(call, userId, teamId, id))) {
          throw invalidBodyParam("category", `category ${id} is not this user's in this team.`);
        }
      }
      await call.app.updateSidebarCategoryOrder(call.actor(), userId, teamId, order as string[]);
      call.send(200, order as string[]);
    })
    .add("GET", `${BASE}/{category_id}`, async (call) => {
      const { userId, teamId } = await categoryOwner(call);
      const category = await call.app.getSidebarCategory(userId, teamId, call.param("category_id"));
      call.send(200, categoryJson(category));
    })
    .add("PUT", `${BASE}/{category_id}`, async (call) => {
      const { userId, teamId } = await categoryOwner(call);
      const categoryId = call.param("category_id");
      const category = categoryFromBody(call, await call.json(), userId, teamId);
      category.id = categoryId;
      const [updated] = await call.app.updateSidebarCategories(call.actor(), userId, teamId, [
        category,
      ]);
      call.send(200, categoryJson(updated as SidebarCategory));
    })
    .add("DELETE", `${BASE}/{category_id}`, async (call) => {
      const { userId, teamId } = await categoryOwner(call);
      await call.app.deleteSidebarCategory(call.actor(), userId, teamId, call.param("category_id"));
      call.ok();
    });
}

/** The user and team of the URL, once the caller may act for that user. */
function owner(call: RestCall): { userId: string; teamId: string } {
  const userId = call.param("user_id");
  requireSelfOrAdmin(call, userId);
  return { userId, teamId: call.param("team_id") };
}

/** As owner(), and the category of the URL must be that user's in that team (403 otherwise). */
async function categoryOwner(call: RestCall): Promise<{ userId: string; teamId: string }> {
  const { userId, teamId } = owner(call);
  if (!(await owns(call, userId, teamId, call.param("category_id")))) {
    throw permissionDenied("this category is not this user's in this team", "edit_other_users");
  }
  return { userId, teamId };
}

/** Whether the category exists and is the user's in the team (Mattermost's SessionHasPermissionToCategory). */
async function owns(
  call: RestCall,
  userId: string,
  teamId: string,
  categoryId: string,
): Promise<boolean> {
  return call.app.getSidebarCategory(userId, teamId, categoryId).then(
    () => true,
    () => false,
  );
}

/**
 * A category of a request body. Its user_id and team_id must be those of the URL, as
 * Mattermost requires of a new or single category (`matchOwner`).
 */
function categoryFromBody(
  call: RestCall,
  body: unknown,
  userId: string,
  teamId: string,
  matchOwner = true,
): SidebarCategory {
  const { value } = modelFromJson(SidebarCategorySchema, body, SETTABLE, call.ignoreField);
  if (matchOwner && (value.userId !== userId || value.teamId !== teamId)) {
    throw invalidBodyParam("category", "its user_id and team_id must be those of the URL.");
  }
  return value;
}

function categoryJson(category: SidebarCategory) {
  return modelToJson(SidebarCategorySchema, category);
}
