// /api/v4/system: the health check clients and load balancers poll, open to everyone.
import type { RouteHandler } from "./rest-call.js";
import type { Router } from "./router.js";

export function systemRoutes(router: Router<RouteHandler>): void {
  router.add("GET", "/api/v4/system/ping", async (call) => call.send(200, { status: "OK" }));
}
