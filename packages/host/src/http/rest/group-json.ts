// Groups as v4 writes them in JSON, for the routes and the websocket events alike.
import type { JsonObject } from "@bufbuild/protobuf";
import {
  type Group,
  type GroupMember,
  GroupMemberSchema,
  GroupSchema,
  type GroupSyncable,
  GroupSyncableSchema,
} from "@plugwire/protocol";
import { modelToJson } from "./model-json.js";

/** A group: member_count only when counted, remote_id null when there is none (as Mattermost). */
export function groupJson(group: Group): JsonObject {
  const json = modelToJson(GroupSchema, group);
  if (group.memberCount === undefined) delete json.member_count;
  if (group.remoteId === "") json.remote_id = null;
  return json;
}

export function groupMemberJson(member: GroupMember): JsonObject {
  return modelToJson(GroupMemberSchema, member);
}

/** A link, with its team_id or channel_id as v4 names it, and its type. */
export function groupSyncableJson(syncable: GroupSyncable): JsonObject {
  const { syncable_id: syncableId, ...rest } = modelToJson(GroupSyncableSchema, syncable);
  return { ...rest, [syncable.type === "team" ? "team_id" : "channel_id"]: syncableId ?? "" };
}
