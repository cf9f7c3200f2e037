// The two secrets of interactive messages and dialogs, made once per database and shared by
// every host on it (store/host-key-store.ts):
// - trigger ids, in Mattermost's format: base64("<client id>:<user id>:<ms>:" + base64(ECDSA
//   P-256 SHA-256 signature)); valid for 30 seconds, for the user they name, and here once;
// - post action cookies, which carry an ephemeral post's action (its integration url and
//   context) through the client: base64(nonce + AES-256-GCM sealed JSON), as Mattermost's.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import { ValidationError } from "@plugwire/errors";
import type { HostKeyStore } from "../store/store.js";
import { newId } from "./ids.js";

/** How long a trigger id may be used (Mattermost's InteractiveDialogTriggerTimeoutMilliseconds). */
export const TRIGGER_ID_TIMEOUT_MS = 30_000;

const SIGNING_KEY = "asymmetric_signing_key";
const COOKIE_KEY = "post_action_cookie_secret";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A trigger id checked: who it belongs to and the id the client knows it by. */
export interface VerifiedTrigger {
  clientTriggerId: string;
  userId: string;
}

export class IntegrationSecrets {
  private signingKey?: Promise<KeyObject>;
  private cookieKey?: Promise<Buffer>;
  /** Client trigger ids used, with when they expire; forgotten once expired. */
  private readonly used = new Map<string, number>();

  constructor(
    private readonly store: HostKeyStore,
    private readonly now: () => number,
  ) {}

  /** A new trigger id for `userId`: the full id (for the plugin) and the client's part. */
  async newTriggerId(userId: string): Promise<{ triggerId: string; clientTriggerId: string }> {
    const clientTriggerId = newId();
    const data = `${clientTriggerId}:${userId}:${Math.trunc(this.now())}:`;
    const signature = sign("sha256", Buffer.from(data), await this.signing());
    const triggerId = Buffer.from(data + signature.toString("base64")).toString("base64");
    return { triggerId, clientTriggerId };
  }

  /**
   * Checks a trigger id and uses it up. ValidationError (Mattermost's ids) when it is not one,
   * its signature is wrong, it expired, or it was used already.
   */
  async useTriggerId(triggerId: string): Promise<VerifiedTrigger> {
    const parts = Buffer.from(triggerId, "base64").toString("utf8").split(":");
    if (parts.length !== 4) {
      throw triggerError("missing_data", "The trigger id is not one the server made.");
    }
    const [clientTriggerId = "", userId = "", millis = "", signature = ""] = parts;
    const data = Buffer.from(`${clientTriggerId}:${userId}:${millis}:`);
    const key = createPublicKey(await this.signing());
    if (!verify("sha256", data, key, Buffer.from(signature, "base64"))) {
      throw triggerError("verify_signature_failed", "The trigger id's signature is wrong.");
    }
    const now = this.now();
    const expiresAt = Number(millis) + TRIGGER_ID_TIMEOUT_MS;
    if (!(now <= expiresAt)) {
      throw triggerError(
        "expired",
        `The trigger id expired: it is valid for ${TRIGGER_ID_TIMEOUT_MS / 1000} seconds.`,
      );
    }
    for (const [id, until] of this.used) if (until < now) this.used.delete(id);
    if (this.used.has(clientTriggerId)) {
      throw triggerError("used", "The trigger id was used already; each opens one dialog.");
    }
    this.used.set(clientTriggerId, expiresAt);
    return { clientTriggerId, userId };
  }

  /** Seals a cookie's JSON so that only a host with this database's key can read it. */
  async sealCookie(plain: string): Promise<string> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", await this.cookie(), nonce);
    const sealed = Buffer.concat([
      cipher.update(plain, "utf8"),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return Buffer.concat([nonce, sealed]).toString("base64");
  }

  /** The JSON a sealed cookie holds; ValidationError when it was not sealed here or was changed. */
  async openCookie(encoded: string): Promise<string> {
    const bytes = Buffer.from(encoded, "base64");
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw cookieError();
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", await this.cookie(), nonce);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      throw cookieError();
    }
  }

  private signing(): Promise<KeyObject> {
    this.signingKey ??= this.store
      .hostKey(SIGNING_KEY, () =>
        generateKeyPairSync("ec", { namedCurve: "P-256" })
          .privateKey.export({ type: "pkcs8", format: "pem" })
          .toString(),
      )
      .then((pem) => createPrivateKey(pem));
    return this.signingKey;
  }

  private cookie(): Promise<Buffer> {
    this.cookieKey ??= this.store
      .hostKey(COOKIE_KEY, () => randomBytes(32).toString("base64"))
      .then((key) => Buffer.from(key, "base64"));
    return this.cookieKey;
  }
}

function triggerError(reason: string, message: string): ValidationError {
  return new ValidationError({
    id: `interactive_message.decode_trigger_id.${reason}`,
    message,
    params: { field: "trigger_id" },
  });
}

function cookieError(): ValidationError {
  return new ValidationError({
    id: "api.post.do_action.action_integration.app_error",
    message: "The action cookie is not one this server made, or it was changed.",
    params: { field: "cookie" },
  });
}
