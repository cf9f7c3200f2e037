// Posting over REST for the create-post figures: a user with a session, a team and a channel
// on a host, and a function that posts one message as them and answers how long it took.
import { create } from "@bufbuild/protobuf";
import { createHost, type Host, MemoryFileStore, startRestServer } from "@plugwire/host";
import { ChannelSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import type { PingPongGroup } from "./post-floor.js";
import { restCall } from "./rest-client.js";
import { nowUs } from "./stats.js";

/** A user with a session, a team and a channel; what it answers posts one message over REST. */
export async function poster(
  host: Host,
  url: string,
): Promise<(around?: PingPongGroup) => Promise<number>> {
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
  const login = await restCall(`${url}/api/v4/users/login`, "POST", {
    login_id: "poster",
    password,
  });
  const token = login.headers.token;
  if (login.status !== 200 || typeof token !== "string") {
    throw new Error(`login answered ${login.status}: ${login.body}`);
  }
  /** `around`: round trips in the hooks' places, one after another before, all at once during. */
  return async (around?: PingPongGroup) => {
    const start = nowUs();
    await around?.inOrder();
    const answering = restCall(
      `${url}/api/v4/posts`,
      "POST",
      { channel_id: channel.id, message: "Hello from the bench" },
      token,
    );
    around?.fanOut();
    const answer = await answering;
    if (answer.status !== 201) {
      throw new Error(`POST /api/v4/posts answered ${answer.status}: ${answer.body}`);
    }
    return nowUs() - start;
  };
}

/** A host of its own without plugins, with its REST server: the baseline of the create-post figures. */
export async function hostWithoutPlugins(
  dataDir: string,
): Promise<{ host: Host; url: string; close(): Promise<void> }> {
  const host = await createHost({
    dataDir,
    files: new MemoryFileStore(),
    log: () => {},
    healthCheckIntervalMs: 3_600_000,
  });
  const server = await startRestServer(host, { port: 0 });
  return {
    host,
    url: server.url,
    close: async () => {
      await server.close();
      await host.close();
    },
  };
}
