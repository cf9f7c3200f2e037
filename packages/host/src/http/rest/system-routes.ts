// /api/v4/system, /config/client, /license/client and /plugins/webapp: what a client reads
// about the server before anything else, answered as Mattermost answers it from this host's
// real settings. Plugwire has no license, and says so the way an unlicensed Mattermost does.
import { PluginAPIError } from "@plugwire/errors";
import { MAX_POST_MESSAGE_LENGTH } from "../../app/host-app.js";
import { clientManifestJson } from "./plugin-routes.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidUrlParam } from "./rest-errors.js";
import type { Router } from "./router.js";

export function systemRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/system/ping", ping)
    .add("GET", "/api/v4/config/client", clientConfig)
    .add("GET", "/api/v4/license/client", clientLicense)
    .add("GET", "/api/v4/plugins/webapp", webappPlugins);
}

/**
 * The health check, open to everyone: status "OK" and the mobile app versions (none set);
 * with get_server_status, whether the database answers, as database_status.
 */
async function ping(call: RestCall): Promise<void> {
  const answer: Record<string, string> = {
    AndroidLatestVersion: "",
    AndroidMinVersion: "",
    IosLatestVersion: "",
    IosMinVersion: "",
    status: "OK",
  };
  if (booleanQuery(call, "get_server_status")) {
    let database = "OK";
    try {
      await call.app.getTeams({ page: 0, perPage: 1 });
    } catch (error) {
      call.app.logger.error(`ping: the database did not answer: ${(error as Error).message}`);
      database = "UNHEALTHY";
    }
    Object.assign(answer, {
      database_status: database,
      filestore_status: "OK",
      ActiveSearchBackend: "database",
    });
    if (database !== "OK") {
      answer.status = "UNHEALTHY";
      call.send(500, answer);
      return;
    }
  }
  call.send(200, answer);
}

/**
 * The client configuration in the old format (string values): the part a login page needs for
 * everyone, and the rest for a logged-in user, as Mattermost's GenerateLimitedClientConfig and
 * GenerateClientConfig name them.
 */
async function clientConfig(call: RestCall): Promise<void> {
  requireOldFormat(call, "api.config.client.old_format.app_error");
  const version = call.host.serverVersion;
  const limited: Record<string, string> = {
    Version: version,
    BuildNumber: version,
    BuildDate: "",
    BuildHash: "",
    BuildHashEnterprise: "none",
    BuildEnterpriseReady: "false",
    SiteURL: call.server.siteUrl,
    SiteName: "Plugwire",
    DiagnosticsEnabled: "false",
    TelemetryId: "",
    // Accounts are made by system admins (POST /users); people log in with e-mail or username.
    EnableUserCreation: "true",
    EnableOpenServer: "false",
    EnableSignUpWithEmail: "true",
    EnableSignInWithEmail: "true",
    EnableSignInWithUsername: "true",
    EnableSignUpWithGitLab: "false",
    EnableSignUpWithGoogle: "false",
    EnableSignUpWithOffice365: "false",
    EnableSignUpWithOpenId: "false",
    EnableLdap: "false",
    EnableSaml: "false",
    EnableMultifactorAuthentication: "false",
    EnforceMultifactorAuthentication: "false",
    EnableGuestAccounts: "false",
    EnableCustomBrand: "false",
    CustomBrandText: "",
    CustomDescriptionText: "",
    DefaultClientLocale: "en",
    AvailableLocales: "",
    PasswordMinimumLength: "8",
    NoAccounts: "false",
    WebsocketURL: "",
    WebsocketPort: "80",
    WebsocketSecurePort: "443",
    AboutLink: "",
    HelpLink: "",
    PrivacyPolicyLink: "",
    TermsOfServiceLink: "",
    ReportAProblemLink: "",
    SupportEmail: "",
    EnableCustomEmoji: "true",
  };
  if (call.session === undefined) {
    call.send(200, limited);
    return;
  }
  call.send(200, {
    ...limited,
    EnableCommands: "true",
    EnableIncomingWebhooks: "false",
    EnableOutgoingWebhooks: "false",
    EnableOAuthServiceProvider: "false",
    EnablePostUsernameOverride: "false",
    EnablePostIconOverride: "false",
    EnableUserAccessTokens: "false",
    EnableBotAccountCreation: "false",
    EnableFileAttachments: "true",
    EnableMobileFileUpload: "true",
    EnableMobileFileDownload: "true",
    EnablePublicLink: "false",
    MaxFileSize: String(call.server.maxBodyBytes),
    MaxPostSize: String(MAX_POST_MESSAGE_LENGTH),
    ShowEmailAddress: "true",
    ShowFullName: "true",
    TeammateNameDisplay: "username",
    RestrictDirectMessage: "any",
    EnableTutorial: "false",
    EnableOnboardingFlow: "false",
    CollapsedThreads: "disabled",
    ExperimentalViewArchivedChannels: "false",
    EnablePreviewFeatures: "false",
    PluginsEnabled: "true",
    EnableUploads: "false",
    EnableMarketplace: "false",
    EnableEmojiPicker: "true",
    EnableGifPicker: "false",
    EnableLinkPreviews: "false",
    EnableSVGs: "false",
    EnableLatex: "false",
    EnableUserTypingMessages: "true",
    EnableUserStatuses: "true",
    EnableChannelViewedMessages: "true",
    TimeBetweenUserTypingUpdatesMilliseconds: "5000",
    MaxNotificationsPerChannel: "1000",
    EnableConfirmNotificationsToChannel: "true",
    FeatureFlagCollapsedThreads: "false",
  });
}

/** The license in the old format: this server has none. */
async function clientLicense(call: RestCall): Promise<void> {
  requireOldFormat(call, "api.license.client.old_format.app_error");
  call.send(200, { IsLicensed: "false" });
}

/**
 * The active plugins with a web app part, as Mattermost's client manifests: the manifest without
 * its description, server part and settings, webapp.bundle_path the URL the bundle is served
 * at. Open to everyone, as in Mattermost: the web app reads it before anyone logs in.
 */
async function webappPlugins(call: RestCall): Promise<void> {
  const manifests = call.host
    .statuses()
    .filter((status) => status.state === "active" && status.manifest.webapp !== undefined)
    .map((status) => clientManifestJson(status.manifest));
  call.send(200, manifests);
}

/** ?format=old is the only format Mattermost serves these in: without it 501, another 400. */
function requireOldFormat(call: RestCall, id: string): void {
  const format = call.url.searchParams.get("format") ?? "";
  if (format === "") {
    throw new PluginAPIError({
      id,
      message: "Only the old format is served: add ?format=old.",
      statusCode: 501,
      params: { field: "format" },
    });
  }
  if (format !== "old") {
    throw invalidUrlParam("format", `"${format}" is not a format; use "old".`);
  }
}

/** A true/false query parameter as Go's ParseBool reads it; absent or unreadable is false. */
function booleanQuery(call: RestCall, name: string): boolean {
  return ["1", "t", "T", "true", "TRUE", "True"].includes(call.url.searchParams.get(name) ?? "");
}
