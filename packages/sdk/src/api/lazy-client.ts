// A client made on its first call: until then a stand-in, whose every method waits for `load`
// and makes the same call on the client it answers. The PluginAPI client is one: building the
// descriptors of api.proto and of the files it imports (@plugwire/protocol/plugin-api) is most
// of what loading the protocol costs a plugin, and one that makes no API call never pays it. A unary or client-streaming call answers a promise and a server-streaming call
// something to `for await` over; the stand-in cannot tell them apart before the service is
// loaded, so what it answers is both.
export function lazyClient<C extends object>(load: () => Promise<C>): C {
  let loaded: Promise<C> | undefined;
  const loadOnce = () => {
    loaded ??= load().catch((reason: unknown) => {
      // The next call tries again rather than failing for the rest of the process.
      loaded = undefined;
      throw reason;
    });
    return loaded;
  };
  return new Proxy({} as C, {
    get(_target, name) {
      // Not a thenable: `await` and Promise.resolve take the stand-in as it is.
      if (typeof name !== "string" || name === "then") return undefined;
      return (...args: unknown[]) => {
        const answer = loadOnce().then((client) =>
          (client as Record<string, (...args: unknown[]) => unknown>)[name]?.(...args),
        );
        return Object.assign(answer, {
          async *[Symbol.asyncIterator]() {
            yield* (await answer) as AsyncIterable<unknown>;
          },
        });
      };
    },
  });
}
