// E-mail as Mattermost's SendMail sends it: one HTML message through the SMTP server of the
// configuration's EmailSettings, read at each send (a saved change counts at once), with
// nodemailer. Refused before anything is sent: an empty address, subject or body (400, with
// Mattermost's ids), and a server without an SMTP server configured (Mattermost's error when
// it can't reach one). What the SMTP server answers otherwise comes back in the error.
import { hostname } from "node:os";
import { InternalError, ValidationError } from "@plugwire/errors";
import nodemailer from "nodemailer";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";

export interface MailOperations {
  /** Sends an HTML e-mail to `to` through the configured SMTP server; resolves once it took it. */
  sendMail(actor: Actor, to: string, subject: string, htmlBody: string): Promise<void>;
}

export class Mail implements MailOperations {
  constructor(private readonly core: AppCore) {}

  async sendMail(actor: Actor, to: string, subject: string, htmlBody: string): Promise<void> {
    for (const [value, field] of [
      [to, "to"],
      [subject, "subject"],
      [htmlBody, "htmlbody"],
    ] as const) {
      if (value.trim() === "") {
        throw new ValidationError({
          id: `plugin_api.send_mail.missing_${field}`,
          message: `SendMail needs ${field === "htmlbody" ? "an HTML body" : `a ${field === "to" ? "recipient address" : "subject"}`}.`,
          where: "SendMail",
          params: { field },
        });
      }
    }
    const setting = (key: string) => this.core.config.get("EmailSettings", key);
    const server = String(setting("SMTPServer"));
    if (server === "") {
      throw new InternalError({
        id: "utils.mail.connect_smtp.open.app_error",
        message:
          "No SMTP server is configured, so no e-mail can be sent: set EmailSettings.SMTPServer (plugwire serve --smtp-host, or PUT /api/v4/config).",
        where: "SendMail",
      });
    }
    const security = String(setting("ConnectionSecurity"));
    const timeoutMs = Number(setting("SMTPServerTimeout")) * 1000;
    const transport = nodemailer.createTransport({
      host: server,
      port: Number(setting("SMTPPort")) || (security === "TLS" ? 465 : 25),
      secure: security === "TLS",
      requireTLS: security === "STARTTLS",
      // No connection security means none, as in Mattermost: no opportunistic STARTTLS.
      ignoreTLS: security === "",
      tls: { rejectUnauthorized: setting("SkipServerCertificateVerification") !== true },
      ...(setting("EnableSMTPAuth") === true && {
        auth: { user: String(setting("SMTPUsername")), pass: String(setting("SMTPPassword")) },
      }),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    const address = String(setting("FeedbackEmail")) || `noreply@${hostname()}`;
    const name = String(setting("FeedbackName"));
    try {
      await transport.sendMail({
        from: name === "" ? address : { name, address },
        to,
        subject,
        html: htmlBody,
      });
    } catch (reason) {
      throw sendFailed(server, reason as Error & { code?: string });
    } finally {
      transport.close();
    }
    this.core.log.info("e-mail sent", { to, pluginId: actor.pluginId, userId: actor.userId });
  }
}

/** What went wrong with the SMTP server, under Mattermost's error ids. */
function sendFailed(server: string, error: Error & { code?: string }): InternalError {
  const [id, what] =
    error.code === "EAUTH"
      ? ["utils.mail.new_client.auth.app_error", "authenticating on"]
      : error.code === "ECONNECTION" || error.code === "ETIMEDOUT" || error.code === "ESOCKET"
        ? ["utils.mail.connect_smtp.open.app_error", "connecting to"]
        : ["utils.mail.send_mail.msg.app_error", "sending the message through"];
  return new InternalError({
    id,
    message: `Failed ${what} the SMTP server ${server}: ${error.message}`,
    where: "SendMail",
    cause: error,
  });
}
