// The host's persistence contract: one role interface per aggregate, and Store, their
// combination, which an implementation provides whole. Async so that a networked database
// can implement it; the embedded default is openSqliteStore. Every method throws
// @plugwire/errors classes: NotFoundError for a missing row, AlreadyExistsError for a unique
// clash, ValidationError for input the schema can't hold. Models are the protocol's own
// messages, so no layer re-shapes them on the way to a plugin. The suites in contract/ say
// what each role must do; README.md in this folder says how to run them on a new store.
import type { AuditStore } from "./audit-store.js";
import type { BotStore } from "./bot-store.js";
import type { ChannelStore } from "./channel-store.js";
import type { ClusterStore } from "./cluster-store.js";
import type { CommandStore } from "./command-store.js";
import type { EmojiStore } from "./emoji-store.js";
import type { FileInfoStore } from "./file-info-store.js";
import type { GroupStore } from "./group-store.js";
import type { HostKeyStore } from "./host-key-store.js";
import type { KVStore } from "./kv-store.js";
import type { LoginAttemptStore } from "./login-attempt-store.js";
import type { OAuthAppStore } from "./oauth-app-store.js";
import type { PluginStateStore } from "./plugin-state-store.js";
import type { PostListStore } from "./post-list-store.js";
import type { PostStore } from "./post-store.js";
import type { PreferenceStore } from "./preference-store.js";
import type { ReactionStore } from "./reaction-store.js";
import type { RoleStore } from "./role-store.js";
import type { SessionStore } from "./session-store.js";
import type { SidebarStore } from "./sidebar-store.js";
import type { StatusStore } from "./status-store.js";
import type { SystemStore } from "./system-store.js";
import type { TeamStore } from "./team-store.js";
import type { UploadSessionStore } from "./upload-session-store.js";
import type { UserAccessTokenStore } from "./user-access-token-store.js";
import type { UserStore } from "./user-store.js";

export type { AuditQuery, AuditStore } from "./audit-store.js";
export type { BotQuery, BotStore } from "./bot-store.js";
export type { ChannelMemberIdentifier, ChannelStore, MembershipChange } from "./channel-store.js";
export type { ClusterNode, ClusterStore, PluginBundle } from "./cluster-store.js";
export type { CommandStore } from "./command-store.js";
export type { EmojiStore } from "./emoji-store.js";
export type { FileInfoQuery, FileInfoStore } from "./file-info-store.js";
export type { GroupQuery, GroupStore, MembersToAddQuery, MemberToAdd } from "./group-store.js";
export type { HostKeyStore } from "./host-key-store.js";
export type { KVStore, KVWriteOptions } from "./kv-store.js";
export type { LoginAttemptStore } from "./login-attempt-store.js";
export type { OAuthAppStore } from "./oauth-app-store.js";
export type { PageQuery } from "./page-query.js";
export type { PluginStateStore } from "./plugin-state-store.js";
export type { PostListStore, PostSearchQuery, ThreadQuery } from "./post-list-store.js";
export type { PostStore } from "./post-store.js";
export type { PreferenceStore } from "./preference-store.js";
export type { ReactionStore } from "./reaction-store.js";
export type { MemberRoles, RoleStore } from "./role-store.js";
export type { Session, SessionStore } from "./session-store.js";
export type { SidebarOwner, SidebarStore, SidebarUpdate } from "./sidebar-store.js";
export type { StatusStore } from "./status-store.js";
export type { SystemStore } from "./system-store.js";
export type { TeamStore } from "./team-store.js";
export type { UploadSessionStore } from "./upload-session-store.js";
export type { NewUserAccessToken, UserAccessTokenStore } from "./user-access-token-store.js";
export type { UserQuery, UserStore } from "./user-store.js";

/** The databases a store can live in. */
export type StoreKind = "sqlite" | "postgresql";

export interface Store
  extends UserStore,
    SessionStore,
    UserAccessTokenStore,
    LoginAttemptStore,
    TeamStore,
    ChannelStore,
    SidebarStore,
    RoleStore,
    PostStore,
    FileInfoStore,
    UploadSessionStore,
    PostListStore,
    ReactionStore,
    PreferenceStore,
    StatusStore,
    KVStore,
    PluginStateStore,
    CommandStore,
    BotStore,
    ClusterStore,
    SystemStore,
    HostKeyStore,
    AuditStore,
    GroupStore,
    EmojiStore,
    OAuthAppStore {
  /** Which database keeps the data, as an admin would name it (the console's Server page). */
  readonly kind: StoreKind;
  close(): Promise<void>;
}
