// The integration specs' plugin, run as a real process. It registers /ticket with an
// autocomplete tree (sub-commands with a text argument, a dynamic list served by its own
// "assignees" route, a static list, and a branch for system admins only). "/ticket create
// <title>" posts a message with two buttons and a menu whose integration is its /action
// route; "/ticket ephemeral" shows one with a button only to the caller. /action answers a
// click by updating the post and showing ephemeral text, and opens a dialog when the action's
// context asks; /submit answers a dialog without a title with a field error; /deploy answers
// a custom command in the channel. Each request a
// route gets is kept in the KV store under "last:<route>".
import { definePlugin, runPlugin } from "@plugwire/sdk";

const ID = "test.integrations";

const actions = (ticket) => [
  {
    id: "close",
    name: "Close",
    type: "button",
    style: "danger",
    integration: { url: `/plugins/${ID}/action`, context: { ticket, verb: "close" } },
  },
  {
    id: "edit",
    name: "Edit",
    type: "button",
    integration: { url: `/plugins/${ID}/action`, context: { ticket, open_dialog: true } },
  },
  {
    id: "pick",
    name: "Priority",
    type: "select",
    options: [
      { text: "High", value: "high" },
      { text: "Low", value: "low" },
    ],
    integration: { url: `/plugins/${ID}/action`, context: { ticket, verb: "prioritise" } },
  },
];

async function keep(plugin, route, value) {
  await plugin.api.kvSetJSON(`last:${route}`, value);
}

runPlugin(
  definePlugin({
    async OnActivate() {
      await this.api.registerCommand({
        trigger: "ticket",
        autoComplete: true,
        autoCompleteDesc: "Work with tickets",
        autoCompleteHint: "[command]",
        autocompleteIconData: "PHN2Zy8+",
        autocompleteData: {
          trigger: "ticket",
          helpText: "Work with tickets",
          roleId: "system_user",
          subCommands: [
            {
              trigger: "create",
              helpText: "Create a ticket",
              roleId: "system_user",
              arguments: [
                { type: "TextInput", required: true, helpText: "Title", text: { hint: "[title]" } },
              ],
            },
            {
              trigger: "assign",
              helpText: "Assign a ticket",
              roleId: "system_user",
              arguments: [
                { type: "DynamicList", required: true, helpText: "Who", fetchUrl: "assignees" },
              ],
            },
            {
              trigger: "priority",
              helpText: "Set the priority",
              roleId: "system_user",
              arguments: [
                {
                  type: "StaticList",
                  required: true,
                  helpText: "How urgent",
                  staticList: [
                    { item: "high", hint: "", helpText: "Soon" },
                    { item: "low", hint: "", helpText: "Later" },
                  ],
                },
                { name: "note", type: "TextInput", helpText: "A note", text: { hint: "[text]" } },
              ],
            },
            { trigger: "purge", helpText: "Delete every ticket", roleId: "system_admin" },
          ],
        },
      });
    },

    async ExecuteCommand(_ctx, args) {
      const [, verb = "", ...words] = args.command.split(" ");
      if (verb === "create") {
        await this.api.createPost({
          userId: args.userId,
          channelId: args.channelId,
          message: `Ticket: ${words.join(" ")}`,
          props: { attachments: [{ text: "What next?", actions: actions("T-1") }] },
        });
        await keep(this, "command", { triggerId: args.triggerId });
        return {};
      }
      if (verb === "ephemeral") {
        await this.api.sendEphemeralPost(args.userId, {
          channelId: args.channelId,
          message: "Only you see this",
          props: { attachments: [{ actions: [actions("T-2")[0]] }] },
        });
        return {};
      }
      return { responseType: "ephemeral", text: `unknown: ${verb}` };
    },

    async ServeHTTP(_ctx, request) {
      const url = new URL(request.url);
      const userId = request.headers.get("mattermost-user-id");
      if (request.method === "GET" && url.pathname === "/assignees") {
        await keep(this, "assignees", { userId, query: Object.fromEntries(url.searchParams) });
        return Response.json([
          { Item: "alice", Hint: "@alice", HelpText: "Alice" },
          { Item: "albert", Hint: "", HelpText: "Albert" },
          { Item: "bob", Hint: "", HelpText: "Bob" },
        ]);
      }
      if (request.method === "POST" && url.pathname === "/action") {
        const body = await request.json();
        await keep(this, "action", { userId, body });
        if (body.context?.open_dialog) {
          await this.api.openInteractiveDialog({
            triggerId: body.trigger_id,
            url: `/plugins/${ID}/submit`,
            dialog: {
              callbackId: "edit-ticket",
              title: "Edit ticket",
              state: body.context.ticket,
              submitLabel: "Save",
              elements: [
                {
                  displayName: "Title",
                  name: "title",
                  type: "text",
                  optional: false,
                  maxLength: 80,
                },
                {
                  displayName: "Priority",
                  name: "priority",
                  type: "radio",
                  options: [
                    { text: "High", value: "high" },
                    { text: "Low", value: "low" },
                  ],
                },
              ],
            },
          });
          return Response.json({});
        }
        return Response.json({
          update: {
            message: `Ticket ${body.context.ticket}: ${body.context.verb} by ${body.user_name}${
              body.context.selected_option ? ` (${body.context.selected_option})` : ""
            }`,
            props: { attachments: [{ text: "Done" }] },
          },
          ephemeral_text: "Thanks, see <https://example.com/t|the ticket>",
        });
      }
      if (request.method === "POST" && url.pathname === "/deploy") {
        const form = Object.fromEntries(new URLSearchParams(await request.text()));
        await keep(this, "deploy", {
          userId,
          authorization: request.headers.get("authorization"),
          form,
        });
        return Response.json({ response_type: "in_channel", text: `Deploying ${form.text}` });
      }
      if (request.method === "POST" && url.pathname === "/submit") {
        const body = await request.json();
        await keep(this, "submit", { userId, body });
        if (!body.submission?.title) {
          return Response.json({ errors: { title: "A title is required." } });
        }
        return Response.json({});
      }
      return new Response("not found", { status: 404 });
    },
  }),
);
