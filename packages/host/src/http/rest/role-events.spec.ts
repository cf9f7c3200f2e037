// The websocket events of role changes, as Mattermost sends them: who receives each and the
// JSON strings their data carries.
import { create } from "@bufbuild/protobuf";
import { ChannelMemberSchema, RoleSchema, TeamMemberSchema, UserSchema } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import {
  channelMemberUpdatedEvent,
  memberRoleUpdatedEvent,
  roleUpdatedEvent,
  userRoleUpdatedEvent,
} from "./websocket-events.js";

describe("role change events", () => {
  it("user_role_updated goes to the user, with the new roles", () => {
    const user = create(UserSchema, { id: "u1", roles: "system_user system_admin" });
    expect(userRoleUpdatedEvent(user)).toMatchObject({
      event: "user_role_updated",
      data: { user_id: "u1", roles: "system_user system_admin" },
      broadcast: { user_id: "u1", channel_id: "", team_id: "" },
    });
  });

  it("memberrole_updated goes to the member, with its roles in full", () => {
    const member = create(TeamMemberSchema, {
      teamId: "t1",
      userId: "u1",
      roles: "team_post_all",
      schemeUser: true,
      schemeAdmin: true,
    });
    const event = memberRoleUpdatedEvent(member);
    expect(event).toMatchObject({ event: "memberrole_updated", broadcast: { user_id: "u1" } });
    expect(JSON.parse(event.data.member as string)).toMatchObject({
      team_id: "t1",
      user_id: "u1",
      roles: "team_post_all team_user team_admin",
      scheme_admin: true,
    });
  });

  it("channel_member_updated goes to the member as channelMember", () => {
    const member = create(ChannelMemberSchema, { channelId: "c1", userId: "u1", schemeUser: true });
    const event = channelMemberUpdatedEvent(member);
    expect(event).toMatchObject({ event: "channel_member_updated", broadcast: { user_id: "u1" } });
    expect(JSON.parse(event.data.channelMember as string)).toMatchObject({
      channel_id: "c1",
      roles: "channel_user",
    });
  });

  it("role_updated goes to everyone, with the role", () => {
    const role = create(RoleSchema, { id: "r1", name: "team_user", permissions: ["view_team"] });
    const event = roleUpdatedEvent(role);
    expect(event.broadcast).toEqual({
      omit_users: null,
      user_id: "",
      channel_id: "",
      team_id: "",
      connection_id: "",
      omit_connection_id: "",
    });
    expect(JSON.parse(event.data.role as string)).toMatchObject({
      name: "team_user",
      permissions: ["view_team"],
    });
  });
});
