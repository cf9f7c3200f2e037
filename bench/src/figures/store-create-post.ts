// Create post on PostgreSQL against SQLite, the store alone (no REST, no plugin): the same
// posts into the same kind of channel, timed one at a time, the two stores taking turns in
// rounds so both see the same machine. PostgreSQL is a throwaway server on this machine over a
// unix socket (PLUGWIRE_BENCH_DATABASE_URL names another), fsync off; SQLite is a file in WAL
// mode with synchronous=NORMAL, as `plugwire serve` opens it: neither syncs each commit.
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { openPostgresStore, openSqliteStore } from "@plugwire/host";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@plugwire/host/internal";
import { ChannelSchema, PostSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import { latency, nowUs } from "../stats.js";
import { type Row, times, us } from "../table.js";

const rounds = 6;
const postsPerRound = 500;
const warmup = 200;

type Store = Awaited<ReturnType<typeof openSqliteStore>>;

export async function storeCreatePostCost(_bench: unknown, dir: string): Promise<Row[]> {
  const given = process.env.PLUGWIRE_BENCH_DATABASE_URL;
  const server: ThrowawayPostgres | undefined = given ? undefined : await startThrowawayPostgres();
  try {
    return await compare(
      given ?? server?.url ?? "",
      given ? "PLUGWIRE_BENCH_DATABASE_URL" : "local server, unix socket",
      dir,
    );
  } finally {
    await server?.stop();
  }
}

async function compare(url: string, where: string, dir: string): Promise<Row[]> {
  const postgres = await openPostgresStore({ url });
  const sqlite = await openSqliteStore({ path: join(dir, "store-create-post.db") });
  try {
    const contenders = [
      { store: postgres, post: await poster(postgres), samples: [] as number[] },
      { store: sqlite, post: await poster(sqlite), samples: [] as number[] },
    ];
    for (let round = 0; round < rounds; round++) {
      for (const contender of round % 2 === 0 ? contenders : [...contenders].reverse()) {
        for (let i = 0; i < (round < 2 ? warmup : 0); i++) await contender.post();
        for (let i = 0; i < postsPerRound; i++) contender.samples.push(await contender.post());
      }
    }
    const [onPostgres, onSqlite] = contenders.map((contender) => latency(contender.samples));
    if (onPostgres === undefined || onSqlite === undefined) return [];
    return [
      {
        figure: `create post in the store, PostgreSQL (${where}) vs SQLite file, p50 (n=${onPostgres.samples})`,
        measured: us(onPostgres.p50),
        baseline: `${us(onSqlite.p50)} (SQLite)`,
        ratio: times(onPostgres.p50 / onSqlite.p50),
        target: "report",
        verdict: "report",
      },
      {
        figure: "create post in the store, PostgreSQL vs SQLite, p99",
        measured: us(onPostgres.p99),
        baseline: `${us(onSqlite.p99)} (SQLite)`,
        ratio: times(onPostgres.p99 / onSqlite.p99),
        target: "report",
        verdict: "report",
      },
    ];
  } finally {
    await postgres.close();
    await sqlite.close();
  }
}

/** A user, team and channel in the store, and a function that times one new post there. */
async function poster(store: Store): Promise<() => Promise<number>> {
  const user = await store.createUser(
    create(UserSchema, { username: "poster", email: "poster@example.com" }),
  );
  const team = await store.createTeam(create(TeamSchema, { name: "bench", type: "O" }));
  const channel = await store.createChannel(
    create(ChannelSchema, { teamId: team.id, name: "bench", type: "O", creatorId: user.id }),
  );
  return async () => {
    const start = nowUs();
    await store.createPost(
      create(PostSchema, {
        channelId: channel.id,
        userId: user.id,
        message: "Hello from the bench",
      }),
    );
    return nowUs() - start;
  };
}
