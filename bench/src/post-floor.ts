// The physical floor of a post's plugin hooks (issue 19): the same pattern as ten plugins'
// MessageWillBePosted and MessageHasBeenPosted, with 64-byte ping-pongs to ten idle processes
// in their places and no Plugwire code at all. Before the post, one round trip to each process
// after the other (the ordered Will-be chain); while the post runs, one to all ten at once (the
// Has-been fan-out, not waited for: the next post's round trip to a process waits for that
// process's last answer, as a plugin answers its calls in order). What a post costs more than
// with no plugin in this pattern is the machine's: process wakeups and the socket round trips.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { firstLine } from "./child.js";
import { PingPongClient } from "./ping-pong.js";

/**
 * The CPU time process `pid` has used so far, in µs, exact: the scheduler's count of each of its
 * threads (/proc/<pid>/task/<tid>/schedstat; the process's own schedstat is its main thread's),
 * so that V8's compiler and garbage-collector threads count too. Threads that ended are missing.
 */
export function exactCpuTimeOf(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return total / 1000;
}

/** Ten (or `count`) ping-pong processes standing in for the plugins of a post. */
export class PingPongGroup {
  /** Each process's last round trip of a fan-out, which its next one waits for. */
  private readonly pending: Promise<void>[];

  private constructor(
    private readonly children: readonly ChildProcess[],
    private readonly clients: readonly PingPongClient[],
  ) {
    this.pending = clients.map(() => Promise.resolve());
  }

  /** Starts `count` ping-pong server processes with sockets in `dir`, and connects to each. */
  static async start(dir: string, count: number): Promise<PingPongGroup> {
    const script = fileURLToPath(new URL("./ping-pong-server.js", import.meta.url));
    const children: ChildProcess[] = [];
    const clients: PingPongClient[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const socketPath = join(dir, `floor-${i}.sock`);
        const child = spawn(process.execPath, [script, socketPath], {
          stdio: ["pipe", "pipe", "inherit"],
        });
        children.push(child);
        if ((await firstLine(child)) !== "ready") {
          throw new Error("a ping-pong server did not start");
        }
        clients.push(await PingPongClient.connect(socketPath));
      }
    } catch (error) {
      await new PingPongGroup(children, clients).stop();
      throw error;
    }
    return new PingPongGroup(children, clients);
  }

  /** The processes' ids, for their CPU time. */
  get pids(): number[] {
    return this.children.map((child) => child.pid ?? 0).filter((pid) => pid > 0);
  }

  /** One round trip to each process, one after the other. */
  async inOrder(): Promise<void> {
    for (const [i, client] of this.clients.entries()) {
      await this.pending[i];
      await client.roundTrip();
    }
  }

  /** `count` round trips to each process, the processes in parallel: warms their JIT. */
  async warm(count: number): Promise<void> {
    await this.settled();
    await Promise.all(
      this.clients.map(async (client) => {
        for (let i = 0; i < count; i++) await client.roundTrip();
      }),
    );
  }

  /** A round trip to every process at once, not waited for (settled() does). */
  fanOut(): void {
    for (const [i, client] of this.clients.entries()) {
      this.pending[i] = (this.pending[i] as Promise<void>).then(() => client.roundTrip());
    }
  }

  /** Resolves once every fan-out round trip has come back. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.close();
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = once(child, "exit");
        child.stdin?.end();
        await exited;
      }),
    );
  }
}
