import { describe, expect, it } from "vitest";
import { HookCircuit } from "./hook-circuit.js";

describe("HookCircuit", () => {
  it("opens on a timeout, counts skipped calls, and closes", () => {
    const circuit = new HookCircuit();
    expect(circuit.open).toBeUndefined();
    expect(circuit.timedOut("MessageWillBePosted")).toBe(false);
    circuit.skip();
    circuit.skip();
    expect(circuit.open).toEqual({ hook: "MessageWillBePosted", skipped: 2 });
    circuit.close();
    expect(circuit.open).toBeUndefined();
  });

  it("asks for a restart at the maximum of timeouts within the window, not over longer", () => {
    let now = 0;
    const circuit = new HookCircuit({ maxTimeouts: 3, windowMs: 1_000 }, () => now);
    expect(circuit.timedOut("A")).toBe(false);
    now = 600;
    expect(circuit.timedOut("B")).toBe(false);
    now = 1_100;
    // The first has left the window.
    expect(circuit.timedOut("C")).toBe(false);
    now = 1_200;
    expect(circuit.timedOut("D")).toBe(true);
  });
});
