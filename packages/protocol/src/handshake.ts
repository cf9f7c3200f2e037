// The handshake line a plugin prints as the first line of its stdout, go-plugin style:
//   CORE-PROTOCOL-VERSION | APP-PROTOCOL-VERSION | NETWORK-TYPE | NETWORK-ADDR | PROTOCOL
// optionally followed by go-plugin's sixth field, the server's certificate for AutoMTLS, which
// go-plugin servers always print (empty without AutoMTLS). Plugwire always uses "unix" and
// "grpc", and does not do AutoMTLS: the socket's private folder is what keeps others out.
import { APP_PROTOCOL_VERSION, APP_PROTOCOL_VERSIONS, CORE_PROTOCOL_VERSION } from "./constants.js";

/** What a well-formed handshake line says. */
export interface Handshake {
  coreVersion: number;
  appVersion: number;
  network: "unix";
  address: string;
  protocol: "grpc";
}

/** Formats the handshake line (without the newline) for a socket path. */
export function formatHandshake(socketPath: string, appVersion = APP_PROTOCOL_VERSION): string {
  return `${CORE_PROTOCOL_VERSION}|${appVersion}|unix|${socketPath}|grpc`;
}

/** Why a handshake line was refused. */
export class HandshakeError extends Error {
  override name = "HandshakeError";
  constructor(
    message: string,
    readonly line: string,
  ) {
    super(message);
  }
}

/**
 * Parses a handshake line. `supportedAppVersions` are the application protocol versions the
 * host speaks. Throws HandshakeError saying which part is wrong and what was expected.
 */
export function parseHandshake(
  line: string,
  supportedAppVersions: readonly number[] = APP_PROTOCOL_VERSIONS,
): Handshake {
  const trimmed = line.replace(/\r?\n$/, "");
  const parts = trimmed.split("|");
  if (parts.length !== 5 && parts.length !== 6) {
    throw new HandshakeError(
      `malformed handshake: expected 5 fields "core|app|unix|<socket path>|grpc" (or go-plugin's 6, the last one empty), got ${parts.length}`,
      trimmed,
    );
  }
  const [core, app, network, address, protocol, certificate = ""] = parts as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (!/^\d+$/.test(core) || Number(core) !== CORE_PROTOCOL_VERSION) {
    throw new HandshakeError(
      `incompatible core protocol version "${core}": this host speaks ${CORE_PROTOCOL_VERSION}`,
      trimmed,
    );
  }
  if (!/^\d+$/.test(app) || !supportedAppVersions.includes(Number(app))) {
    throw new HandshakeError(
      `unsupported plugin protocol version "${app}": this host speaks ${supportedAppVersions.join(", ")}; update the plugin's @plugwire/sdk or the host`,
      trimmed,
    );
  }
  if (network !== "unix") {
    throw new HandshakeError(`unsupported network "${network}": only "unix" is accepted`, trimmed);
  }
  if (address === "" || !address.startsWith("/")) {
    throw new HandshakeError(
      `bad socket address "${address}": expected an absolute Unix socket path`,
      trimmed,
    );
  }
  if (protocol !== "grpc") {
    throw new HandshakeError(
      `unsupported protocol "${protocol}": only "grpc" is accepted (net/rpc plugins are not supported)`,
      trimmed,
    );
  }
  if (certificate !== "") {
    throw new HandshakeError(
      "the plugin offers a TLS certificate in the sixth field (go-plugin's AutoMTLS), which this host does not support: a go-plugin server prints one only when PLUGIN_CLIENT_CERT is set, which Plugwire never sets, so remove it from how the plugin is started; the socket's private folder is the protection",
      trimmed,
    );
  }
  return {
    coreVersion: CORE_PROTOCOL_VERSION,
    appVersion: Number(app),
    network,
    address,
    protocol,
  };
}
