import type { Audit } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Filters of AuditStore.getAudits. */
export interface AuditQuery extends PageQuery {
  /** Only this user's entries. */
  userId?: string;
}

/** The audit log: entries are only added, and read newest first. */
export interface AuditStore {
  /** Adds an entry; an empty id and create_at are filled in. */
  saveAudit(audit: Audit): Promise<Audit>;
  /** A page of entries, newest first. */
  getAudits(query: AuditQuery): Promise<Audit[]>;
}
