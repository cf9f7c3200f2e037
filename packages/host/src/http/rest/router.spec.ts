import { describe, expect, it } from "vitest";
import { Router } from "./router.js";

const router = new Router<string>()
  .add("GET", "/api/v4/users/{user_id}", "user by id")
  .add("DELETE", "/api/v4/users/{user_id}", "deactivate")
  .add("GET", "/api/v4/users/me", "me")
  .add("GET", "/api/v4/teams/{team_id}/channels/name/{name}", "channel by name");

describe("Router", () => {
  it("matches a template, decoding its parameters and naming the template", () => {
    expect(router.find("GET", "/api/v4/teams/t1/channels/name/caf%C3%A9")).toEqual({
      handler: "channel by name",
      params: { team_id: "t1", name: "café" },
      template: "/api/v4/teams/{team_id}/channels/name/{name}",
    });
  });

  it("prefers a literal segment to a parameter, whatever the order routes were added in", () => {
    expect(router.find("GET", "/api/v4/users/me")).toEqual({
      handler: "me",
      params: {},
      template: "/api/v4/users/me",
    });
    expect(router.find("GET", "/api/v4/users/u1")).toMatchObject({ handler: "user by id" });
  });

  it("answers the methods a path has when the method does not match, and none for unknown paths", () => {
    expect(router.find("PUT", "/api/v4/users/u1")).toEqual({ allowed: ["GET", "DELETE"] });
    expect(router.find("GET", "/api/v4/users")).toEqual({ allowed: [] });
    expect(router.find("GET", "/api/v4/users/u1/extra")).toEqual({ allowed: [] });
  });

  it("matches no empty parameter", () => {
    expect(router.find("GET", "/api/v4/users/")).toEqual({ allowed: [] });
  });

  it("refuses a segment that is not valid percent-encoding with a 400 naming the path", () => {
    expect(() => router.find("GET", "/api/v4/users/%E0%A4%A")).toThrow(
      expect.objectContaining({ statusCode: 400, params: { field: "path" } }),
    );
  });
});
