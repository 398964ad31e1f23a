import { createHash } from 'node:crypto';
import { hmacHex, type AuditKey, type AuditKeyRing } from './audit.keys.js';

/** How an audited operation ended. */
export const AuditOutcome = {
  SUCCESS: 'SUCCESS',
  DENIED: 'DENIED',
  FAILED: 'FAILED',
} as const;

/** How an audited operation ended. */
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/** The `prevHash` of the first entry, which has no predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry as the chain sees it: everything its hash covers. */
export interface ChainEntry {
  seq: bigint;
  at: Date;
  clientId: string | null;
  agency: string | null;
  jti: string | null;
  purpose: string | null;
  operationName: string | null;
  documentHash: string | null;
  personIds: readonly string[];
  fields: readonly string[];
  outcome: string;
  error: string | null;
  // Fields added after the first version of the log (OPTIONAL_FIELDS): the canonical form carries each only
  // when it is set, so entries written before a field existed keep their hash. A field added later follows the rule.
  /** The id of the HMAC key that hashed the entry; null for entries hashed with plain SHA-256 before the log was keyed. */
  keyId?: string | null;
  /** The region-code prefix of the client that caused the entry ('' for the whole country). */
  jurisdiction?: string | null;
  /** A security event's kind (an operation's entry has none), like `AUTHENTICATION_FAILED`. */
  event?: string | null;
  /** The network address the request came from, for security events. */
  address?: string | null;
  /** The id of the request that caused the entry, as its log lines carry it. */
  requestId?: string | null;
}

/** The fields of the canonical form carried only when set, in this order. */
const OPTIONAL_FIELDS = ['keyId', 'jurisdiction', 'event', 'address', 'requestId'] as const;

/** A stored entry: the entry, its predecessor's hash and its own. */
export interface ChainRow extends ChainEntry {
  prevHash: string;
  hash: string;
}

/** Why verification stopped at an entry. */
export type BrokenReason =
  | 'hash mismatch'
  | 'previous hash mismatch'
  | 'sequence gap'
  | 'unknown key'
  | 'unkeyed entry'
  | 'checkpoint mismatch'
  | 'log ends before checkpoint';

/** What a checkpoint vouches for: the entry at `seq` had hash `hash`. */
export interface CheckpointHead {
  seq: bigint;
  hash: string;
}

/** The result of walking the chain: intact, or the first entry that breaks it. */
export type ChainVerdict =
  { intact: true; entries: number; checkpoints?: number } | { intact: false; firstBroken: { seq: bigint; reason: BrokenReason } };

/** Sorted by UTF-16 code units (not locale collation, which may differ between machines) and without duplicates. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The canonical serialization an entry's hash covers: JSON with the keys in
 * this fixed order, `seq` as a decimal string (it exceeds a JSON number's safe
 * range in principle), `at` as ISO 8601 UTC with milliseconds (the column's
 * precision), absent values as null, and the person ids (lower-case, as
 * PostgreSQL prints a uuid) and fields sorted and deduplicated, because they
 * are sets and their order carries no meaning.
 */
export function canonicalEntry(entry: ChainEntry): string {
  return JSON.stringify({
    seq: entry.seq.toString(),
    at: entry.at.toISOString(),
    clientId: entry.clientId,
    agency: entry.agency,
    jti: entry.jti,
    purpose: entry.purpose,
    operationName: entry.operationName,
    documentHash: entry.documentHash,
    // A NULL array (only possible by hand, outside the writer) means the same as an empty one.
    personIds: sortedUnique((entry.personIds ?? []).map((id) => id.toLowerCase())),
    fields: sortedUnique(entry.fields ?? []),
    outcome: entry.outcome,
    error: entry.error,
    ...Object.fromEntries(OPTIONAL_FIELDS.filter((name) => entry[name] != null).map((name) => [name, entry[name]])),
  });
}

/**
 * `HMAC-SHA256(key, prevHash + canonical(entry))` in lower-case hex; without
 * a key, `sha256(prevHash + canonical(entry))`, the hash of entries written
 * before the log was keyed. The entry's `keyId` must name `key`.
 */
export function hashEntry(prevHash: string, entry: ChainEntry, key?: AuditKey): string {
  if ((entry.keyId ?? undefined) !== key?.kid) throw new Error('an entry is hashed with the key its keyId names');
  const text = prevHash + canonicalEntry(entry);
  return key ? hmacHex(key, text) : createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Walks the chain in `seq` order and stops at the first entry that breaks it.
 * Entries are numbered from 1 without gaps, so a deleted entry shows at its
 * successor as a sequence gap; a reordered one as a previous-hash mismatch; an
 * edited one as a hash mismatch. Each entry's hash is keyed with the key its
 * `keyId` names, which is not in the database: an entry edited and rechained
 * without the key (with plain SHA-256, say) is a hash mismatch, or an unkeyed
 * entry after `keys.unkeyedUntil`. Holds one entry at a time, however long
 * the log.
 *
 * Removing entries from the end cannot be seen from inside the chain: that is
 * what `checkpoints` are for. Each must match the entry at its seq, and the
 * log must reach the furthest of them.
 */
export async function verifyChain(
  rows: AsyncIterable<ChainRow>,
  keys: AuditKeyRing,
  checkpoints: readonly CheckpointHead[] = [],
): Promise<ChainVerdict> {
  const expected = new Map(checkpoints.map((c) => [c.seq, c.hash]));
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for await (const row of rows) {
    const reason =
      brokenAt(row, expectedSeq, prevHash, keys) ??
      (expected.has(row.seq) && expected.get(row.seq) !== row.hash ? 'checkpoint mismatch' : undefined);
    if (reason) return { intact: false, firstBroken: { seq: row.seq, reason } };
    expectedSeq = row.seq + 1n;
    prevHash = row.hash;
    entries += 1;
  }
  const furthest = checkpoints.reduce((max, c) => (c.seq > max ? c.seq : max), 0n);
  if (furthest >= expectedSeq) return { intact: false, firstBroken: { seq: expectedSeq, reason: 'log ends before checkpoint' } };
  return checkpoints.length ? { intact: true, entries, checkpoints: checkpoints.length } : { intact: true, entries };
}

function brokenAt(row: ChainRow, expectedSeq: bigint, prevHash: string, keys: AuditKeyRing): BrokenReason | undefined {
  if (row.seq !== expectedSeq) return 'sequence gap';
  if (row.prevHash !== prevHash) return 'previous hash mismatch';
  let key: AuditKey | undefined;
  if (row.keyId == null) {
    if (row.seq > keys.unkeyedUntil) return 'unkeyed entry';
  } else {
    key = keys.get(row.keyId);
    if (!key) return 'unknown key';
  }
  return hashEntry(row.prevHash, row, key) !== row.hash ? 'hash mismatch' : undefined;
}
