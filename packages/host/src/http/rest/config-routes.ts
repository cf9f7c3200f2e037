// /api/v4/config: the server configuration for system admins, as Mattermost's api4 serves it
// (sanitised: secrets read "********"), and its saves: PUT takes the whole configuration (a
// live setting left out goes back to its default), PUT /config/patch only what it names. Both
// go through the app's saveConfig, so plugins' ConfigurationWillBeSaved runs and every host of
// the cluster takes the change. Mattermost filters the fields by sysconsole_* permissions;
// this host has none of those, so the routes ask for manage_system (system admins).
import type { JsonObject } from "@bufbuild/protobuf";
import type { SaveMode } from "../../app/app.js";
import { objectBody } from "./body-fields.js";
import { requireSystemPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import type { Router } from "./router.js";

/** Mattermost's answers to config reads and writes are never cached. */
const NO_CACHE = { "cache-control": "no-cache, no-store, must-revalidate" };

export function configRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/config", async (call) => {
      requireSystemPermission(
        call,
        "manage_system",
        "only system admins may read the configuration",
      );
      call.send(200, call.app.getConfig(), NO_CACHE);
    })
    .add("PUT", "/api/v4/config", (call) => saveConfig(call, "replace"))
    .add("PUT", "/api/v4/config/patch", (call) => saveConfig(call, "patch"));
}

async function saveConfig(call: RestCall, mode: SaveMode): Promise<void> {
  requireSystemPermission(call, "manage_system", "only system admins may change the configuration");
  const config = objectBody(await call.json()) as JsonObject;
  await call.app.saveConfig(call.actor(), config, mode);
  call.send(200, call.app.getConfig(), NO_CACHE);
}
