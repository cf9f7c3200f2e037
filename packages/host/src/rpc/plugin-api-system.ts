// The PluginAPI methods of system.proto that reach the other plugins and the server itself,
// spread into createPluginApiService: the plugins' manifests and states, managing them,
// installing bundles, the caller's folder, the license (none) and the server's ids. As in
// Mattermost, a plugin may manage every plugin, itself included, with no permission check.
// Plugin management is the Host's (as for the REST routes), given as deps.plugins; without it
// (an API service outside a host) those methods answer Unimplemented.
import { create } from "@bufbuild/protobuf";
import { Code, type ServiceImpl } from "@connectrpc/connect";
import { PluginAPIError, ValidationError } from "@plugwire/errors";
import {
  type InstallPluginRequest,
  MAX_CHUNK_BYTES,
  type PluginAPI,
  type PluginStatus,
  PluginStatusSchema,
} from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import type { Host, PluginStatus as HostPluginStatus } from "../host.js";
import { manifestJson, mattermostPluginState } from "../manifest/manifest-json.js";
import { callPluginHTTP } from "./inter-plugin-http.js";
import { required } from "./request-validation.js";

/** What the PluginAPI needs of the host to let plugins see, manage and call each other. */
export type PluginManagement = Pick<
  Host,
  | "statuses"
  | "status"
  | "enablePlugin"
  | "disablePlugin"
  | "removePlugin"
  | "installBundle"
  | "plugin"
  | "maxBundleBytes"
>;

type SystemMethods =
  | "getPlugins"
  | "getPluginStatus"
  | "getPluginStatuses"
  | "enablePlugin"
  | "disablePlugin"
  | "removePlugin"
  | "installPlugin"
  | "getBundlePath"
  | "pluginHTTP"
  | "getLicense"
  | "isEnterpriseReady"
  | "getSystemInstallDate"
  | "getDiagnosticId"
  | "getTelemetryId";

export function pluginApiSystem(
  app: App,
  pluginId: string,
  actor: Actor,
  management: PluginManagement | undefined,
): Pick<ServiceImpl<typeof PluginAPI>, SystemMethods> {
  const plugins = (): PluginManagement => {
    if (management === undefined) throw noPluginManagement();
    return management;
  };
  return {
    getPlugins: () => {
      // Active plugins first, as Mattermost lists them.
      const statuses = plugins().statuses();
      const ordered = [
        ...statuses.filter((status) => status.state === "active"),
        ...statuses.filter((status) => status.state !== "active"),
      ];
      return { manifests: ordered.map((status) => manifestJson(status.manifest)) };
    },
    getPluginStatus: (request) => ({
      status: statusOf(plugins().status(required(request.pluginId, "plugin_id"))),
    }),
    getPluginStatuses: () => ({ statuses: plugins().statuses().map(statusOf) }),
    enablePlugin: async (request) => {
      await plugins().enablePlugin(required(request.pluginId, "plugin_id"));
      return {};
    },
    disablePlugin: async (request) => {
      await plugins().disablePlugin(required(request.pluginId, "plugin_id"));
      return {};
    },
    removePlugin: async (request) => {
      await plugins().removePlugin(required(request.pluginId, "plugin_id"));
      return {};
    },
    installPlugin: async (requests) => {
      const host = plugins();
      const { replace, bundle } = await receiveBundle(requests, host.maxBundleBytes);
      const manifest = await host.installBundle(bundle, actor, { replace });
      return { manifest: manifestJson(manifest) };
    },
    getBundlePath: () => ({ path: plugins().status(pluginId).manifest.dir }),
    pluginHTTP: (request, context) => callPluginHTTP(plugins(), pluginId, request, context),
    getLicense: () => ({}),
    isEnterpriseReady: () => ({ enterpriseReady: false }),
    getSystemInstallDate: async () => ({
      installDate: BigInt(await app.getSystemInstallDate()),
    }),
    getDiagnosticId: async () => ({ diagnosticId: await app.getDiagnosticId() }),
    getTelemetryId: async () => ({ telemetryId: await app.getDiagnosticId() }),
  };
}

function statusOf(status: HostPluginStatus): PluginStatus {
  return create(PluginStatusSchema, {
    pluginId: status.id,
    pluginPath: status.manifest.dir,
    state: mattermostPluginState(status.state),
    error: status.error ?? "",
    name: status.manifest.name,
    description: status.manifest.description,
    version: status.manifest.version,
  });
}

/** The InstallPlugin stream: its head, then the bundle, no larger than the host installs. */
async function receiveBundle(
  requests: AsyncIterable<InstallPluginRequest>,
  maxBytes: number,
): Promise<{ replace: boolean; bundle: Uint8Array }> {
  const frames = requests[Symbol.asyncIterator]();
  const first = await frames.next();
  if (first.done || first.value.frame.case !== "head") {
    throw installError("head", "The first InstallPlugin frame must be the head (replace).");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await frames.next(); !next.done; next = await frames.next()) {
    const { frame } = next.value;
    if (frame.case !== "data") {
      throw installError("data", "Every InstallPlugin frame after the head carries data.");
    }
    if (frame.value.byteLength > MAX_CHUNK_BYTES) {
      throw installError(
        "data",
        `An InstallPlugin data frame has ${frame.value.byteLength} bytes; send chunks of at most ${MAX_CHUNK_BYTES}.`,
      );
    }
    size += frame.value.byteLength;
    if (size > maxBytes) {
      throw new PluginAPIError(
        {
          id: "app.plugin.install.too_large",
          message: `The bundle is larger than ${maxBytes} bytes, the most this host installs.`,
          statusCode: 413,
          params: { field: "data", max_bytes: maxBytes },
        },
        Code.ResourceExhausted,
      );
    }
    chunks.push(frame.value);
  }
  const bundle = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bundle.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { replace: first.value.frame.value.replace, bundle };
}

function installError(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.request.invalid", message, params: { field } });
}

function noPluginManagement(): PluginAPIError {
  return new PluginAPIError(
    {
      id: "app.plugin.management.unavailable",
      message:
        "This Plugin API service runs outside a host, so it has no other plugins to list, manage or call.",
      statusCode: 501,
    },
    Code.Unimplemented,
  );
}
