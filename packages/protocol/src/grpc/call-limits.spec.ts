import { getEventListeners } from "node:events";
import { Code, type ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { CallLimits } from "./call-limits.js";

describe("CallLimits", () => {
  it("listens once on a signal many calls share, and fails every call still waiting when it aborts", () => {
    const controller = new AbortController();
    const failed: string[] = [];
    const calls = ["a", "b", "c"].map(
      (name) =>
        new CallLimits(controller.signal, undefined, (error: ConnectError) => {
          failed.push(`${name}: ${Code[error.code]} ${error.rawMessage}`);
        }),
    );
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    calls[1]?.release();
    controller.abort(new Error("the client closed the connection"));
    expect(failed).toEqual([
      "a: Canceled the client closed the connection",
      "c: Canceled the client closed the connection",
    ]);
  });

  it("leaves nothing behind on a long-lived signal once calls are released", () => {
    const controller = new AbortController();
    const failed: unknown[] = [];
    for (let i = 0; i < 1000; i++) {
      new CallLimits(controller.signal, undefined, (error) => failed.push(error)).release();
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    expect(failed).toEqual([]);
    // A call made after the abort watches again (its caller checks `aborted` first).
    const later = new CallLimits(controller.signal, undefined, (error) => failed.push(error));
    later.release();
    expect(failed).toEqual([]);
  });

  it("fails a call past its deadline with DeadlineExceeded, and not once released", async () => {
    const failed: string[] = [];
    new CallLimits(undefined, 5, (error) => failed.push(Code[error.code]));
    new CallLimits(undefined, 5, (error) => failed.push(`released ${Code[error.code]}`)).release();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(failed).toEqual(["DeadlineExceeded"]);
  });
});
