// The data a test starts from. Seeding writes straight to the store, as a database restored
// from a backup would hold it: no hook fires for a fixture.
import type { JsonValue } from "@bufbuild/protobuf";
import type { Store } from "@plugwire/host";
import {
  type ChannelInit,
  ChannelSchema,
  type CommandInit,
  CommandSchema,
  type PostInit,
  PostSchema,
  protocolMessage,
  type TeamInit,
  TeamSchema,
  type UserInit,
  UserSchema,
} from "@plugwire/sdk";
import { makeChannel, makePost, makeTeam, makeUser } from "../builders.js";

/**
 * What the fake backend holds before the test starts. Users, teams, channels and posts get
 * the defaults of makeUser, makeTeam, makeChannel and makePost for the fields left out; give
 * ids (or build them with those helpers first) to refer to them from the test.
 */
export interface Fixtures {
  users?: UserInit[];
  teams?: TeamInit[];
  /** Public and private channels need the id of a team among `teams`. */
  channels?: ChannelInit[];
  /** Each post needs the id of a channel among `channels`. */
  posts?: PostInit[];
  teamMembers?: { teamId: string; userId: string }[];
  channelMembers?: { channelId: string; userId: string }[];
  /** Slash commands the plugin under test has registered. */
  commands?: CommandInit[];
  /**
   * The plugin's KV store: a Uint8Array is stored as it is, any other value as UTF-8 JSON (what
   * `kvSetJSON` writes and `kvGetJSON` reads).
   */
  kv?: Record<string, Uint8Array | JsonValue>;
}

const encoder = new TextEncoder();

/** Writes `fixtures` into `store`, the KV entries and commands as `pluginId`'s. */
export async function seedFixtures(
  store: Store,
  pluginId: string,
  fixtures: Fixtures,
): Promise<void> {
  for (const user of fixtures.users ?? []) {
    await store.createUser(protocolMessage(UserSchema, makeUser(user)));
  }
  for (const team of fixtures.teams ?? []) {
    await store.createTeam(protocolMessage(TeamSchema, makeTeam(team)));
  }
  for (const { teamId, userId } of fixtures.teamMembers ?? []) {
    await store.addTeamMember(teamId, userId);
  }
  for (const channel of fixtures.channels ?? []) {
    await store.createChannel(protocolMessage(ChannelSchema, makeChannel(channel)));
  }
  for (const { channelId, userId } of fixtures.channelMembers ?? []) {
    await store.addChannelMember(channelId, userId);
  }
  for (const post of fixtures.posts ?? []) {
    await store.createPost(protocolMessage(PostSchema, makePost(post)));
  }
  for (const command of fixtures.commands ?? []) {
    await store.registerCommand(pluginId, protocolMessage(CommandSchema, command));
  }
  for (const [key, value] of Object.entries(fixtures.kv ?? {})) {
    const bytes = value instanceof Uint8Array ? value : encoder.encode(JSON.stringify(value));
    await store.kvSet(pluginId, key, bytes);
  }
}
