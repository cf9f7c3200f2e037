// The audit log the host keeps (plugins write it with LogAuditRec): GET /audits for those with
// read_audits (system admins), and a user's own entries, as Mattermost's api4 serves them.
import { AuditSchema } from "@plugwire/protocol";
import type { AuditQuery } from "../../app/app.js";
import { modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import { requireSelfOrAdmin, requireSystemPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import type { Router } from "./router.js";

export function auditRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/audits", async (call) => {
      requireSystemPermission(call, "read_audits", "only system admins may read the audit log");
      await sendAudits(call, pageOfQuery(call.url.searchParams));
    })
    .add("GET", "/api/v4/users/{user_id}/audits", async (call) => {
      const userId = call.param("user_id");
      requireSelfOrAdmin(call, userId);
      await sendAudits(call, { ...pageOfQuery(call.url.searchParams), userId });
    });
}

async function sendAudits(call: RestCall, query: AuditQuery): Promise<void> {
  const audits = await call.app.getAudits(query);
  call.send(
    200,
    audits.map((audit) => modelToJson(AuditSchema, audit)),
  );
}
