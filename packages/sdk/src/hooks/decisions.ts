// What MessageWillBePosted, MessageWillBeUpdated, UserWillLogIn and FileWillBeUploaded decide,
// stated explicitly rather than guessed from a (post, reason) pair, and its mapping onto the
// proto messages.
import type {
  FileInfoSchema,
  FileWillBeUploadedResultSchema,
  LoginDecisionSchema,
  PostDecisionSchema,
} from "@plugwire/protocol";
import type { PostInit } from "../api/plugin-api-client.js";
import type { PlainInit } from "../models/plain.js";

/** A changed file record: any subset of FileInfo's fields. */
export type FileInfoInit = PlainInit<typeof FileInfoSchema>;

/** Keep the post, or let the login proceed. */
export interface Allow {
  readonly kind: "allow";
}

/** Store this post instead of the one that came. */
export interface Modify {
  readonly kind: "modify";
  readonly post: PostInit;
}

/** Refuse; the reason is shown to whoever caused the operation. */
export interface Reject {
  readonly kind: "reject";
  readonly reason: string;
}

/** Drop the post silently: nothing is stored and no error is shown. */
export interface Dismiss {
  readonly kind: "dismiss";
}

/** Store the upload under this record instead (its name, MIME type, picture size). */
export interface ModifyFile {
  readonly kind: "modify_file";
  readonly fileInfo: FileInfoInit;
}

/** What MessageWillBePosted and MessageWillBeUpdated return. */
export type PostDecision = Allow | Modify | Reject | Dismiss;

/** What UserWillLogIn returns. */
export type LoginDecision = Allow | Reject;

/**
 * What FileWillBeUploaded returns. Whether the content is replaced is not part of it: any
 * byte the handler writes to its output replaces the upload's content.
 */
export type FileDecision = Allow | ModifyFile | Reject;

const allowed: Allow = Object.freeze({ kind: "allow" });
const dismissed: Dismiss = Object.freeze({ kind: "dismiss" });

/** Keep the post as it came, or let the login proceed. */
export function allow(): Allow {
  return allowed;
}

/** Store `post` instead, e.g. `modify({ ...post, message: cleaned })`. */
export function modify(post: PostInit): Modify {
  return { kind: "modify", post };
}

/** Refuse with a reason shown to the user. */
export function reject(reason: string): Reject {
  return { kind: "reject", reason };
}

/** Store the upload under a changed record, e.g. `modifyFile({ ...info, name: "clean.txt" })`. */
export function modifyFile(fileInfo: FileInfoInit): ModifyFile {
  return { kind: "modify_file", fileInfo };
}

/** Drop the post without a word. */
export function dismiss(): Dismiss {
  return dismissed;
}

type PostDecisionInit = PlainInit<typeof PostDecisionSchema>;
type LoginDecisionInit = PlainInit<typeof LoginDecisionSchema>;

const allowOutcome = { outcome: { case: "allow", value: {} } } as const;
const dismissOutcome = { outcome: { case: "dismiss", value: {} } } as const;

/** The proto PostDecision of a decision; throws TypeError for anything else. */
export function postDecisionMessage(decision: PostDecision): PostDecisionInit {
  switch (decision?.kind) {
    case "allow":
      return allowOutcome;
    case "modify":
      return { outcome: { case: "modify", value: decision.post } };
    case "reject":
      return { outcome: { case: "reject", value: { reason: decision.reason } } };
    case "dismiss":
      return dismissOutcome;
    default:
      throw new TypeError(
        `the handler must return allow(), modify(post), reject(reason) or dismiss(), not ${describe(decision)}`,
      );
  }
}

/** The proto LoginDecision of a decision; throws TypeError for anything else. */
export function loginDecisionMessage(decision: LoginDecision): LoginDecisionInit {
  switch (decision?.kind) {
    case "allow":
      return allowOutcome;
    case "reject":
      return { outcome: { case: "reject", value: { reason: decision.reason } } };
    default:
      throw new TypeError(
        `the handler must return allow() or reject(reason), not ${describe(decision)}`,
      );
  }
}

/** The proto FileWillBeUploadedResult of a decision; throws TypeError for anything else. */
export function fileDecisionMessage(
  decision: FileDecision,
): PlainInit<typeof FileWillBeUploadedResultSchema> {
  switch (decision?.kind) {
    case "allow":
      return {};
    case "modify_file":
      return { fileInfo: decision.fileInfo };
    case "reject":
      return { rejectionReason: decision.reason || "rejected by a plugin" };
    default:
      throw new TypeError(
        `the handler must return allow(), modifyFile(info) or reject(reason), not ${describe(decision)}`,
      );
  }
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null && "kind" in value) {
    return `a decision of kind ${JSON.stringify(value.kind)}`;
  }
  return value === null ? "null" : typeof value;
}
