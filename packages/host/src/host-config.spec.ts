// The server configuration across restarts and hosts: what a save changed is in the SQLite
// database, so the next start has it; a setting the next start fixes (a serve flag) wins over
// the saved one and can't be saved; a second host on the same database and cluster bus takes
// a save at once.
import { PermissionDeniedError } from "@plugwire/errors";
import { afterEach, describe, expect, it } from "vitest";
import { InProcessClusterBus } from "./app/cluster-bus.js";
import { createHost, type Host } from "./host.js";
import { startTestHost, type TestHost } from "./test-fixtures/test-host.js";

const admin = { userId: "admin-user-id" };
const email = (host: Host) =>
  (host.app.getUnsanitizedConfig() as { EmailSettings: Record<string, unknown> }).EmailSettings;

let t: TestHost;
const others: Host[] = [];
afterEach(async () => {
  for (const host of others.splice(0)) await host.close();
  await t.dispose();
});

describe("a saved configuration", () => {
  it("is read again at the next start", async () => {
    t = await startTestHost();
    await t.host.app.saveConfig(
      admin,
      { EmailSettings: { SMTPServer: "mail.example.com", SMTPPassword: "hunter2" } },
      "patch",
    );

    const restarted = await t.restart();

    expect(email(restarted)).toMatchObject({
      SMTPServer: "mail.example.com",
      SMTPPassword: "hunter2",
    });
    expect(
      (restarted.app.getConfig() as { EmailSettings: Record<string, unknown> }).EmailSettings
        .SMTPPassword,
    ).toBe("********");
  });

  it("gives way to what the next start fixes, which then can't be saved", async () => {
    t = await startTestHost();
    await t.host.app.saveConfig(
      admin,
      { EmailSettings: { SMTPServer: "saved.example.com", FeedbackName: "Saved" } },
      "patch",
    );
    await t.host.close();

    const fixed = await createHost({
      dataDir: t.dataDir,
      log: () => undefined,
      serverConfig: { EmailSettings: { SMTPServer: "flag.example.com" } },
    });
    others.push(fixed);

    expect(email(fixed)).toMatchObject({ SMTPServer: "flag.example.com", FeedbackName: "Saved" });
    await expect(
      fixed.app.saveConfig(admin, { EmailSettings: { SMTPServer: "other.example.com" } }, "patch"),
    ).rejects.toThrow(PermissionDeniedError);
    await fixed.app.saveConfig(admin, { EmailSettings: { FeedbackName: "Changed" } }, "patch");
    expect(email(fixed)).toMatchObject({ SMTPServer: "flag.example.com", FeedbackName: "Changed" });
  });
});

describe("two hosts of one cluster", () => {
  it("the other host reads a save at once", async () => {
    const bus = new InProcessClusterBus();
    t = await startTestHost({ cluster: bus, hostId: "a" });
    const b = await createHost({
      dataDir: t.dataDir,
      log: () => undefined,
      cluster: bus,
      hostId: "b",
    });
    others.push(b);

    await t.host.app.saveConfig(
      admin,
      { ServiceSettings: { MaximumLoginAttempts: 4 }, EmailSettings: { SMTPServer: "m.example" } },
      "patch",
    );

    await expect.poll(() => email(b).SMTPServer).toBe("m.example");
    expect(
      (b.app.getConfig() as { ServiceSettings: Record<string, unknown> }).ServiceSettings
        .MaximumLoginAttempts,
    ).toBe(4);
  });
});

describe("ServiceSettings.SiteURL", () => {
  it("is the URL setSiteUrl gives when the server knows it only once listening, fixed", async () => {
    t = await startTestHost();
    t.host.setSiteUrl("http://127.0.0.1:40123");

    expect(
      (t.host.app.getConfig() as { ServiceSettings: Record<string, unknown> }).ServiceSettings
        .SiteURL,
    ).toBe("http://127.0.0.1:40123");
    await expect(
      t.host.app.saveConfig(admin, { ServiceSettings: { SiteURL: "https://x.example" } }, "patch"),
    ).rejects.toThrow(/ServiceSettings.SiteURL can't be changed/);
  });
});
