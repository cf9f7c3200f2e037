// GET /api/v4/cluster/status: the hosts serving this database, as Mattermost's cluster status
// lists its nodes (ClusterInfo), for system admins. A host is listed while it records itself
// (every 5 s); one that stopped or died drops out after 15 s. Plugwire adds when each was last
// seen and started (ms since the epoch).

import { requireSystemAdmin } from "./permissions.js";
import type { RouteHandler } from "./rest-call.js";
import type { Router } from "./router.js";

export function clusterRoutes(router: Router<RouteHandler>): void {
  router.add("GET", "/api/v4/cluster/status", async (call) => {
    requireSystemAdmin(call);
    const nodes = await call.app.getClusterNodes();
    call.send(
      200,
      nodes.map((node) => ({
        id: node.id,
        version: node.version,
        schema_version: "",
        config_hash: "",
        ipaddress: "",
        hostname: node.hostname,
        last_seen_at: Number(node.lastSeenAt),
        started_at: Number(node.startedAt),
      })),
    );
  });
}
