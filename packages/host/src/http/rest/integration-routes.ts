// Interactive messages and dialogs (Mattermost's api4 post action and dialog routes): a click
// on a post's button or menu, and opening and submitting an interactive dialog. The app calls
// the integration's URL (a plugin route) and applies its answer.
import type { JsonObject } from "@bufbuild/protobuf";
import { dialogRequestFromJson } from "../../app/app.js";
import { fieldsOf, stringField } from "./body-fields.js";
import { requireChannelMember } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam } from "./rest-errors.js";
import type { Router } from "./router.js";

export function integrationRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/posts/{post_id}/actions/{action_id}", doPostAction)
    .add("POST", "/api/v4/actions/dialogs/open", openDialog)
    .add("POST", "/api/v4/actions/dialogs/submit", submitDialog);
}

/**
 * A click: the body is Mattermost's DoPostActionRequest {selected_option, cookie} (the cookie
 * may come as ?cookie= too). Answers {status: "OK", trigger_id} and, when the integration
 * asked for it, goto_location.
 */
async function doPostAction(call: RestCall): Promise<void> {
  // As Mattermost, a click without a (readable) body is a click without an option.
  const body = await call.json().catch(() => ({}));
  const fields = fieldsOf(body, ["selected_option", "cookie"], call.ignoreField);
  const result = await call.app.doPostAction(call.actor(), {
    postId: call.param("post_id"),
    actionId: call.param("action_id"),
    userId: call.user().id,
    selectedOption: stringField(fields, "selected_option"),
    cookie: stringField(fields, "cookie") || (call.url.searchParams.get("cookie") ?? ""),
  });
  call.send(200, {
    status: "OK",
    trigger_id: result.triggerId,
    ...(result.gotoLocation ? { goto_location: result.gotoLocation } : {}),
  });
}

/** Mattermost's OpenDialogRequest {trigger_id, url, dialog}; the trigger id says for whom. */
async function openDialog(call: RestCall): Promise<void> {
  call.user();
  await call.app.openInteractiveDialog(call.actor(), dialogRequestFromJson(await call.json()));
  call.send(200, { status: "OK" });
}

/**
 * Mattermost's SubmitDialogRequest, from a member of its channel; the user is the caller.
 * Answers what the integration answered (e.g. {errors: {field: message}}), or {}.
 */
async function submitDialog(call: RestCall): Promise<void> {
  const user = call.user();
  const fields = fieldsOf(
    await call.json(),
    [
      "type",
      "url",
      "callback_id",
      "state",
      "user_id",
      "channel_id",
      "team_id",
      "submission",
      "cancelled",
    ],
    call.ignoreField,
  );
  const channelId = stringField(fields, "channel_id", true);
  const submission = fields.submission ?? {};
  if (submission === null || typeof submission !== "object" || Array.isArray(submission)) {
    throw invalidBodyParam("submission", "it must be an object of field names to values.");
  }
  if (fields.cancelled !== undefined && typeof fields.cancelled !== "boolean") {
    throw invalidBodyParam("cancelled", "it must be true or false.");
  }
  await requireChannelMember(call, channelId);
  const answer = await call.app.submitInteractiveDialog(call.actor(), {
    url: stringField(fields, "url", true),
    callbackId: stringField(fields, "callback_id"),
    state: stringField(fields, "state"),
    userId: user.id,
    channelId,
    teamId: stringField(fields, "team_id"),
    submission: submission as JsonObject,
    cancelled: fields.cancelled === true,
  });
  call.send(200, answer);
}
