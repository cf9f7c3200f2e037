// What every contract suite shares: a vitest `it` whose tests get a new, empty store and the
// clock it reads, plus small builders and assertions. Only the Store interface is used here.
import { create, type DescMessage, equals, type MessageShape } from "@bufbuild/protobuf";
import {
  type Channel,
  ChannelSchema,
  type Post,
  PostSchema,
  type Team,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import { expect, test } from "vitest";
import type { Store } from "../store.js";

/** Opens a new, empty store whose clock (ms since the epoch) is `now`. */
export type OpenStore = (now: () => number) => Promise<Store>;

/** The time every test starts at. */
export const START = 1_700_000_000_000;

/** The clock of a store under test: tests set or advance `time`. */
export class TestClock {
  time = START;
  readonly now = (): number => this.time;
}

/** `it` with two fixtures: `clock`, at START, and `store`, opened on it and closed after. */
export function storeTest(open: OpenStore) {
  return test.extend<{ clock: TestClock; store: Store }>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern.
    clock: async ({}, use) => {
      await use(new TestClock());
    },
    store: async ({ clock }, use) => {
      const store = await open(clock.now);
      await use(store);
      await store.close();
    },
  });
}

export const page = (perPage = 60, pageNumber = 0) => ({ page: pageNumber, perPage });
export const bytes = (...values: number[]) => new Uint8Array(values);

type Init<T> = Omit<Partial<T>, "$typeName">;

export const newUser = (store: Store, username: string, init: Init<User> = {}) =>
  store.createUser(create(UserSchema, { username, email: `${username}@example.com`, ...init }));
export const newTeam = (store: Store, name: string) =>
  store.createTeam(create(TeamSchema, { name, type: "O" }));
export const newChannel = (store: Store, team: Team, name: string, init: Init<Channel> = {}) =>
  store.createChannel(create(ChannelSchema, { teamId: team.id, name, type: "O", ...init }));
export const newPost = (store: Store, channel: Channel, user: User, init: Init<Post> = {}) =>
  store.createPost(
    create(PostSchema, { channelId: channel.id, userId: user.id, message: "hi", ...init }),
  );

export function expectEqualMessages<Desc extends DescMessage>(
  schema: Desc,
  actual: MessageShape<Desc> | undefined,
  expected: MessageShape<Desc>,
): void {
  expect(actual).toBeDefined();
  // toEqual first for a readable diff, then protobuf equality as the real criterion.
  expect(actual).toEqual(expected);
  expect(equals(schema, actual as MessageShape<Desc>, expected)).toBe(true);
}
