import { createHash } from 'node:crypto';

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
}

/** A stored entry: the entry, its predecessor's hash and its own. */
export interface ChainRow extends ChainEntry {
  prevHash: string;
  hash: string;
}

/** Why verification stopped at an entry. */
export type BrokenReason = 'hash mismatch' | 'previous hash mismatch' | 'sequence gap';

/** The result of walking the chain: intact, or the first entry that breaks it. */
export type ChainVerdict = { intact: true; entries: number } | { intact: false; firstBroken: { seq: bigint; reason: BrokenReason } };

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
  });
}

/** `sha256(prevHash + canonical(entry))` in lower-case hex. */
export function hashEntry(prevHash: string, entry: ChainEntry): string {
  return createHash('sha256')
    .update(prevHash + canonicalEntry(entry), 'utf8')
    .digest('hex');
}

/**
 * Walks the chain in `seq` order and stops at the first entry that breaks it.
 * Entries are numbered from 1 without gaps, so a deleted entry shows at its
 * successor as a sequence gap; a reordered one as a previous-hash mismatch; an
 * edited one as a hash mismatch. Holds one entry at a time, however long the
 * log. Removing entries from the end cannot be seen from inside the chain:
 * compare `entries` with a count recorded earlier for that.
 */
export async function verifyChain(rows: AsyncIterable<ChainRow>): Promise<ChainVerdict> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for await (const row of rows) {
    const reason: BrokenReason | undefined =
      row.seq !== expectedSeq
        ? 'sequence gap'
        : row.prevHash !== prevHash
          ? 'previous hash mismatch'
          : hashEntry(row.prevHash, row) !== row.hash
            ? 'hash mismatch'
            : undefined;
    if (reason) return { intact: false, firstBroken: { seq: row.seq, reason } };
    expectedSeq = row.seq + 1n;
    prevHash = row.hash;
    entries += 1;
  }
  return { intact: true, entries };
}
