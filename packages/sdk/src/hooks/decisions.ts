// What MessageWillBePosted, MessageWillBeUpdated and UserWillLogIn decide, stated explicitly
// rather than guessed from a (post, reason) pair, and its mapping onto the proto oneofs.
import type { LoginDecisionSchema, PostDecisionSchema } from "@plugwire/protocol";
import type { PostInit } from "../api/plugin-api-client.js";
import type { PlainInit } from "../models/plain.js";

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

/** What MessageWillBePosted and MessageWillBeUpdated return. */
export type PostDecision = Allow | Modify | Reject | Dismiss;

/** What UserWillLogIn returns. */
export type LoginDecision = Allow | Reject;

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

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null && "kind" in value) {
    return `a decision of kind ${JSON.stringify(value.kind)}`;
  }
  return value === null ? "null" : typeof value;
}
