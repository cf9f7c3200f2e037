// The official client logs in, reads its own account and opens the websocket.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import { PASSWORD, RestFixture } from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
beforeAll(async () => {
  f = await RestFixture.start();
});
afterAll(async () => {
  await f?.close();
});

it("logs in with Client4, reads /users/me and receives hello on its websocket", async () => {
  await f.newAccount("client4user");
  const client = newClient4(f.url);
  const profile = await client.login("client4user", PASSWORD);
  expect(profile.username).toBe("client4user");
  expect(client.getToken()).toMatch(/^[a-z0-9]{26}$/);
  const me = await client.getMe();
  expect(me.id).toBe(profile.id);
  const socket = await ClientSocket.connect(f.url, client.getToken());
  expect(socket.events[0]?.event).toBe("hello");
  socket.close();
});
