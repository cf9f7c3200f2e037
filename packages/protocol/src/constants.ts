// The process conventions shared by the host and the SDK, after go-plugin's: the
// environment a plugin process is started with, and the values of its handshake.

/** Name of the magic-cookie variable; its presence tells a plugin it was started by a host. */
export const MAGIC_COOKIE_KEY = "PLUGWIRE_PLUGIN_MAGIC_COOKIE";
/** The magic cookie's value. It is not a secret: it only stops people running a plugin by hand. */
export const MAGIC_COOKIE_VALUE = "6f0c9a2e4b1d4e8fa3c7plugwire";

/** go-plugin's core protocol version, the first field of the handshake line. */
export const CORE_PROTOCOL_VERSION = 1;
/**
 * Plugwire's application protocol versions, the second field of the handshake line, as go-plugin
 * negotiates them: the host offers the versions it speaks in PLUGIN_PROTOCOL_VERSIONS, and the
 * plugin answers with the newest it speaks too.
 * - 1: the services of proto/ over gRPC on HTTP/2;
 * - 2: the same, and the server on either end also takes the call channel (channel.proto)
 *   straight on a connection of its own, without HTTP/2; each side's client then uses it.
 * Plugins in other languages, built on go-plugin, speak 1.
 */
export const APP_PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** The newest application protocol version: what the SDK answers when the host offers it. */
export const APP_PROTOCOL_VERSION = 2;
/** The first application protocol version in which both ends take the direct call channel. */
export const DIRECT_CHANNEL_PROTOCOL_VERSION = 2;

/** Environment variables the host sets for every plugin process. */
export const PluginEnv = {
  /** The magic cookie, under MAGIC_COOKIE_KEY. */
  magicCookie: MAGIC_COOKIE_KEY,
  /** Comma-separated application protocol versions the host speaks, e.g. "1". */
  protocolVersions: "PLUGIN_PROTOCOL_VERSIONS",
  /** Private folder (0700) in which the plugin creates its Unix socket. */
  unixSocketDir: "PLUGIN_UNIX_SOCKET_DIR",
  /** The plugin's id from its manifest. */
  pluginId: "PLUGWIRE_PLUGIN_ID",
  /** Where the PluginAPI is served, as "unix:<path>". */
  apiTarget: "PLUGWIRE_API_TARGET",
  /** Random per-start token: sent on every API call, checked on every hook call. */
  apiToken: "PLUGWIRE_API_TOKEN",
  /** Lowest level the plugin's logger writes: debug, info, warn or error. */
  logLevel: "PLUGWIRE_LOG_LEVEL",
  /** The host's deadline for one hook call, in milliseconds. */
  hookTimeoutMs: "PLUGWIRE_HOOK_TIMEOUT_MS",
  /**
   * The plugin's own folder for files it keeps (0700), when the host provides one: under
   * isolation, the only place it may write.
   */
  dataDir: "PLUGWIRE_PLUGIN_DATA_DIR",
} as const;

/** The gRPC health service name a plugin reports as SERVING once it is ready. */
export const HEALTH_SERVICE_NAME = "plugin";

/** Metadata header carrying the per-start token, as "Bearer <token>". */
export const AUTHORIZATION_HEADER = "authorization";

/** Largest body chunk of ServeHTTP, UploadFile and GetFile frames. */
export const MAX_CHUNK_BYTES = 64 * 1024;
