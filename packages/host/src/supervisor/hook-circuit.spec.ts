import { describe, expect, it } from "vitest";
import { HookCircuit } from "./hook-circuit.js";

describe("HookCircuit", () => {
  it("opens for the hook that timed out, counts its skipped calls, and closes", () => {
    const circuit = new HookCircuit();
    expect(circuit.open.size).toBe(0);
    expect(circuit.timedOut("MessageWillBePosted")).toBe(false);
    circuit.skip("MessageWillBePosted");
    circuit.skip("MessageWillBePosted");
    expect(circuit.isOpen("MessageWillBePosted")).toBe(true);
    expect(circuit.isOpen("MessageHasBeenPosted")).toBe(false);
    expect(circuit.close(circuit.generation)).toEqual(new Map([["MessageWillBePosted", 2]]));
    expect(circuit.open.size).toBe(0);
  });

  it("stays open when a hook timed out after the health check began", () => {
    const circuit = new HookCircuit();
    const generation = circuit.generation;
    circuit.timedOut("MessageWillBePosted");
    expect(circuit.close(generation).size).toBe(0);
    expect(circuit.isOpen("MessageWillBePosted")).toBe(true);
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
