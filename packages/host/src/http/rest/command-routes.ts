// POST /api/v4/commands/execute: a slash command goes to the plugin that registered it, and
// its answer is delivered as Mattermost delivers it: an in_channel response is posted as the
// caller (through MessageWillBePosted like any post), an ephemeral one is shown to the caller
// alone on their live connections. Extra responses are delivered the same way, in order.
import { create } from "@bufbuild/protobuf";
import {
  CommandArgsSchema,
  type CommandResponse,
  CommandResponseSchema,
  PostSchema,
} from "@plugwire/protocol";
import { fieldsOf, stringField } from "./body-fields.js";
import { modelToJson } from "./model-json.js";
import { requireChannelPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import type { Router } from "./router.js";

export function commandRoutes(router: Router<RouteHandler>): void {
  router.add("POST", "/api/v4/commands/execute", executeCommand);
}

async function executeCommand(call: RestCall): Promise<void> {
  const user = call.user();
  const fields = fieldsOf(
    await call.json(),
    ["channel_id", "command", "team_id", "root_id", "parent_id"],
    call.ignoreField,
  );
  const channelId = stringField(fields, "channel_id", true);
  const command = stringField(fields, "command", true);
  await requireChannelPermission(call, channelId, "use_slash_commands");
  const channel = await call.app.getChannel(channelId);
  const args = create(CommandArgsSchema, {
    userId: user.id,
    channelId,
    teamId: channel.teamId || stringField(fields, "team_id"),
    rootId: stringField(fields, "root_id"),
    parentId: stringField(fields, "parent_id"),
    command,
    siteUrl: call.server.siteUrl,
  });
  const response = await call.app.executeCommand(call.actor(), args);
  for (const part of [response, ...response.extraResponses]) {
    await deliver(call, part, channelId, args.rootId);
  }
  call.send(200, modelToJson(CommandResponseSchema, response));
}

async function deliver(
  call: RestCall,
  response: CommandResponse,
  commandChannelId: string,
  rootId: string,
): Promise<void> {
  const channelId = response.channelId || commandChannelId;
  if (response.responseType === "in_channel") {
    // A plugin may answer into another channel, but only one the caller may post in.
    if (channelId !== commandChannelId) {
      await requireChannelPermission(call, channelId, "create_post");
    }
    await call.app.createPost(
      call.actor(),
      create(PostSchema, {
        channelId,
        userId: call.userId,
        rootId,
        message: response.text,
        type: response.type,
        props: response.props,
      }),
    );
  } else if (response.text !== "") {
    await call.app.sendEphemeralPost(
      call.actor(),
      call.userId,
      create(PostSchema, {
        channelId,
        userId: call.userId,
        rootId,
        message: response.text,
        props: response.props,
      }),
    );
  }
}
