// The host's application layer: the one way in for every change of state. The REST server and
// the PluginAPI service both call it (a post made by a plugin takes the same path as one made by
// a person), and neither touches the store: permissions, hooks, events and transactions are
// decided here. Each area of it is an interface of its own, in the file that implements it.
import type { Logger } from "../log.js";
import type { AccessTokenOperations } from "./access-token-operations.js";
import type { AppEvents } from "./app-events.js";
import type { AuditOperations } from "./audit-operations.js";
import type { BotOperations } from "./bot-operations.js";
import type { ChannelOperations } from "./channel-operations.js";
import type { ClusterOperations } from "./cluster-operations.js";
import type { CommandOperations } from "./command-operations.js";
import type { ConfigOperations } from "./config-operations.js";
import type { EmojiOperations } from "./emoji-operations.js";
import type { FileOperations } from "./file-operations.js";
import type { GroupOperations } from "./group-operations.js";
import type { IntegrationOperations } from "./integration-operations.js";
import type { KVOperations } from "./kv-operations.js";
import type { MailOperations } from "./mail-operations.js";
import type { OAuthOperations } from "./oauth-operations.js";
import type { PeopleOperations } from "./people-operations.js";
import type { PermissionOperations } from "./permissions.js";
import type { PluginOperations } from "./plugin-operations.js";
import type { PostListOperations } from "./post-list-operations.js";
import type { PostOperations } from "./post-operations.js";
import type { PreferenceOperations } from "./preference-operations.js";
import type { ReactionOperations } from "./reaction-operations.js";
import type { RealtimeOperations } from "./realtime-operations.js";
import type { RoleOperations } from "./role-operations.js";
import type { SessionOperations } from "./session-operations.js";
import type { SidebarOperations } from "./sidebar-operations.js";
import type { StatusOperations } from "./status-operations.js";
import type { SystemOperations } from "./system-operations.js";
import type { TeamOperations } from "./team-operations.js";
import type { UserOperations } from "./user-operations.js";

export type {
  AuditQuery,
  BotQuery,
  ChannelMemberIdentifier,
  GroupQuery,
  KVWriteOptions,
  PageQuery,
  Session,
  ThreadQuery,
  UserQuery,
} from "../store/store.js";
export type { AccessTokenOperations } from "./access-token-operations.js";
export type { Actor } from "./actor.js";
export type { AppEvents } from "./app-events.js";
export type { AuditOperations } from "./audit-operations.js";
export type { BotOperations } from "./bot-operations.js";
export type { ChannelOperations } from "./channel-operations.js";
export type { ClusterMessage, EndedConnections } from "./cluster-bus.js";
export type { ClusterOperations } from "./cluster-operations.js";
export type { AutocompleteSuggestion, CommandOperations } from "./command-operations.js";
export type { ConfigOperations } from "./config-operations.js";
export type { EmojiImage, EmojiOperations } from "./emoji-operations.js";
export type {
  FileInfoFilter,
  FileOperations,
  FileUpload,
  UploadSessionRequest,
} from "./file-operations.js";
export type {
  DefaultMembershipParams,
  GroupOperations,
  GroupReadOptions,
} from "./group-operations.js";
export {
  type DialogSubmission,
  dialogRequestFromJson,
  type IntegrationOperations,
  type PostActionClick,
  type PostActionResult,
  withoutActionIntegrations,
} from "./integration-operations.js";
export type { KVOperations } from "./kv-operations.js";
export type { MailOperations } from "./mail-operations.js";
export type { OAuthOperations } from "./oauth-operations.js";
export type { ChannelPatch, PeopleOperations, UserAuthFields } from "./people-operations.js";
export type { Permission, PermissionOperations, Subject } from "./permissions.js";
export { channelMemberRoles, isPermission, teamMemberRoles } from "./permissions.js";
export type { BotRequest, PluginOperations } from "./plugin-operations.js";
export type { PostListOperations } from "./post-list-operations.js";
export type { PostOperations } from "./post-operations.js";
export type { PreferenceOperations } from "./preference-operations.js";
export type { ReactionOperations } from "./reaction-operations.js";
export type {
  PublishedWebSocketEvent,
  RealtimeOperations,
  Toast,
  WebSocketBroadcast,
  WebSocketRequest,
} from "./realtime-operations.js";
export type { RoleOperations } from "./role-operations.js";
export type { SaveMode } from "./server-config.js";
export type {
  Authenticated,
  Login,
  NewSession,
  SessionOperations,
} from "./session-operations.js";
export type {
  SidebarCategories,
  SidebarChange,
  SidebarOperations,
} from "./sidebar-operations.js";
export type { StatusOperations } from "./status-operations.js";
export type { SystemOperations } from "./system-operations.js";
export type { TeamMemberWithError, TeamOperations } from "./team-operations.js";
export type { UserOperations } from "./user-operations.js";

export interface App
  extends UserOperations,
    SessionOperations,
    AccessTokenOperations,
    TeamOperations,
    ChannelOperations,
    PeopleOperations,
    SidebarOperations,
    PostOperations,
    PostListOperations,
    ReactionOperations,
    PreferenceOperations,
    StatusOperations,
    FileOperations,
    KVOperations,
    PluginOperations,
    CommandOperations,
    IntegrationOperations,
    RealtimeOperations,
    PermissionOperations,
    RoleOperations,
    ClusterOperations,
    SystemOperations,
    ConfigOperations,
    MailOperations,
    BotOperations,
    AuditOperations,
    GroupOperations,
    EmojiOperations,
    OAuthOperations {
  /** Where the application layer logs, for the servers built on it. */
  readonly logger: Logger;
  /** Adds a listener of the app's events; returns a function that removes it. */
  subscribe(events: AppEvents): () => void;
  /** Resolves once every notification hook started so far has finished. */
  settled(): Promise<void>;
}
