import { createClient, createRouterTransport } from "@connectrpc/connect";
import { GRPCStdio, Health } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { InFlightCalls } from "./in-flight-calls.js";

describe("InFlightCalls", () => {
  it("counts a unary call until it returns and a stream until it ends", async () => {
    const calls = new InFlightCalls();
    let answer: () => void = () => {};
    let endStream: () => void = () => {};
    const transport = createRouterTransport((router) => {
      const counted = calls.router(router);
      counted.service(Health, {
        async check() {
          await new Promise<void>((resolve) => {
            answer = resolve;
          });
          return {};
        },
      });
      counted.service(GRPCStdio, {
        async *streamStdio() {
          await new Promise<void>((resolve) => {
            endStream = resolve;
          });
        },
      });
    });
    expect(calls.count).toBe(0);
    await calls.whenIdle();

    const check = createClient(Health, transport).check({});
    const stream = (async () => {
      for await (const _ of createClient(GRPCStdio, transport).streamStdio({})) {
        // Nothing is sent.
      }
    })();
    await expect.poll(() => calls.count).toBe(2);
    let idle = false;
    const whenIdle = calls.whenIdle().then(() => {
      idle = true;
    });
    answer();
    await check;
    expect(calls.count).toBe(1);
    expect(idle).toBe(false);
    endStream();
    await stream;
    await whenIdle;
    expect(calls.count).toBe(0);
  });
});
