// Models with believable defaults, so a test names only the fields it is about. Every builder
// returns the model as a plugin sees it (plain: times as numbers), usable as a fixture and as a
// hook argument alike.
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { newId } from "@plugwire/host/internal";
import {
  type Channel,
  type ChannelInit,
  ChannelSchema,
  type CommandArgs,
  CommandArgsSchema,
  type Plain,
  type PlainInit,
  type Post,
  type PostInit,
  PostSchema,
  plain,
  protocolMessage,
  type Team,
  type TeamInit,
  TeamSchema,
  type User,
  type UserInit,
  UserSchema,
} from "@plugwire/sdk";

/** Any subset of CommandArgs' fields. */
export type CommandArgsInit = PlainInit<typeof CommandArgsSchema>;

/** The plain model of `schema` with `init`'s fields. */
function build<Desc extends DescMessage>(
  schema: Desc,
  init: PlainInit<Desc>,
): Plain<MessageShape<Desc>> {
  return plain(schema, protocolMessage(schema, init));
}

/** A person's account: a fresh id, `user-…` username, matching e-mail, role system_user. */
export function makeUser(overrides: UserInit = {}): User {
  const id = overrides.id || newId();
  const username = overrides.username || `user-${id.slice(0, 8)}`;
  return build(UserSchema, {
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
  return build(TeamSchema, { id, name, displayName: name, type: "O", ...overrides });
}

/**
 * A public channel: a fresh id, `channel-…` name, and a random team id unless you give one
 * (as a fixture, give the id of a team you seed too).
 */
export function makeChannel(overrides: ChannelInit = {}): Channel {
  const id = overrides.id || newId();
  const name = overrides.name || `channel-${id.slice(0, 8)}`;
  return build(ChannelSchema, {
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
  return build(PostSchema, {
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
  return build(CommandArgsSchema, {
    command: "/test",
    userId: newId(),
    channelId: newId(),
    teamId: newId(),
    siteUrl: "http://localhost:8065",
    ...overrides,
  });
}
