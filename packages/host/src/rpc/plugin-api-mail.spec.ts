// SendMail through a real SMTP server on loopback (smtp-server): what it received (envelope,
// headers, HTML body) is what the plugin asked for, with the configuration's sender, security
// and login; each refusal says why with Mattermost's error id.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { JsonObject } from "@bufbuild/protobuf";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import { PLUGIN_A, usePluginApiServers, world } from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

interface Received {
  from: string;
  to: string[];
  /** The whole message as it arrived, headers and body. */
  raw: string;
  user?: string;
  password?: string;
}

let smtp: SMTPServer | undefined;
afterEach(async () => {
  const server = smtp;
  smtp = undefined;
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Starts an SMTP server on a free loopback port; `received` fills as messages arrive. */
async function startSmtp(options: SMTPServerOptions = {}) {
  const received: Received[] = [];
  let login: { user?: string; password?: string } = {};
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    ...options,
    onAuth(auth, _session, callback) {
      login = { user: auth.username ?? undefined, password: auth.password ?? undefined };
      if (auth.password !== "hunter2") return callback(new Error("Invalid username or password"));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          ...login,
        });
        callback();
      });
    },
  });
  smtp.listen(0, "127.0.0.1");
  await once(smtp.server, "listening");
  return { port: String((smtp.server.address() as AddressInfo).port), received };
}

const configure = (email: JsonObject) =>
  world.hostApp.saveConfig({}, { EmailSettings: email }, "patch");

const mail = (
  to: string,
  subject = "Build 42 failed",
  htmlBody = "<p>The <b>deploy</b> job failed.</p>",
) => world.a.sendMail({ to, subject, htmlBody });

describe("SendMail", () => {
  it("sends the HTML message to the address through the configured server, from its sender", async () => {
    const { port, received } = await startSmtp();
    await configure({
      SMTPServer: "127.0.0.1",
      SMTPPort: port,
      FeedbackEmail: "chat@example.com",
      FeedbackName: "Chat",
    });

    await mail("ann@example.com");

    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message).toMatchObject({ from: "chat@example.com", to: ["ann@example.com"] });
    expect(message?.raw).toMatch(/^From: Chat <chat@example\.com>$/m);
    expect(message?.raw).toMatch(/^To: ann@example\.com$/m);
    expect(message?.raw).toMatch(/^Subject: Build 42 failed$/m);
    expect(message?.raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    expect(message?.raw).toContain("<p>The <b>deploy</b> job failed.</p>");
    expect(world.calls.find((call) => call.operation === "sendMail")?.actor).toMatchObject({
      pluginId: PLUGIN_A,
    });
  });

  it("logs in when EnableSMTPAuth is on, and says so when the server refuses the login", async () => {
    const { port, received } = await startSmtp({
      disabledCommands: ["STARTTLS"],
      authOptional: false,
      allowInsecureAuth: true,
    });
    await configure({
      SMTPServer: "127.0.0.1",
      SMTPPort: port,
      EnableSMTPAuth: true,
      SMTPUsername: "postmaster",
      SMTPPassword: "hunter2",
    });

    await mail("bob@example.com");
    expect(received[0]).toMatchObject({ user: "postmaster", password: "hunter2" });

    await configure({ SMTPPassword: "wrong" });
    const error = await failureOf(mail("bob@example.com"));
    expect(error).toMatchObject({ id: "utils.mail.new_client.auth.app_error", statusCode: 500 });
    expect(error.message).toContain("Invalid username or password");
    expect(received).toHaveLength(1);
  });

  it("upgrades the connection with STARTTLS when asked, the certificate unchecked when told", async () => {
    const { port, received } = await startSmtp({ disabledCommands: ["AUTH"] });
    await configure({
      SMTPServer: "127.0.0.1",
      SMTPPort: port,
      ConnectionSecurity: "STARTTLS",
      SkipServerCertificateVerification: true,
    });

    await mail("carol@example.com", "Secure");

    expect(received[0]?.raw).toMatch(/^Subject: Secure$/m);
    // smtp-server's own certificate is self-signed: checked, it is refused.
    await configure({ SkipServerCertificateVerification: false });
    expect((await failureOf(mail("carol@example.com"))).message).toMatch(/certificate/i);
  });

  it("refuses a server without SMTP configured, naming the setting", async () => {
    const error = await failureOf(mail("ann@example.com"));

    expect(error).toMatchObject({ id: "utils.mail.connect_smtp.open.app_error", statusCode: 500 });
    expect(error.message).toContain("EmailSettings.SMTPServer");
  });

  it("refuses an empty address, subject or body with Mattermost's ids (400)", async () => {
    await configure({ SMTPServer: "127.0.0.1" });

    expect(await failureOf(mail(""))).toMatchObject({
      id: "plugin_api.send_mail.missing_to",
      statusCode: 400,
    });
    expect((await failureOf(mail("a@example.com", ""))).id).toBe(
      "plugin_api.send_mail.missing_subject",
    );
    expect((await failureOf(mail("a@example.com", "s", " "))).id).toBe(
      "plugin_api.send_mail.missing_htmlbody",
    );
  });

  it("says it could not connect when nothing listens on the configured port", async () => {
    const { port } = await startSmtp();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    smtp = undefined;
    await configure({ SMTPServer: "127.0.0.1", SMTPPort: port, SMTPServerTimeout: 2 });

    const error = await failureOf(mail("ann@example.com"));

    expect(error).toMatchObject({ id: "utils.mail.connect_smtp.open.app_error", statusCode: 500 });
    expect(error.message).toContain("127.0.0.1");
  });
});
