// The calls a plugin is still answering. A stopping plugin waits for these, and only these: an
// idle connection, or the call channel with no call on it, is no reason to stay.
import type { ConnectRouter } from "@connectrpc/connect";

type Method = (...args: unknown[]) => unknown;

/** Counts the method invocations in progress of the services registered through `router()`. */
export class InFlightCalls {
  #count = 0;
  #idle: (() => void)[] = [];

  /** How many method invocations are running (a stream counts until it ends). */
  get count(): number {
    return this.#count;
  }

  /** Resolves once no call is running: at once when none is. */
  whenIdle(): Promise<void> {
    if (this.#count === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** A router that registers on `router` with every method counted while it runs. */
  router(router: ConnectRouter): ConnectRouter {
    const counting: ConnectRouter = {
      // Read when asked for: a server may make its handlers only then (grpc-server.ts).
      get handlers() {
        return router.handlers;
      },
      service: (service, implementation, options) => {
        const counted: Record<string, unknown> = { ...implementation };
        for (const method of service.methods) {
          const impl = (implementation as Record<string, Method | undefined>)[method.localName];
          if (typeof impl !== "function") {
            continue;
          }
          counted[method.localName] =
            method.methodKind === "unary" || method.methodKind === "client_streaming"
              ? this.#countedCall(impl, implementation)
              : this.#countedStream(impl, implementation);
        }
        router.service(service, counted as typeof implementation, options);
        return counting;
      },
      rpc: (method, implementation, options) => {
        router.rpc(method, implementation, options);
        return counting;
      },
    };
    return counting;
  }

  #countedCall(impl: Method, self: unknown): Method {
    const calls = this;
    const done = (value: unknown) => {
      calls.#leave();
      return value;
    };
    const failed = (reason: unknown) => {
      calls.#leave();
      throw reason;
    };
    // Not an async function: the method's own promise is followed with one `then`, rather
    // than awaited in a wrapper that adds turns of the microtask queue to every call (or
    // followed with `finally`, which adds two and a promise of its own).
    return function counted(...args: unknown[]) {
      calls.#enter();
      let output: unknown;
      try {
        output = impl.apply(self, args);
      } catch (reason) {
        calls.#leave();
        return Promise.reject(reason);
      }
      return Promise.resolve(output).then(done, failed);
    };
  }

  #countedStream(impl: Method, self: unknown): Method {
    const calls = this;
    return async function* counted(...args: unknown[]) {
      calls.#enter();
      try {
        yield* impl.apply(self, args) as AsyncIterable<unknown>;
      } finally {
        calls.#leave();
      }
    };
  }

  #enter(): void {
    this.#count++;
  }

  #leave(): void {
    this.#count--;
    if (this.#count === 0) {
      for (const resolve of this.#idle.splice(0)) {
        resolve();
      }
    }
  }
}
