import { describe, expect, it } from "vitest";
import { lazyClient } from "./lazy-client.js";

interface Client {
  unary(value: number): Promise<number>;
  serverStream(count: number): AsyncIterable<number>;
  clientStream(values: AsyncIterable<number>): Promise<number>;
}

/** A client whose load is counted, answering as the real one would. */
function counted() {
  const loads: string[] = [];
  const real: Client = {
    unary: async (value) => value * 2,
    async *serverStream(count) {
      for (let i = 0; i < count; i++) yield i;
    },
    async clientStream(values) {
      let sum = 0;
      for await (const value of values) sum += value;
      return sum;
    },
  };
  const client = lazyClient(async () => {
    loads.push("load");
    return real;
  });
  return { client, loads };
}

async function* numbers(...values: number[]) {
  yield* values;
}

describe("lazyClient", () => {
  it("loads nothing until the first call", () => {
    const { loads } = counted();
    expect(loads).toEqual([]);
  });

  it("answers a unary call on first use, and loads once for calls made together", async () => {
    const { client, loads } = counted();
    await expect(Promise.all([client.unary(2), client.unary(3)])).resolves.toEqual([4, 6]);
    await expect(client.unary(4)).resolves.toBe(8);
    expect(loads).toEqual(["load"]);
  });

  it("streams a server-streaming call's answers on first use", async () => {
    const { client } = counted();
    const answers: number[] = [];
    for await (const answer of client.serverStream(3)) answers.push(answer);
    expect(answers).toEqual([0, 1, 2]);
  });

  it("sends a client-streaming call's requests on first use", async () => {
    const { client } = counted();
    await expect(client.clientStream(numbers(1, 2, 3))).resolves.toBe(6);
  });

  it("rejects the call with the load's error, and tries the load again on the next call", async () => {
    let attempts = 0;
    const client = lazyClient<Client>(async () => {
      attempts++;
      if (attempts === 1) throw new Error("the service could not be loaded");
      return { unary: async (value) => value } as Client;
    });
    await expect(client.unary(1)).rejects.toThrow("the service could not be loaded");
    await expect(client.unary(1)).resolves.toBe(1);
  });

  it("is not taken for a promise", async () => {
    const { client, loads } = counted();
    await expect(Promise.resolve(client)).resolves.toBe(client);
    expect(loads).toEqual([]);
  });
});
