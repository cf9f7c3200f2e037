// /api/v4/config and the Plugin API's GetConfig, GetUnsanitizedConfig and SaveConfig on one
// real host: the configuration in Mattermost's shape from the host's settings, secrets
// sanitised for admins and plugins' GetConfig, saves by a system admin (whole or patched) and
// by a plugin, each through a real plugin process's ConfigurationWillBeSaved, which refuses or
// amends; what can't change at run time refused with Mattermost's error.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PASSWORD, RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";
import { writeSystemPlugin } from "../../test-fixtures/system-plugin.js";

const ID = "test.config-watcher";
let f: RestFixture;
let root: string;
let member: RestUser;

beforeAll(async () => {
  f = await RestFixture.start({
    publicLinkSalt: "0123456789abcdefghijklmnopqrstuv",
    serverConfig: {
      ServiceSettings: { SiteURL: "https://chat.example.com" },
      SqlSettings: { DataSource: "postgres://plugwire:secret@db/plugwire" },
    },
  });
  root = await mkdtemp(join(tmpdir(), "pw-config-"));
  await f.host.loadPlugin(await writeSystemPlugin(join(root, "watcher"), { id: ID }));
  await f.host.enablePlugin(ID);
  member = await f.newUser("member");
}, 30_000);
afterAll(async () => {
  await f?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const admin = (method: string, path: string, json?: unknown) =>
  f.call(method, path, { token: f.adminToken, json });

const EMAIL = {
  SMTPServer: "mail.example.com",
  SMTPPort: "587",
  SMTPUsername: "postmaster",
  SMTPPassword: "hunter2",
  EnableSMTPAuth: true,
  ConnectionSecurity: "STARTTLS",
  FeedbackEmail: "chat@example.com",
  FeedbackName: "Chat",
};

beforeEach(async () => {
  // Each case starts from this mail configuration.
  expect((await admin("PUT", "/api/v4/config/patch", { EmailSettings: EMAIL })).status).toBe(200);
});

describe("plugins hear of a saved configuration", () => {
  it("runs every plugin's OnConfigurationChange after a save, as Mattermost's config listener", async () => {
    const heard = () =>
      f.logs.filter((entry) => entry.pluginId === ID && entry.msg === "OnConfigurationChange")
        .length;
    const before = heard();
    const saved = await admin("PUT", "/api/v4/config/patch", {
      EmailSettings: { FeedbackName: "Heard by plugins" },
    });
    expect(saved.status).toBe(200);
    // The save answers once the plugins have been told.
    expect(heard()).toBe(before + 1);
  });
});

describe("GET /api/v4/config", () => {
  it("answers system admins the host's settings in Mattermost's sections, secrets as ********", async () => {
    const { status, body, headers } = await admin("GET", "/api/v4/config");

    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
    expect(body.ServiceSettings).toMatchObject({
      SiteURL: "https://chat.example.com",
      MaximumLoginAttempts: 10,
    });
    expect(body.SqlSettings).toEqual({ DriverName: "sqlite3", DataSource: "********" });
    expect(body.FileSettings).toMatchObject({
      EnablePublicLink: true,
      PublicLinkSalt: "********",
    });
    expect(body.EmailSettings).toEqual({
      ...EMAIL,
      SMTPPassword: "********",
      SkipServerCertificateVerification: false,
      SMTPServerTimeout: 10,
    });
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(JSON.stringify(body)).not.toContain("secret@db");
  });

  it("refuses other users (403) and requests without a session (401)", async () => {
    const refused = await f.call("GET", "/api/v4/config", { token: member.token });
    expect(refused.status).toBe(403);
    expect(refused.body.id).toBe("api.context.permissions.app_error");
    expect(
      (await f.call("PUT", "/api/v4/config/patch", { token: member.token, json: {} })).status,
    ).toBe(403);
    expect((await f.call("GET", "/api/v4/config")).status).toBe(401);
  });
});

describe("PUT /api/v4/config and /config/patch", () => {
  it("save the settings that change at run time; ******** keeps a secret", async () => {
    const { body: current } = await admin("GET", "/api/v4/config");
    current.EmailSettings.SMTPPort = "2525";
    current.ServiceSettings.MaximumLoginAttempts = 3;

    const saved = await admin("PUT", "/api/v4/config", current);

    expect(saved.status).toBe(200);
    expect(saved.body.EmailSettings).toMatchObject({ SMTPPort: "2525", SMTPPassword: "********" });
    const unsanitized = f.host.app.getUnsanitizedConfig() as {
      EmailSettings: Record<string, unknown>;
      ServiceSettings: Record<string, unknown>;
    };
    expect(unsanitized.EmailSettings.SMTPPassword).toBe("hunter2");
    expect(unsanitized.ServiceSettings.MaximumLoginAttempts).toBe(3);
  });

  it("make a saved setting live at once: MaximumLoginAttempts locks the next login", async () => {
    await admin("PUT", "/api/v4/config/patch", { ServiceSettings: { MaximumLoginAttempts: 2 } });
    await f.newAccount("locky");
    const login = (password: string) =>
      f.call("POST", "/api/v4/users/login", { json: { login_id: "locky", password } });
    expect((await login("wrong one")).status).toBe(401);
    expect((await login("wrong two")).status).toBe(401);

    const locked = await login(PASSWORD);

    expect(locked.body.id).toBe("api.user.check_user_login_attempts.too_many.app_error");
    await admin("PUT", "/api/v4/config/patch", { ServiceSettings: { MaximumLoginAttempts: 10 } });
  });

  it("PUT takes the whole configuration: a live setting left out goes back to its default; patch keeps it", async () => {
    await admin("PUT", "/api/v4/config/patch", { EmailSettings: { FeedbackName: "Team chat" } });
    expect((await admin("GET", "/api/v4/config")).body.EmailSettings).toMatchObject({
      SMTPServer: "mail.example.com",
      FeedbackName: "Team chat",
    });

    const replaced = await admin("PUT", "/api/v4/config", {
      EmailSettings: { SMTPServer: "smtp.example.com" },
    });

    expect(replaced.body.EmailSettings).toMatchObject({
      SMTPServer: "smtp.example.com",
      SMTPPort: "",
      SMTPPassword: "",
      FeedbackName: "",
    });
    expect(replaced.body.ServiceSettings.SiteURL).toBe("https://chat.example.com");
  });

  it("refuse what can't change at run time with Mattermost's not_allowed_security (403), saving nothing", async () => {
    const fixed = await admin("PUT", "/api/v4/config/patch", {
      ServiceSettings: { SiteURL: "https://other.example.com" },
      EmailSettings: { FeedbackName: "Not saved" },
    });
    expect(fixed.status).toBe(403);
    expect(fixed.body).toMatchObject({
      id: "api.config.update_config.not_allowed_security.app_error",
      message: expect.stringContaining("ServiceSettings.SiteURL can't be changed through the API"),
    });
    const applied = await admin("PUT", "/api/v4/config/patch", {
      SqlSettings: { DriverName: "postgres" },
    });
    expect(applied.status).toBe(403);
    expect(applied.body.message).toContain("EmailSettings.SMTPServer");
    expect((await admin("GET", "/api/v4/config")).body.EmailSettings.FeedbackName).toBe("Chat");
  });

  it("refuse values Mattermost's IsValid refuses, and settings of the wrong type, with 400", async () => {
    const security = await admin("PUT", "/api/v4/config/patch", {
      EmailSettings: { ConnectionSecurity: "SSL" },
    });
    expect(security.status).toBe(400);
    expect(security.body.id).toBe("model.config.is_valid.email_security.app_error");
    const attempts = await admin("PUT", "/api/v4/config/patch", {
      ServiceSettings: { MaximumLoginAttempts: 0 },
    });
    expect(attempts.body.id).toBe("model.config.is_valid.login_attempts.app_error");
    const port = await admin("PUT", "/api/v4/config/patch", { EmailSettings: { SMTPPort: 25 } });
    expect(port.status).toBe(400);
    expect(port.body).toMatchObject({
      id: "api.context.invalid_body_param.app_error",
      message: expect.stringContaining("EmailSettings.SMTPPort must be a string, not number"),
    });
    expect((await admin("PUT", "/api/v4/config", [1, 2])).status).toBe(400);
  });

  it("ignore sections and settings this host does not have, as Mattermost ignores unknown fields", async () => {
    const saved = await admin("PUT", "/api/v4/config/patch", {
      TeamSettings: { SiteName: "Elsewhere" },
      EmailSettings: { FeedbackName: "Known", SendEmailNotifications: true },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.TeamSettings).toBeUndefined();
    expect(saved.body.EmailSettings.FeedbackName).toBe("Known");
  });
});

describe("ConfigurationWillBeSaved", () => {
  it("refuses a save from the REST API with the plugin's message; nothing is saved", async () => {
    const refused = await admin("PUT", "/api/v4/config/patch", {
      EmailSettings: { FeedbackName: "refuse" },
    });

    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      `Plugin ${ID} refused the configuration, so it was not saved: FeedbackName may not be refuse.`,
    );
    expect((await admin("GET", "/api/v4/config")).body.EmailSettings.FeedbackName).toBe("Chat");
  });

  it("amends a save: what the plugin answered is what is saved", async () => {
    const saved = await admin("PUT", "/api/v4/config/patch", {
      EmailSettings: { FeedbackName: "amend" },
    });

    expect(saved.body.EmailSettings.FeedbackName).toBe("Amended by the plugin");
    expect((await admin("GET", "/api/v4/config")).body.EmailSettings.FeedbackName).toBe(
      "Amended by the plugin",
    );
  });
});

describe("the Plugin API", () => {
  const plugin = (path: string, json?: unknown) =>
    f.call(json === undefined ? "GET" : "POST", `/plugins/${ID}${path}`, {
      token: f.adminToken,
      json,
    });

  it("GetConfig is sanitised, GetUnsanitizedConfig has the secrets", async () => {
    const { body } = await plugin("/config");

    expect(body.sanitized.EmailSettings.SMTPPassword).toBe("********");
    expect(body.sanitized.SqlSettings.DataSource).toBe("********");
    expect(body.unsanitized.EmailSettings.SMTPPassword).toBe("hunter2");
    expect(body.unsanitized.SqlSettings.DataSource).toBe("postgres://plugwire:secret@db/plugwire");
    expect(body.unsanitized.FileSettings.PublicLinkSalt).toBe("0123456789abcdefghijklmnopqrstuv");
  });

  it("SaveConfig saves what the plugin changed, through ConfigurationWillBeSaved, and refuses as REST does", async () => {
    const { body } = await plugin("/config");
    const config = body.unsanitized;
    config.EmailSettings.SMTPServer = "relay.example.com";
    config.EmailSettings.FeedbackName = "amend";

    const saved = await plugin("/save-config", config);

    expect(saved.status).toBe(200);
    expect(saved.body.saved.EmailSettings).toMatchObject({
      SMTPServer: "relay.example.com",
      FeedbackName: "Amended by the plugin",
      SMTPPassword: "hunter2",
    });
    config.ServiceSettings.SiteURL = "https://other.example.com";
    const refused = await plugin("/save-config", config);
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({
      error: "PermissionDeniedError",
      id: "api.config.update_config.not_allowed_security.app_error",
    });
  });
});
