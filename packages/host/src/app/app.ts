// The operations of the host's application layer that fire hooks. The PluginAPI service and
// the REST server both call these, so a post made by a plugin takes the same path as one
// made by a person. Reads that fire no hook go to the Store directly.
import type { JsonObject } from "@bufbuild/protobuf";
import type {
  Channel,
  ChannelMember,
  CommandArgs,
  CommandResponse,
  PluginClusterEvent,
  PluginContext,
  Post,
  TeamMember,
  User,
} from "@plugwire/protocol";

/** Who asked for an operation: the request context plus, for plugins, the plugin's id. */
export interface Actor {
  context?: PluginContext;
  /** The user acting; empty when a plugin or the system acts. */
  userId?: string;
  /** Set when the operation comes from a plugin's API call. */
  pluginId?: string;
}

export interface App {
  createUser(actor: Actor, user: User, password?: string): Promise<User>;
  deactivateUser(actor: Actor, userId: string): Promise<User>;
  createChannel(actor: Actor, channel: Channel): Promise<Channel>;
  addChannelMember(actor: Actor, channelId: string, userId: string): Promise<ChannelMember>;
  removeChannelMember(actor: Actor, channelId: string, userId: string): Promise<void>;
  /** `admin`: a new member is the team's admin, as the team's creator is. */
  addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
    options?: { admin?: boolean },
  ): Promise<TeamMember>;
  removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void>;
  /** MessageWillBePosted through every active plugin, store, then MessageHasBeenPosted. */
  createPost(actor: Actor, post: Post): Promise<Post>;
  /** MessageWillBeUpdated, store, then MessageHasBeenUpdated. */
  updatePost(actor: Actor, post: Post): Promise<Post>;
  /** Delete, then MessageHasBeenDeleted. */
  deletePost(actor: Actor, postId: string): Promise<void>;
  /** Runs a slash command: ExecuteCommand on the plugin that registered its trigger. */
  executeCommand(actor: Actor, args: CommandArgs): Promise<CommandResponse>;
  /** Delivers a post to one user's live connections without storing it. */
  sendEphemeralPost(actor: Actor, userId: string, post: Post): Promise<Post>;
  /** Saves a plugin's settings, then OnConfigurationChange to that plugin. */
  savePluginConfig(actor: Actor, pluginId: string, config: JsonObject): Promise<void>;
  /** Sends a cluster event to the plugin's instances on other hosts. */
  publishPluginClusterEvent(
    actor: Actor,
    pluginId: string,
    event: PluginClusterEvent,
    targetHostId?: string,
  ): Promise<void>;
}
