// What a plugin costs the posting pipeline: POST /api/v4/posts over REST with the bench plugin
// active (it implements MessageWillBePosted, which the post waits for, and
// MessageHasBeenPosted, which follows it) against the same with the plugin disabled: latency,
// and the CPU time per post of this process (host and client) and of the plugin.
import { create } from "@bufbuild/protobuf";
import { startRestServer } from "@plugwire/host";
import { ChannelSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import { type BenchHost, benchPluginId } from "../bench-host.js";
import { cpuTimeOf, ownCpuTime } from "../cpu-time.js";
import { restCall } from "../rest-client.js";
import { latency, nowUs } from "../stats.js";
import { type Row, us } from "../table.js";

const rounds = 6;
const postsPerRound = 300;
const warmup = 200;

export async function createPostCost(bench: BenchHost): Promise<Row[]> {
  const { host } = bench;
  const server = await startRestServer(host, { port: 0 });
  try {
    const password = "bench password";
    const user = await host.app.createUser(
      {},
      create(UserSchema, { username: "poster", email: "poster@example.com" }),
      password,
    );
    const team = await host.store.createTeam(
      create(TeamSchema, { name: "bench", displayName: "Bench", type: "O" }),
    );
    await host.app.addTeamMember({}, team.id, user.id);
    const channel = await host.app.createChannel(
      { userId: user.id },
      create(ChannelSchema, {
        teamId: team.id,
        name: "bench",
        displayName: "Bench",
        type: "O",
        creatorId: user.id,
      }),
    );
    await host.app.addChannelMember({ userId: user.id }, channel.id, user.id);
    const login = await restCall(`${server.url}/api/v4/users/login`, "POST", {
      login_id: "poster",
      password,
    });
    const token = login.headers.token;
    if (login.status !== 200 || typeof token !== "string") {
      throw new Error(`login answered ${login.status}: ${login.body}`);
    }
    const post = async () => {
      const start = nowUs();
      const answer = await restCall(
        `${server.url}/api/v4/posts`,
        "POST",
        { channel_id: channel.id, message: "Hello from the bench" },
        token,
      );
      if (answer.status !== 201) {
        throw new Error(`POST /api/v4/posts answered ${answer.status}: ${answer.body}`);
      }
      return nowUs() - start;
    };

    const withPlugin: number[] = [];
    const without: number[] = [];
    /** CPU time in µs of the timed posts: this process's with and without, the plugin's. */
    const cpu = { withPlugin: 0, without: 0, plugin: 0 };
    for (let round = 0; round < rounds; round++) {
      const active = round % 2 === 0;
      if (active) {
        await host.enablePlugin(benchPluginId);
      } else {
        await host.disablePlugin(benchPluginId);
      }
      for (let i = 0; i < (round < 2 ? warmup : 0); i++) {
        await post();
      }
      await host.app.settled();
      const pluginPid = active ? bench.pluginPid() : undefined;
      const pluginBefore = pluginPid === undefined ? 0 : cpuTimeOf(pluginPid);
      const before = ownCpuTime();
      for (let i = 0; i < postsPerRound; i++) {
        (active ? withPlugin : without).push(await post());
      }
      // The MessageHasBeenPosted call still running belongs to these posts.
      await host.app.settled();
      cpu[active ? "withPlugin" : "without"] += ownCpuTime() - before;
      if (pluginPid !== undefined) cpu.plugin += cpuTimeOf(pluginPid) - pluginBefore;
    }
    await host.enablePlugin(benchPluginId);
    const subject = latency(withPlugin);
    const baseline = latency(without);
    const addedMs = (subject.p50 - baseline.p50) / 1000;
    const hostCpu = cpu.withPlugin / withPlugin.length;
    const hostCpuWithout = cpu.without / without.length;
    return [
      {
        figure: `create post over REST, plugin with WillBePosted + HasBeenPosted, p50 (n=${subject.samples})`,
        measured: us(subject.p50),
        baseline: `${us(baseline.p50)} (no plugin)`,
        ratio: `+${addedMs.toFixed(2)} ms`,
        target: "≤ +1 ms",
        verdict: addedMs <= 1 ? "met" : "NOT MET",
      },
      {
        figure: "create post over REST, p99 (report)",
        measured: us(subject.p99),
        baseline: `${us(baseline.p99)} (no plugin)`,
        ratio: `+${((subject.p99 - baseline.p99) / 1000).toFixed(2)} ms`,
        target: "report",
        verdict: "report",
      },
      {
        figure:
          "create post over REST, plugin: CPU per post of the host process (with its REST client)",
        measured: us(hostCpu),
        baseline: `${us(hostCpuWithout)} (no plugin)`,
        ratio: `+${((hostCpu - hostCpuWithout) / 1000).toFixed(2)} ms`,
        target: "report",
        verdict: "report",
      },
      {
        figure: "create post over REST, plugin: CPU per post of the plugin (10 ms ticks)",
        measured: us(cpu.plugin / withPlugin.length),
        baseline: "—",
        ratio: "—",
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    await server.close();
  }
}
