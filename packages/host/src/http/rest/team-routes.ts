// /api/v4/teams: teams and their members. Anyone logged in may create a team and becomes its
// first member and admin; everyone may see and join open teams (allow_open_invite); only
// members add others; team admins and system admins change the team and remove others.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { type Team, TeamMemberSchema, TeamSchema } from "@plugwire/protocol";
import { uploadedImage } from "./image-upload.js";
import { modelFromJson, modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import { hasTeamPermission, requireSystemPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

const SETTABLE = [
  "name",
  "display_name",
  "type",
  "description",
  "email",
  "company_name",
  "allowed_domains",
  "allow_open_invite",
  "group_constrained",
];

/** Mattermost's team name rule: 2 to 64 of a-z 0-9 -, starting and ending with a letter or digit. */
const TEAM_NAME = /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/;

export function teamRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/teams", createTeam)
    .add("GET", "/api/v4/teams", listTeams)
    .add("GET", "/api/v4/teams/{team_id}", async (call) =>
      sendTeam(call, await call.app.getTeam(call.param("team_id"))),
    )
    .add("GET", "/api/v4/teams/name/{name}", async (call) =>
      sendTeam(call, await call.app.getTeamByName(call.param("name"))),
    )
    .add("PUT", "/api/v4/teams/{team_id}/patch", patchTeam)
    .add("GET", "/api/v4/teams/{team_id}/image", getTeamIcon)
    .add("POST", "/api/v4/teams/{team_id}/image", setTeamIcon)
    .add("DELETE", "/api/v4/teams/{team_id}/image", removeTeamIcon)
    .add("POST", "/api/v4/teams/{team_id}/members", addMember)
    .add("DELETE", "/api/v4/teams/{team_id}/members/{user_id}", removeMember);
}

async function createTeam(call: RestCall): Promise<void> {
  const user = requireSystemPermission(call, "create_team", "you may not create teams");
  const { value: team } = modelFromJson(TeamSchema, await call.json(), SETTABLE, call.ignoreField);
  if (!TEAM_NAME.test(team.name)) {
    throw invalidBodyParam(
      "name",
      "use 2 to 64 of a-z, 0-9 and '-', starting and ending with a letter or digit.",
    );
  }
  if (team.displayName.trim() === "") throw invalidBodyParam("display_name", "it is required.");
  if (team.type !== "O" && team.type !== "I") {
    throw invalidBodyParam(
      "type",
      `"${team.type}" is not a team type; use "O" (open) or "I" (invite only).`,
    );
  }
  const created = await call.app.createTeam(call.actor(), team);
  // The creator runs the team, as in Mattermost.
  await call.app.addTeamMember(call.actor(), created.id, user.id, { admin: true });
  call.send(201, modelToJson(TeamSchema, created));
}

/** What a team's patch may change; its name and type stay as created. */
const PATCHABLE = [
  "display_name",
  "description",
  "email",
  "company_name",
  "allowed_domains",
  "allow_open_invite",
  "group_constrained",
];

/** Changes the fields the body gives: a team admin's or a system admin's right. */
/**
 * GET /teams/{id}/image: the team's icon, for its members (and, for an open team, those who may
 * list public teams); 404 when it has none.
 */
async function getTeamIcon(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  const team = await call.app.getTeam(teamId);
  const mayView =
    (await hasTeamPermission(call, teamId, "view_team")) ||
    (team.type === "O" && call.app.hasPermissionTo(call.user(), "list_public_teams"));
  if (!mayView) throw permissionDenied(`you may not see team ${teamId}`, "view_team");
  const icon = await call.app.getTeamIcon(teamId);
  if (icon === undefined) {
    throw new NotFoundError({
      id: "api.team.get_team_icon.read_file.app_error",
      message: `Team ${teamId} has no icon.`,
      params: { team_id: teamId },
    });
  }
  call.res.writeHead(200, {
    "content-type": icon[0] === 0x89 ? "image/png" : "image/jpeg",
    "content-length": icon.byteLength,
    // As Mattermost: clients add ?_=<last_team_icon_update> to see a new icon at once.
    "cache-control": "max-age=86400, private",
  });
  call.res.end(icon);
}

/** POST /teams/{id}/image: a new icon (PNG or JPEG), for those who may manage the team. */
async function setTeamIcon(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  if (!(await hasTeamPermission(call, teamId, "manage_team"))) {
    throw permissionDenied(`only admins of team ${teamId} may change its icon`, "manage_team");
  }
  const image = await uploadedImage(call, {
    tooLarge: "api.team.set_team_icon.too_large.app_error",
    noFile: "api.team.set_team_icon.no_file.app_error",
  });
  await call.app.setTeamIcon(call.actor(), teamId, image);
  call.ok();
}

async function removeTeamIcon(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  if (!(await hasTeamPermission(call, teamId, "manage_team"))) {
    throw permissionDenied(`only admins of team ${teamId} may change its icon`, "manage_team");
  }
  await call.app.removeTeamIcon(call.actor(), teamId);
  call.ok();
}

async function patchTeam(call: RestCall): Promise<void> {
  const teamId = call.param("team_id");
  const old = await call.app.getTeam(teamId);
  if (!(await hasTeamPermission(call, teamId, "manage_team"))) {
    throw permissionDenied(`only admins of team ${teamId} may change it`, "manage_team");
  }
  const { value: change, given } = modelFromJson(
    TeamSchema,
    await call.json(),
    PATCHABLE,
    call.ignoreField,
  );
  if (given.has("display_name") && change.displayName.trim() === "") {
    throw invalidBodyParam("display_name", "it can't be empty.");
  }
  const pick = <K extends keyof Team>(field: string, key: K): Team[K] =>
    given.has(field) ? change[key] : old[key];
  const updated = await call.app.updateTeam(
    call.actor(),
    create(TeamSchema, {
      ...old,
      displayName: pick("display_name", "displayName"),
      description: pick("description", "description"),
      email: pick("email", "email"),
      companyName: pick("company_name", "companyName"),
      allowedDomains: pick("allowed_domains", "allowedDomains"),
      allowOpenInvite: pick("allow_open_invite", "allowOpenInvite"),
      groupConstrained: pick("group_constrained", "groupConstrained"),
    }),
  );
  call.send(200, modelToJson(TeamSchema, updated));
}

async function listTeams(call: RestCall): Promise<void> {
  const page = pageOfQuery(call.url.searchParams);
  // Everyone sees the open teams; only whoever may manage the system sees all of them.
  const teams = call.app.hasPermissionTo(call.user(), "manage_system")
    ? await call.app.getTeams(page)
    : await call.app.getOpenTeams(page);
  call.send(
    200,
    teams.map((team) => modelToJson(TeamSchema, team)),
  );
}

async function sendTeam(call: RestCall, team: Team): Promise<void> {
  if (!team.allowOpenInvite && !(await hasTeamPermission(call, team.id, "view_team"))) {
    throw permissionDenied(`team ${team.id} is invite-only and you are not a member`, "view_team");
  }
  call.send(200, modelToJson(TeamSchema, team));
}

async function addMember(call: RestCall): Promise<void> {
  const user = call.user();
  const teamId = call.param("team_id");
  const { value: body } = modelFromJson(
    TeamMemberSchema,
    await call.json(),
    ["team_id", "user_id"],
    call.ignoreField,
  );
  if (body.teamId !== teamId) throw invalidBodyParam("team_id", "it must be the team of the URL.");
  const userId = body.userId;
  if (userId === "") throw invalidBodyParam("user_id", "it is required.");
  const team = await call.app.getTeam(teamId);
  const mayJoin = userId === user.id && team.allowOpenInvite;
  if (!mayJoin && !(await hasTeamPermission(call, teamId, "add_user_to_team"))) {
    throw permissionDenied(
      userId === user.id
        ? `team ${teamId} is invite-only`
        : `only members of team ${teamId} may add people to it`,
      "add_user_to_team",
    );
  }
  const member = await call.app.addTeamMember(call.actor(), teamId, userId);
  call.send(201, modelToJson(TeamMemberSchema, member));
}

/** Leaving a team, or removing someone from it: a team admin's or a system admin's right. */
async function removeMember(call: RestCall): Promise<void> {
  const userId = call.param("user_id");
  const teamId = call.param("team_id");
  if (
    userId !== call.user().id &&
    !(await hasTeamPermission(call, teamId, "remove_user_from_team"))
  ) {
    throw permissionDenied(
      `only admins of team ${teamId} may remove other people from it`,
      "remove_user_from_team",
    );
  }
  await call.app.removeTeamMember(call.actor(), teamId, userId);
  call.ok();
}
