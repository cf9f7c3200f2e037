// The services go-plugin expects of every plugin beside its own: health, shutdown, and stdio.
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import {
  CheckResponse_ServingStatus,
  GRPCController,
  GRPCStdio,
  HEALTH_SERVICE_NAME,
  Health,
} from "@plugwire/protocol";
import type { StdioRelay } from "./stdio-relay.js";

export interface GoPluginServicesOptions {
  /** Applied to every call, e.g. the bearer token check. */
  interceptors: Interceptor[];
  /** Whose writes StreamStdio sends. */
  stdio: StdioRelay;
  /** Called once Shutdown has been answered. */
  onShutdown: () => void;
}

/** Registers grpc.health.v1.Health, plugin.GRPCController and plugin.GRPCStdio. */
export function goPluginRoutes(router: ConnectRouter, options: GoPluginServicesOptions): void {
  const { interceptors, stdio, onShutdown } = options;
  router.service(
    Health,
    {
      check(request) {
        // "" asks about the server as a whole; both are serving as soon as anyone can ask.
        if (request.service !== "" && request.service !== HEALTH_SERVICE_NAME) {
          throw new ConnectError(
            `unknown service ${JSON.stringify(request.service)}`,
            Code.NotFound,
          );
        }
        return { status: CheckResponse_ServingStatus.SERVING };
      },
    },
    { interceptors },
  );
  router.service(
    GRPCController,
    {
      shutdown() {
        // After this answer has left: shutting down closes the connection it travels on.
        setImmediate(onShutdown);
        return {};
      },
    },
    { interceptors },
  );
  router.service(
    GRPCStdio,
    { streamStdio: (_request, context) => stdio.subscribe(context.signal) },
    { interceptors },
  );
}
