// `plugwire serve --demo`, what `npm start` runs: a workspace to try the Hello plugin in (an
// admin, a team, a channel) and the curl commands that try it. The demo admin's credentials are
// fixed and printed, which is acceptable for a local demo and for nothing else; credentials given
// with --admin-* replace them and are never printed.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Channel, ChannelSchema, type Team, TeamSchema, type User } from "@plugwire/protocol";
import type { Host } from "../host.js";
import type { AdminCredentials } from "./serve-options.js";

/** The demo's admin when no --admin-* credentials are given. For local demos only. */
export const DEMO_ADMIN: AdminCredentials = {
  username: "admin",
  password: "plugwire-demo",
  email: "admin@localhost",
};

export const DEMO_TEAM_NAME = "demo";
export const DEMO_CHANNEL_NAME = "town-square";
export const HELLO_PLUGIN_ID = "com.plugwire.hello";

export interface DemoWorkspace {
  admin: User;
  team: Team;
  channel: Channel;
}

/**
 * The demo team and channel, created (with `admin` as a member of both) when missing; undefined
 * when the admin does not exist, i.e. the data folder was set up by something else.
 */
export async function ensureDemoWorkspace(
  host: Host,
  adminUsername: string,
): Promise<DemoWorkspace | undefined> {
  const admin = await host.app.getUserByUsername(adminUsername).catch(ifNotFound(undefined));
  if (admin === undefined) return undefined;
  const actor = { userId: admin.id };
  let team = await host.app.getTeamByName(DEMO_TEAM_NAME).catch(ifNotFound(undefined));
  if (team === undefined) {
    team = await host.app.createTeam(
      actor,
      create(TeamSchema, {
        name: DEMO_TEAM_NAME,
        displayName: "Demo",
        type: "O",
        email: admin.email,
      }),
    );
    await host.app.addTeamMember(actor, team.id, admin.id);
  }
  let channel = await host.app
    .getChannelByName(team.id, DEMO_CHANNEL_NAME, false)
    .catch(ifNotFound(undefined));
  if (channel === undefined) {
    channel = await host.app.createChannel(
      actor,
      create(ChannelSchema, {
        teamId: team.id,
        name: DEMO_CHANNEL_NAME,
        displayName: "Town Square",
        type: "O",
        creatorId: admin.id,
      }),
    );
    await host.app.addChannelMember(actor, channel.id, admin.id);
  }
  return { admin, team, channel };
}

export interface DemoInstructionsInit {
  siteUrl: string;
  username: string;
  /** Printed only for the fixed demo credentials; undefined prints a placeholder. */
  demoPassword: string | undefined;
  channelId: string;
}

/** The lines that show how to log in and try the Hello plugin with curl. */
export function demoInstructions(init: DemoInstructionsInit): string[] {
  const { siteUrl, username, channelId } = init;
  const password = init.demoPassword ?? "<your admin password>";
  const login = JSON.stringify({ login_id: username, password });
  const json = "-H 'Content-Type: application/json'";
  const bearer = `-H "Authorization: Bearer $TOKEN"`;
  return [
    init.demoPassword === undefined
      ? `Log in as ${username} with the password you gave.`
      : `Demo credentials (for this local demo only): ${username} / ${init.demoPassword}`,
    `Admin console (plugins, settings, logs, activity): ${siteUrl}/console`,
    "",
    "Try it:",
    "",
    "  # Log in; the session token comes back in the Token header.",
    `  TOKEN=$(curl -s -D - -o /dev/null ${json} -d '${login}' \\`,
    `    ${siteUrl}/api/v4/users/login | awk 'tolower($1) == "token:" { print $2 }' | tr -d '\\r')`,
    "",
    '  # A post containing "badword" is rejected by the Hello plugin (400, with its reason).',
    `  curl -s ${bearer} ${json} \\`,
    `    -d '{"channel_id":"${channelId}","message":"this has a badword in it"}' ${siteUrl}/api/v4/posts`,
    "",
    "  # /hello is answered by the Hello plugin.",
    `  curl -s ${bearer} ${json} \\`,
    `    -d '{"channel_id":"${channelId}","command":"/hello"}' ${siteUrl}/api/v4/commands/execute`,
    "",
    "  # The Hello plugin's own HTTP endpoint, told who you are by the host.",
    `  curl -s ${bearer} ${siteUrl}/plugins/${HELLO_PLUGIN_ID}/api/hello`,
  ];
}

function ifNotFound<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof NotFoundError) return fallback;
    throw error;
  };
}
