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

  it("fails each call at its own deadline behind one timer, earlier deadlines added later included", async () => {
    const failed: string[] = [];
    const started = performance.now();
    const at: Record<string, number> = {};
    const call = (name: string, deadline: number) =>
      new CallLimits(undefined, deadline, (error) => {
        failed.push(`${name} ${Code[error.code]}`);
        at[name] = performance.now() - started;
      });
    call("late", 80);
    const released = call("released", 20);
    call("early", 10);
    call("middle", 40);
    released.release();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(failed).toEqual([
      "early DeadlineExceeded",
      "middle DeadlineExceeded",
      "late DeadlineExceeded",
    ]);
    expect(at.early).toBeGreaterThanOrEqual(10);
    expect(at.middle).toBeGreaterThanOrEqual(40);
    expect(at.late).toBeGreaterThanOrEqual(80);
  });
});
