import type { Agency } from '../../generated/prisma/enums.js';
import type { AuditOutcome } from './audit.chain.js';
import type { AuditDraft, AuditRepository, AuditRow } from './audit.repository.js';

/** The kinds of security event the hub records; other modules may record kinds of their own (a quota's, say). */
export const SecurityEventKind = {
  /** A client read the schema (`__schema`, `__type`). */
  INTROSPECTION: 'INTROSPECTION',
  /** A document that did not parse or validate against the client's view (a field it may not see, say). */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** A request to /graphql (or a WebSocket) without a valid token. */
  AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  /** A refused request to /oauth/token. */
  TOKEN_REQUEST_FAILED: 'TOKEN_REQUEST_FAILED',
  /** A WebSocket subscribe refused past a cap on live subscriptions, or as a twin of a live one (tallied). */
  SUBSCRIPTION_REFUSED: 'SUBSCRIPTION_REFUSED',
} as const;

/**
 * A security event: what happened, to which client when it is known, from
 * which address, and why, in words that carry no personal data (no argument
 * values, no ID numbers, no names).
 */
export interface SecurityEvent {
  kind: string;
  reason: string;
  /** The client, when known (a verified token, or a client id the request named). */
  clientId?: string | null;
  agency?: Agency | null;
  /** The client's jurisdiction, so that its regional auditor sees the event. */
  jurisdiction?: string | null;
  jti?: string | null;
  /** The peer address of the request. */
  address?: string | null;
  /** DENIED unless said otherwise (an introspection that was answered is SUCCESS). */
  outcome?: AuditOutcome;
}

/** The audit entry of a security event. */
export function securityEventDraft(event: SecurityEvent): AuditDraft {
  return {
    clientId: event.clientId ?? null,
    agency: event.agency ?? null,
    jurisdiction: event.jurisdiction ?? null,
    jti: event.jti ?? null,
    event: event.kind,
    address: event.address ?? null,
    error: event.reason,
    outcome: event.outcome ?? 'DENIED',
  };
}

/**
 * Appends a security event to the audit log, in its own transaction. Throws
 * when it cannot be written; callers that answer a refusal anyway should log
 * and go on (`recordSecurityEventQuietly`).
 */
export function recordSecurityEvent(audit: AuditRepository, event: SecurityEvent): Promise<AuditRow> {
  return audit.append(securityEventDraft(event));
}

/**
 * Error messages with the values a client sent taken out: a quoted text that
 * is not a GraphQL name (an ID number, a name, a literal) becomes "…", so
 * that a validation failure's reason names fields and types but no data.
 */
export function withoutValues(message: string, max = 300): string {
  return message
    .replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) => (/^[_A-Za-z][_0-9A-Za-z]*$/.test(inner) ? quoted : '"…"'))
    .slice(0, max);
}
