// Models with believable defaults, so a test names only the fields it is about. Every builder
// returns the protocol's own message, usable as a fixture and as a hook argument alike.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { newId } from "@plugwire/host/internal";
import {
  type Channel,
  ChannelSchema,
  type CommandArgs,
  CommandArgsSchema,
  type Post,
  PostSchema,
  type Team,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import type { ChannelInit, PostInit, TeamInit, UserInit } from "@plugwire/sdk";

/** Any subset of CommandArgs' fields. */
export type CommandArgsInit = MessageInitShape<typeof CommandArgsSchema>;

/** A person's account: a fresh id, `user-…` username, matching e-mail, role system_user. */
export function makeUser(overrides: UserInit = {}): User {
  const id = overrides.id || newId();
  const username = overrides.username || `user-${id.slice(0, 8)}`;
  return create(UserSchema, {
    id,
    username,
    email: `${username}@example.com`,
    roles: "system_user",
    locale: "en",
    ...overrides,
  });
}

/** An open team: a fresh id, `team-…` name. */
export function makeTeam(overrides: TeamInit = {}): Team {
  const id = overrides.id || newId();
  const name = overrides.name || `team-${id.slice(0, 8)}`;
  return create(TeamSchema, { id, name, displayName: name, type: "O", ...overrides });
}

/**
 * A public channel: a fresh id, `channel-…` name, and a random team id unless you give one
 * (as a fixture, give the id of a team you seed too).
 */
export function makeChannel(overrides: ChannelInit = {}): Channel {
  const id = overrides.id || newId();
  const name = overrides.name || `channel-${id.slice(0, 8)}`;
  return create(ChannelSchema, {
    id,
    teamId: newId(),
    name,
    displayName: name,
    type: "O",
    ...overrides,
  });
}

/** A post saying "Hello": a fresh id, and random channel and author ids unless you give them. */
export function makePost(overrides: PostInit = {}): Post {
  return create(PostSchema, {
    id: newId(),
    channelId: newId(),
    userId: newId(),
    message: "Hello",
    ...overrides,
  });
}

/**
 * A slash command invocation: `/test` by a random user in a random channel and team unless
 * you say otherwise, e.g. `makeCommandArgs({ command: "/weather Berlin" })`.
 */
export function makeCommandArgs(overrides: CommandArgsInit = {}): CommandArgs {
  return create(CommandArgsSchema, {
    command: "/test",
    userId: newId(),
    channelId: newId(),
    teamId: newId(),
    siteUrl: "http://localhost:8065",
    ...overrides,
  });
}
