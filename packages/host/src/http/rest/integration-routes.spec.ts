// Slash command autocomplete, interactive buttons and menus, and dialogs, end to end: a real
// host with the integrations plugin (test-fixtures/integrations) as a real process, the REST
// server over HTTP and the websocket, as a Mattermost client drives them.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";
import { WebSocketClient } from "../../../test-fixtures/rest/websocket-client.js";

// biome-ignore lint/suspicious/noExplicitAny: the specs assert on each answer's JSON shape themselves
type Json = Record<string, any>;

const PLUGIN_ID = "test.integrations";
const pluginDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../test-fixtures/integrations",
);

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let outsider: RestUser;
let teamId: string;
let teamName: string;
let channelId: string;

beforeAll(async () => {
  f = await RestFixture.start();
  await f.host.loadPlugin(pluginDir);
  await f.host.enablePlugin(PLUGIN_ID);
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  const admin = { id: f.adminId, token: f.adminToken };
  const team = await f.newTeam(alice, [bob, outsider, admin]);
  teamId = team.id;
  teamName = team.name;
  channelId = (await f.newChannel(team, alice, { name: "desk", displayName: "Desk" }, [bob])).id;
});
afterAll(async () => {
  await f?.close();
});

/** What the plugin kept of the last request its route got. */
async function last(route: string): Promise<Json> {
  const value = await f.host.app.kvGet(PLUGIN_ID, `last:${route}`);
  if (value === undefined) throw new Error(`the plugin's ${route} route got no request`);
  return JSON.parse(new TextDecoder().decode(value));
}

const suggestions = (user: RestUser, input: string) =>
  f.call(
    "GET",
    `/api/v4/teams/${teamId}/commands/autocomplete_suggestions?user_input=${encodeURIComponent(input)}&channel_id=${channelId}`,
    { token: user.token },
  );

const run = (user: RestUser, command: string) =>
  f.call("POST", "/api/v4/commands/execute", {
    token: user.token,
    json: { channel_id: channelId, command },
  });

/** Runs "/ticket create <title>" as alice and answers the post it made. */
async function newTicket(title: string): Promise<Json> {
  expect((await run(alice, `/ticket create ${title}`)).status).toBe(200);
  const { body } = await f.call("GET", `/api/v4/channels/${channelId}/posts`, {
    token: bob.token,
  });
  const post = body.order
    .map((id: string) => body.posts[id])
    .find((p: Json) => p.message === `Ticket: ${title}`);
  expect(post).toBeDefined();
  return post;
}

describe("slash command autocomplete from the plugin's tree", () => {
  it("suggests the command, with its description and icon", async () => {
    const { status, body } = await suggestions(alice, "/tic");
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        Complete: "ticket",
        Suggestion: "ticket",
        Hint: "",
        Description: "Work with tickets",
        IconData: "PHN2Zy8+",
      },
    ]);
  });

  it("suggests sub-commands, and those for admins to admins only", async () => {
    const { body: forAlice } = await suggestions(alice, "/ticket ");
    expect(forAlice.map((s: Record<string, string>) => s.Complete)).toEqual([
      "ticket create",
      "ticket assign",
      "ticket priority",
    ]);
    const { body: forAdmin } = await suggestions(
      { id: f.adminId, token: f.adminToken },
      "/ticket p",
    );
    expect(forAdmin.map((s: Record<string, string>) => s.Complete)).toEqual([
      "ticket priority",
      "ticket purge",
    ]);
  });

  it("asks the plugin's route for a dynamic list, as the user, and offers the matching items", async () => {
    const { status, body } = await suggestions(bob, "/ticket assign al");
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        Complete: "ticket assign alice",
        Suggestion: "alice",
        Hint: "@alice",
        Description: "Alice",
        IconData: "PHN2Zy8+",
      },
      {
        Complete: "ticket assign albert",
        Suggestion: "albert",
        Hint: "",
        Description: "Albert",
        IconData: "PHN2Zy8+",
      },
    ]);
    const asked = await last("assignees");
    expect(asked.userId).toBe(bob.id);
    expect(asked.query).toMatchObject({
      user_input: "ticket assign al",
      parsed: "ticket assign ",
      user_id: bob.id,
      team_id: teamId,
      channel_id: channelId,
    });
  });

  it("walks static lists, text and named arguments", async () => {
    const texts = async (input: string) =>
      (await suggestions(alice, input)).body.map((s: Record<string, string>) => [
        s.Complete,
        s.Hint,
        s.Description,
      ]);
    expect(await texts("/ticket priority h")).toEqual([["ticket priority high", "", "Soon"]]);
    expect(await texts("/ticket priority high ")).toEqual([
      ["ticket priority high --note ", "", "A note"],
    ]);
    expect(await texts("/ticket priority high --note ")).toEqual([
      ["ticket priority high --note ", "[text]", "A note"],
    ]);
    expect(await texts("/ticket create ")).toEqual([["ticket create ", "[title]", "Title"]]);
    expect(await texts("/nothing ")).toEqual([]);
  });

  it("lists the command with its tree in Mattermost's JSON", async () => {
    const { body } = await f.call("GET", `/api/v4/commands?team_id=${teamId}`, {
      token: alice.token,
    });
    const ticket = body.find((c: Json) => c.trigger === "ticket");
    expect(ticket.plugin_id).toBe(PLUGIN_ID);
    expect(ticket.autocomplete_icon_data).toBe("PHN2Zy8+");
    expect(ticket.autocomplete_data.SubCommands[1]).toEqual({
      Trigger: "assign",
      Hint: "",
      HelpText: "Assign a ticket",
      RoleID: "system_user",
      Arguments: [
        {
          Name: "",
          HelpText: "Who",
          Type: "DynamicList",
          Required: true,
          Data: { FetchURL: `/plugins/${PLUGIN_ID}/assignees` },
        },
      ],
      SubCommands: [],
    });
  });
});

describe("interactive message buttons and menus", () => {
  it("sends posts to clients without their actions' integrations", async () => {
    const post = await newTicket("Printer on fire");
    const actions = post.props.attachments[0].actions;
    expect(actions.map((a: Record<string, unknown>) => a.id)).toEqual(["close", "edit", "pick"]);
    for (const action of actions) expect(action).not.toHaveProperty("integration");
  });

  it("runs a button click through the plugin's route and applies its answer", async () => {
    const post = await newTicket("Coffee machine");
    const socket = await WebSocketClient.connect(f.url, { authorization: `Bearer ${bob.token}` });
    try {
      await socket.event("hello");
      const { status, body } = await f.call("POST", `/api/v4/posts/${post.id}/actions/close`, {
        token: bob.token,
        json: {},
      });
      expect(status).toBe(200);
      expect(body).toEqual({ status: "OK", trigger_id: expect.stringMatching(/^[a-z0-9]{26}$/) });
      const got = await last("action");
      expect(got.userId).toBe(bob.id);
      expect(got.body).toEqual({
        user_id: bob.id,
        user_name: "bob",
        channel_id: channelId,
        channel_name: "desk",
        team_id: teamId,
        team_domain: teamName,
        post_id: post.id,
        trigger_id: expect.any(String),
        type: "button",
        data_source: "",
        context: { ticket: "T-1", verb: "close" },
      });
      const { body: updated } = await f.call("GET", `/api/v4/posts/${post.id}`, {
        token: bob.token,
      });
      expect(updated.message).toBe("Ticket T-1: close by bob");
      expect(updated.props.attachments).toEqual([{ text: "Done" }]);
      const ephemeral = await socket.event("ephemeral_message");
      const shown = JSON.parse(ephemeral.data.post);
      expect(shown.message).toBe("Thanks, see [the ticket](https://example.com/t)");
      expect(shown.root_id).toBe(post.id);
      expect(ephemeral.broadcast.user_id).toBe(bob.id);
    } finally {
      await socket.close();
    }
  });

  it("hands a menu's choice to the plugin in the context", async () => {
    const post = await newTicket("Stapler");
    const { status } = await f.call("POST", `/api/v4/posts/${post.id}/actions/pick`, {
      token: alice.token,
      json: { selected_option: "high" },
    });
    expect(status).toBe(200);
    const got = await last("action");
    expect(got.body.type).toBe("select");
    expect(got.body.context).toEqual({
      ticket: "T-1",
      verb: "prioritise",
      selected_option: "high",
    });
    const { body: updated } = await f.call("GET", `/api/v4/posts/${post.id}`, {
      token: alice.token,
    });
    expect(updated.message).toBe("Ticket T-1: prioritise by alice (high)");
  });

  it("refuses unknown actions and users outside the channel", async () => {
    const post = await newTicket("Chair");
    const unknown = await f.call("POST", `/api/v4/posts/${post.id}/actions/nope`, {
      token: bob.token,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.id).toBe("api.post.do_action.action_id.app_error");
    const outside = await f.call("POST", `/api/v4/posts/${post.id}/actions/close`, {
      token: outsider.token,
    });
    expect(outside.status).toBe(403);
  });

  it("runs an ephemeral post's action from its sealed cookie, and refuses a forged one", async () => {
    const socket = await WebSocketClient.connect(f.url, { authorization: `Bearer ${bob.token}` });
    try {
      await socket.event("hello");
      expect((await run(bob, "/ticket ephemeral")).status).toBe(200);
      const event = await socket.event("ephemeral_message");
      const post = JSON.parse(event.data.post);
      const [action] = post.props.attachments[0].actions;
      expect(action).not.toHaveProperty("integration");
      expect(action.cookie).toEqual(expect.any(String));
      const clicked = await f.call("POST", `/api/v4/posts/${post.id}/actions/close`, {
        token: bob.token,
        json: { cookie: action.cookie },
      });
      expect(clicked.status).toBe(200);
      const got = await last("action");
      expect(got.body).toMatchObject({ post_id: post.id, context: { ticket: "T-2" } });
      const forged = Buffer.from(action.cookie, "base64");
      forged[forged.length - 1] ^= 1;
      const refused = await f.call("POST", `/api/v4/posts/${post.id}/actions/close`, {
        token: bob.token,
        json: { cookie: forged.toString("base64") },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.id).toBe("api.post.do_action.action_integration.app_error");
    } finally {
      await socket.close();
    }
  });
});

describe("interactive dialogs", () => {
  it("opens the plugin's dialog on the clicking user's websocket and passes back its field errors", async () => {
    const post = await newTicket("Desk lamp");
    const socket = await WebSocketClient.connect(f.url, { authorization: `Bearer ${bob.token}` });
    try {
      await socket.event("hello");
      const clicked = await f.call("POST", `/api/v4/posts/${post.id}/actions/edit`, {
        token: bob.token,
      });
      expect(clicked.status).toBe(200);
      const opened = await socket.event("open_dialog");
      expect(opened.broadcast.user_id).toBe(bob.id);
      const request = JSON.parse(opened.data.dialog);
      expect(request.trigger_id).toBe(clicked.body.trigger_id);
      expect(request.url).toBe(`/plugins/${PLUGIN_ID}/submit`);
      expect(request.dialog).toMatchObject({
        callback_id: "edit-ticket",
        title: "Edit ticket",
        state: "T-1",
        submit_label: "Save",
        elements: [
          { name: "title", type: "text", display_name: "Title", max_length: 80 },
          {
            name: "priority",
            type: "radio",
            options: [
              { text: "High", value: "high" },
              { text: "Low", value: "low" },
            ],
          },
        ],
      });

      const submit = (submission: Record<string, unknown>) =>
        f.call("POST", "/api/v4/actions/dialogs/submit", {
          token: bob.token,
          json: {
            url: request.url,
            callback_id: request.dialog.callback_id,
            state: request.dialog.state,
            channel_id: channelId,
            team_id: teamId,
            user_id: alice.id,
            submission,
          },
        });
      const invalid = await submit({ title: "", priority: "low" });
      expect(invalid.status).toBe(200);
      expect(invalid.body).toEqual({ errors: { title: "A title is required." } });
      const valid = await submit({ title: "Desk lamp, bright", priority: "high" });
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({});
      const got = await last("submit");
      expect(got.userId).toBe(bob.id);
      expect(got.body).toEqual({
        type: "dialog_submission",
        callback_id: "edit-ticket",
        state: "T-1",
        user_id: bob.id,
        channel_id: channelId,
        team_id: teamId,
        submission: { title: "Desk lamp, bright", priority: "high" },
        cancelled: false,
      });
    } finally {
      await socket.close();
    }
  });

  it("refuses trigger ids the host did not make and invalid dialogs", async () => {
    const open = (json: unknown) =>
      f.call("POST", "/api/v4/actions/dialogs/open", { token: bob.token, json });
    const dialog = { title: "T", elements: [] };
    const made = await open({ trigger_id: "bm90IG1pbmU=", url: "/plugins/x/y", dialog });
    expect(made.status).toBe(400);
    expect(made.body.id).toBe("interactive_message.decode_trigger_id.missing_data");
    const forged = Buffer.from(`${"a".repeat(26)}:${bob.id}:${Date.now()}:c2ln`).toString("base64");
    const unsigned = await open({ trigger_id: forged, url: "/plugins/x/y", dialog });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.id).toBe("interactive_message.decode_trigger_id.verify_signature_failed");
    const invalid = await open({
      trigger_id: forged,
      url: "/plugins/x/y",
      dialog: {
        title: "A title much longer than twenty-four",
        elements: [{ name: "a", display_name: "A", type: "checkbox" }],
      },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toContain("invalid dialog title");
    expect(invalid.body.message).toContain('invalid element type "checkbox"');
    const outside = await f.call("POST", "/api/v4/actions/dialogs/submit", {
      token: outsider.token,
      json: { url: "/plugins/x/y", channel_id: channelId, submission: {} },
    });
    expect(outside.status).toBe(403);
  });
});

describe("custom commands", () => {
  it("are made, run through their plugin route, changed and deleted over REST", async () => {
    const created = await f.call("POST", "/api/v4/commands", {
      token: alice.token,
      json: {
        team_id: teamId,
        trigger: "Deploy",
        method: "P",
        url: `/plugins/${PLUGIN_ID}/deploy`,
        display_name: "Deploy",
        auto_complete: true,
        auto_complete_desc: "Ship it",
      },
    });
    expect(created.status).toBe(201);
    const command = created.body;
    expect(command).toMatchObject({
      trigger: "deploy",
      creator_id: alice.id,
      plugin_id: "",
      token: expect.stringMatching(/^[a-z0-9]{26}$/),
    });

    const ran = await run(alice, "/deploy prod now");
    expect(ran.status).toBe(200);
    const got = await last("deploy");
    expect(got.userId).toBe(alice.id);
    expect(got.authorization).toBe(`Token ${command.token}`);
    expect(got.form).toMatchObject({
      token: command.token,
      team_id: teamId,
      team_domain: teamName,
      channel_id: channelId,
      channel_name: "desk",
      user_id: alice.id,
      user_name: "alice",
      command: "/deploy",
      text: "prod now",
    });
    const { body: posts } = await f.call("GET", `/api/v4/channels/${channelId}/posts`, {
      token: alice.token,
    });
    const answer = posts.posts[posts.order[0]];
    expect(answer).toMatchObject({ message: "Deploying prod now", user_id: alice.id });
    expect(answer.props.from_webhook).toBe("true");

    const { body: listed } = await f.call("GET", `/api/v4/commands?team_id=${teamId}`, {
      token: bob.token,
    });
    expect(listed.find((c: Record<string, string>) => c.trigger === "deploy")).toMatchObject({
      token: "",
      url: "",
    });
    const { body: suggested } = await suggestions(bob, "/dep");
    expect(suggested).toEqual([
      expect.objectContaining({ Complete: "deploy", Description: "Ship it" }),
    ]);

    const foreign = await f.call("PUT", `/api/v4/commands/${command.id}`, {
      token: bob.token,
      json: { ...command, description: "mine now" },
    });
    expect(foreign.status).toBe(403);
    const changed = await f.call("PUT", `/api/v4/commands/${command.id}`, {
      token: alice.token,
      json: { ...command, description: "Ships it" },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ description: "Ships it", token: command.token });
    const deleted = await f.call("DELETE", `/api/v4/commands/${command.id}`, {
      token: alice.token,
    });
    expect(deleted.status).toBe(200);
    expect((await run(alice, "/deploy again")).status).toBe(404);
  });

  it("get a new token on regen_token, and move to another team where caller and creator may manage them", async () => {
    const made = await f.call("POST", "/api/v4/commands", {
      token: alice.token,
      json: { team_id: teamId, trigger: "ship", method: "P", url: `/plugins/${PLUGIN_ID}/deploy` },
    });
    expect(made.status).toBe(201);
    const command = made.body;

    expect(
      (await f.call("PUT", `/api/v4/commands/${command.id}/regen_token`, { token: bob.token }))
        .status,
    ).toBe(403);
    const regen = await f.call("PUT", `/api/v4/commands/${command.id}/regen_token`, {
      token: alice.token,
    });
    expect(regen.status).toBe(200);
    expect(regen.body).toEqual({ token: expect.stringMatching(/^[a-z0-9]{26}$/) });
    expect(regen.body.token).not.toBe(command.token);
    expect((await run(alice, "/ship it")).status).toBe(200);
    expect((await last("deploy")).authorization).toBe(`Token ${regen.body.token}`);

    const move = (user: RestUser, json: unknown) =>
      f.call("PUT", `/api/v4/commands/${command.id}/move`, { token: user.token, json });
    const other = await f.newTeam(alice, [bob]);
    const elsewhere = await f.newTeam(outsider);
    expect((await move(alice, {})).status).toBe(400);
    expect((await move(alice, { team_id: "x".repeat(26) })).status).toBe(404);
    expect((await move(alice, { team_id: elsewhere.id })).status).toBe(403);
    expect((await move(bob, { team_id: other.id })).status).toBe(403);
    // An admin may move it, but not to a team where its creator could not manage it.
    const admin = { id: f.adminId, token: f.adminToken };
    const stranded = await move(admin, { team_id: elsewhere.id });
    expect(stranded.status).toBe(400);
    expect(stranded.body.id).toBe("api.command.move_command.creator_no_permission.app_error");
    const moved = await move(alice, { team_id: other.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ status: "OK" });
    const got = await f.call("GET", `/api/v4/commands/${command.id}`, { token: alice.token });
    expect(got.body).toMatchObject({ team_id: other.id, token: regen.body.token });
    // Gone from the first team's channels; a second /ship there may be made, and then the
    // first can't come back while the trigger is taken.
    expect((await run(alice, "/ship again")).status).toBe(404);
    const second = await f.call("POST", "/api/v4/commands", {
      token: alice.token,
      json: { team_id: teamId, trigger: "ship", method: "P", url: `/plugins/${PLUGIN_ID}/deploy` },
    });
    expect(second.status).toBe(201);
    const back = await move(alice, { team_id: teamId });
    expect(back.status).toBe(409);
    expect(back.body.id).toBe("api.command.duplicate_trigger.app_error");
  });

  it("refuse a URL that is not a plugin route when running, and a bad one when made", async () => {
    const external = await f.call("POST", "/api/v4/commands", {
      token: alice.token,
      json: { team_id: teamId, trigger: "outside", method: "P", url: "http://127.0.0.1:9/hook" },
    });
    expect(external.status).toBe(201);
    const refused = await run(alice, "/outside");
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain("--allow-external-integration-urls");
    const bad = await f.call("POST", "/api/v4/commands", {
      token: alice.token,
      json: { team_id: teamId, trigger: "bad", method: "X", url: "ftp://x" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.id).toBe("model.command.is_valid.url_http.app_error");
  });
});
