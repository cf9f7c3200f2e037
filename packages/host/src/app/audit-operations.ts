// The audit log the host keeps: plugins write records (Mattermost's LogAuditRec and
// LogAuditRecWithLevel), system admins read them (GET /api/v4/audits). An entry is Mattermost's
// Audit: who, what, from where, and the rest of the record as JSON in extra_info.
import { create, toJsonString } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type Audit, type AuditRecord, AuditRecordSchema, AuditSchema } from "@plugwire/protocol";
import type { AuditQuery } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";

/** Mattermost's audit levels. */
export const AUDIT_LEVELS = ["debug", "info", "warn", "error"] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
/** Mattermost's audit statuses. */
const AUDIT_STATUSES = new Set(["", "attempt", "success", "fail"]);

export interface AuditOperations {
  /** Writes a record at a level ("info" unless given); event_name is required. */
  logAuditRecord(actor: Actor, record: AuditRecord, level?: string): Promise<Audit>;
  /** A page of the log, newest first. */
  getAudits(query: AuditQuery): Promise<Audit[]>;
}

export class Audits implements AuditOperations {
  constructor(private readonly core: AppCore) {}

  async logAuditRecord(actor: Actor, record: AuditRecord, level = "info"): Promise<Audit> {
    if (record.eventName.trim() === "") {
      throw invalid("record.event_name", "record.event_name is required: say what happened.");
    }
    if (!AUDIT_STATUSES.has(record.status)) {
      throw invalid(
        "record.status",
        `record.status is "${record.status}"; use "attempt", "success" or "fail".`,
      );
    }
    if (!(AUDIT_LEVELS as readonly string[]).includes(level)) {
      throw invalid("level", `level is "${level}"; use one of ${AUDIT_LEVELS.join(", ")}.`);
    }
    const { actor: who, eventName } = record;
    const rest = create(AuditRecordSchema, { ...record, eventName: "", actor: undefined });
    const extraInfo = JSON.parse(
      toJsonString(AuditRecordSchema, rest, { useProtoFieldName: true }),
    ) as Record<string, unknown>;
    if (who?.client) extraInfo.client = who.client;
    if (who?.xForwardedFor) extraInfo.x_forwarded_for = who.xForwardedFor;
    extraInfo.level = level;
    if (actor.pluginId) extraInfo.plugin_id = actor.pluginId;
    return this.core.store.saveAudit(
      create(AuditSchema, {
        userId: who?.userId ?? "",
        sessionId: who?.sessionId ?? "",
        ipAddress: who?.ipAddress ?? "",
        action: eventName,
        extraInfo: JSON.stringify(extraInfo),
      }),
    );
  }

  getAudits(query: AuditQuery): Promise<Audit[]> {
    return this.core.store.getAudits(query);
  }
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.request.invalid", message, params: { field } });
}
