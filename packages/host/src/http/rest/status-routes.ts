// Statuses over v4: anyone logged in reads anyone's; a user sets their own (a system admin
// anyone's). The app keeps them (app/status-operations.ts): presence from the websockets,
// manual statuses, away after inactivity, timed do-not-disturb.
import type { JsonObject } from "@bufbuild/protobuf";
import type { Status } from "@plugwire/protocol";
import { fieldsOf, stringField, typeName } from "./body-fields.js";
import { requireSelfOrAdmin } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam } from "./rest-errors.js";
import type { Router } from "./router.js";

export function statusRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/users/{user_id}/status", async (call) => {
      call.user();
      call.send(200, statusJson(await call.app.getUserStatus(userIdParam(call))));
    })
    .add("PUT", "/api/v4/users/{user_id}/status", updateUserStatus)
    .add("POST", "/api/v4/users/status/ids", async (call) => {
      call.user();
      const body = await call.json();
      if (
        !Array.isArray(body) ||
        body.length === 0 ||
        body.some((id) => typeof id !== "string" || id.length !== 26)
      ) {
        throw invalidBodyParam("user_ids", "expected a JSON array of 26-character user ids.");
      }
      const statuses = await call.app.getUserStatusesByIds(body as string[]);
      call.send(200, statuses.map(statusJson));
    })
    .add("PUT", "/api/v4/users/{user_id}/status/custom", async (call) => {
      const userId = userIdParam(call);
      const fields = fieldsOf(
        await call.json(),
        ["emoji", "text", "duration", "expires_at"],
        call.ignoreField,
      );
      requireSelfOrAdmin(call, userId);
      await call.app.updateUserCustomStatus(call.actor(), userId, {
        $typeName: "plugwire.v1.CustomStatus",
        emoji: stringField(fields, "emoji"),
        text: stringField(fields, "text"),
        duration: stringField(fields, "duration"),
        expiresAt: stringField(fields, "expires_at"),
      });
      call.ok();
    })
    .add("DELETE", "/api/v4/users/{user_id}/status/custom", async (call) => {
      const userId = userIdParam(call);
      requireSelfOrAdmin(call, userId);
      await call.app.removeUserCustomStatus(call.actor(), userId);
      call.ok();
    });
}

async function updateUserStatus(call: RestCall): Promise<void> {
  const userId = userIdParam(call);
  const fields = fieldsOf(
    await call.json(),
    ["user_id", "status", "manual", "last_activity_at", "active_channel", "dnd_end_time"],
    call.ignoreField,
  );
  if (stringField(fields, "user_id") !== userId) {
    throw invalidBodyParam("user_id", "it must be the user of the URL.");
  }
  requireSelfOrAdmin(call, userId);
  const status = stringField(fields, "status", true);
  const dndEndTime = fields.dnd_end_time ?? 0;
  if (!Number.isSafeInteger(dndEndTime) || (dndEndTime as number) < 0) {
    throw invalidBodyParam(
      "dnd_end_time",
      `expected seconds since the epoch, got ${typeName(dndEndTime)}.`,
    );
  }
  try {
    call.send(
      200,
      statusJson(
        await call.app.updateUserStatus(call.actor(), userId, status, BigInt(dndEndTime as number)),
      ),
    );
  } catch (error) {
    if ((error as { params?: { field?: string } }).params?.field === "status") {
      throw invalidBodyParam("status", (error as Error).message);
    }
    throw error;
  }
}

/** A status as v4 writes it: without active_channel and prev_status, as Mattermost's ToJSON. */
export function statusJson(status: Status): JsonObject {
  return {
    user_id: status.userId,
    status: status.status,
    manual: status.manual,
    last_activity_at: Number(status.lastActivityAt),
    dnd_end_time: Number(status.dndEndTime),
  };
}

function userIdParam(call: RestCall): string {
  const userId = call.param("user_id");
  return userId === "me" ? call.user().id : userId;
}
