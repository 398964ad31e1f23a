import { Prisma } from '../../generated/prisma/client.js';
import type { Agency, Purpose } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import { currentRequest } from '../../shared/request-scope.js';
import { GENESIS_HASH, hashEntry, sortedUnique, type AuditOutcome, type ChainRow } from './audit.chain.js';
import type { AuditKeyRing } from './audit.keys.js';

/** How long a transaction may wait for a connection and run (Prisma's defaults: 2 s and 5 s). */
export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
}

/**
 * Limits of an append in its own transaction. Appends queue on one advisory
 * lock, so under a burst an append waits for a connection and for the lock far
 * longer than Prisma's 2 s / 5 s defaults; failing it would refuse the answer it
 * records, so it waits instead (the pool size still bounds how many queue).
 */
const OWN_APPEND_WAIT: TransactionOptions = { maxWait: 15_000, timeout: 20_000 };

/** The client of a Prisma interactive transaction. */
export type AuditTx = Prisma.TransactionClient;

/** What one operation did, before the log gives it a number, a time and a hash. */
export interface AuditDraft {
  clientId?: string | null;
  agency?: Agency | null;
  jti?: string | null;
  purpose?: Purpose | null;
  operationName?: string | null;
  /** sha256 of the GraphQL document, lower-case hex. */
  documentHash?: string | null;
  /** The persons returned or written. */
  personIds?: Iterable<string>;
  /** Field coordinates read, like `Person.idNumber`. */
  fields?: Iterable<string>;
  outcome: AuditOutcome;
  error?: string | null;
  /** The region-code prefix of the client that caused the entry ('' for the whole country). */
  jurisdiction?: string | null;
  /** A security event's kind (see `SecurityEvent`); absent for an operation. */
  event?: string | null;
  /** Where the request came from (security events). */
  address?: string | null;
  /** The request that caused the entry; by default the one being served (none in commands). */
  requestId?: string | null;
}

/** A stored entry as `append` wrote it. */
export interface AuditRow extends ChainRow {
  agency: Agency | null;
  purpose: Purpose | null;
  personIds: string[];
  fields: string[];
  outcome: AuditOutcome;
}

/** An entry of a query page: the stored entry and the name of its client. */
export interface AuditPageRow extends AuditRow {
  clientName: string | null;
}

/** The criteria of a page of the log; all given criteria must hold. */
export interface AuditCriteria {
  clientId?: string | null;
  /** Entries that returned or wrote this person. */
  personId?: string | null;
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
  outcome?: AuditOutcome | null;
  /**
   * The reader's row scope, a region-code prefix ('' for the whole country):
   * only entries of clients within it and entries about persons in it are
   * listed, and only the ids of persons in it are shown, so the log never
   * confirms a person outside it exists.
   */
  jurisdiction: string;
}

// An arbitrary constant ('audit' in ASCII), distinct from the migration lock.
const APPEND_LOCK = 0x6175646974n;

const DOCUMENT_HASH = /^[0-9a-f]{64}$/;

/**
 * The only code that touches the `audit_entry` table. Appends are serialized
 * by a transaction-level advisory lock, so that each reads the last entry and
 * links to it without another append slipping in between: the chain never forks.
 */
export class AuditRepository {
  /** @param keys the HMAC keys of the chain: the current one hashes each new entry. */
  constructor(
    private readonly db: Db,
    readonly keys: AuditKeyRing,
  ) {}

  /** Runs `work` in an interactive transaction, so that a write and its entry commit or roll back together. */
  transaction<T>(work: (tx: AuditTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.db.$transaction(work, options);
  }

  /**
   * Appends one entry, in its own transaction or in the caller's `tx`. Inside
   * `tx` the lock is held until that transaction ends, so append last, just
   * before commit. Throws when the entry cannot be written.
   */
  append(draft: AuditDraft, tx?: AuditTx): Promise<AuditRow> {
    return tx ? appendLocked(tx, draft, this.keys) : this.db.$transaction((own) => appendLocked(own, draft, this.keys), OWN_APPEND_WAIT);
  }

  /** Up to `limit` entries matching `criteria`, newest first, with `seq` below `beforeSeq` when given. */
  async page(criteria: AuditCriteria, limit: number, beforeSeq: bigint | null): Promise<AuditPageRow[]> {
    const { clientId, personId, from, to, outcome, jurisdiction } = criteria;
    const inScope = (ids: Prisma.Sql) =>
      Prisma.sql`EXISTS (SELECT 1 FROM person p WHERE p.id = ${ids} AND starts_with(p.region_code, ${jurisdiction}))`;
    const conditions = [Prisma.sql`TRUE`];
    if (beforeSeq !== null) conditions.push(Prisma.sql`a.seq < ${beforeSeq}`);
    if (clientId) conditions.push(Prisma.sql`a.client_id = ${clientId}::uuid`);
    // `@>` rather than `= ANY`: the form a GIN index on person_ids can serve.
    if (personId) conditions.push(Prisma.sql`a.person_ids @> ARRAY[${personId}::uuid]`);
    if (from) conditions.push(Prisma.sql`a.at >= ${from}::timestamptz`);
    if (to) conditions.push(Prisma.sql`a.at < ${to}::timestamptz`);
    if (outcome) conditions.push(Prisma.sql`a.outcome = ${outcome}`);
    if (jurisdiction) {
      // A regional auditor sees the entries of its clients (denials and security events included) and those naming its persons.
      conditions.push(
        personId
          ? inScope(Prisma.sql`${personId}::uuid`)
          : Prisma.sql`(starts_with(a.jurisdiction, ${jurisdiction}) OR ${inScope(Prisma.sql`ANY (a.person_ids)`)})`,
      );
    }
    const personIds = jurisdiction
      ? Prisma.sql`ARRAY(SELECT p.id::text FROM person p WHERE p.id = ANY (a.person_ids) AND starts_with(p.region_code, ${jurisdiction}) ORDER BY p.id)`
      : Prisma.sql`COALESCE(a.person_ids::text[], '{}')`;
    return this.db.$queryRaw<AuditPageRow[]>`
      SELECT a.seq, a.at, a.client_id::text AS "clientId", c.name AS "clientName", a.agency::text AS agency, a.jti,
             a.purpose::text AS purpose, a.operation_name AS "operationName", a.document_hash AS "documentHash",
             ${personIds} AS "personIds", COALESCE(a.fields, '{}') AS fields, a.outcome, a.error,
             a.prev_hash AS "prevHash", a.hash, a.key_id AS "keyId", a.jurisdiction, a.event, a.address,
             a.request_id AS "requestId"
      FROM audit_entry a LEFT JOIN client c ON c.id = a.client_id
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY a.seq DESC
      LIMIT ${limit}`;
  }

  /**
   * Every entry in `seq` order, fetched `batchSize` at a time by keyset, so
   * that memory stays bounded however long the log is.
   */
  async *chain(batchSize = 1000): AsyncGenerator<ChainRow> {
    let after: bigint | null = null;
    for (;;) {
      // No lower bound on the first batch: an entry smuggled in below seq 1 must be seen too.
      const rows: ChainRow[] = await this.db.auditEntry.findMany({
        where: after === null ? {} : { seq: { gt: after } },
        orderBy: { seq: 'asc' },
        take: batchSize,
      });
      yield* rows;
      if (rows.length < batchSize) return;
      after = rows.at(-1)!.seq;
    }
  }

  /** The newest entry, or null for an empty log: what a checkpoint vouches for. */
  async head(): Promise<{ seq: bigint; hash: string; at: Date } | null> {
    return this.db.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true, at: true } });
  }
}

async function appendLocked(tx: AuditTx, draft: AuditDraft, keys: AuditKeyRing): Promise<AuditRow> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${APPEND_LOCK}::bigint)`;
  // A statement after the lock: under READ COMMITTED its snapshot includes the entry of whoever held the lock before.
  const [head] = await tx.$queryRaw<{ isolation: string; at: Date; seq: bigint | null; hash: string | null }[]>`
    SELECT current_setting('transaction_isolation') AS isolation, date_trunc('milliseconds', clock_timestamp()) AS at, last.seq, last.hash
    FROM (SELECT 1) AS one LEFT JOIN (SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1) AS last ON TRUE`;
  if (head!.isolation !== 'read committed') {
    // An older snapshot would not see the last entry; the insert would then fail on the seq key. Say why up front.
    throw new Error(`audit entries must be appended in a READ COMMITTED transaction, not ${head!.isolation}`);
  }
  if (draft.documentHash != null && !DOCUMENT_HASH.test(draft.documentHash)) {
    throw new Error('audit documentHash must be a sha256 in lower-case hex');
  }
  const prevHash = head!.hash ?? GENESIS_HASH;
  const key = keys.current;
  const entry = {
    // Numbered here rather than by the column's sequence, which a rolled-back append would leave with a gap.
    seq: (head!.seq ?? 0n) + 1n,
    at: head!.at,
    clientId: draft.clientId?.toLowerCase() ?? null,
    agency: draft.agency ?? null,
    jti: draft.jti ?? null,
    purpose: draft.purpose ?? null,
    operationName: draft.operationName == null ? null : storable(draft.operationName, 200),
    documentHash: draft.documentHash ?? null,
    personIds: sortedUnique([...(draft.personIds ?? [])].map((id) => id.toLowerCase())),
    fields: sortedUnique(draft.fields ?? []),
    outcome: draft.outcome,
    error: draft.error == null ? null : storable(draft.error, 500),
    keyId: key.kid,
    jurisdiction: draft.jurisdiction ?? null,
    event: draft.event ?? null,
    address: draft.address == null ? null : storable(draft.address, 64),
    // Every entry names its request, whoever appends it: a job runs in the scope of the request that queued it.
    requestId: draft.requestId ?? currentRequest()?.requestId ?? null,
  };
  const row = { ...entry, prevHash, hash: hashEntry(prevHash, entry, key) };
  await tx.auditEntry.create({ data: row, select: { seq: true } });
  return row;
}

/**
 * Text as PostgreSQL will store it, so the hash covers exactly what is stored:
 * valid UTF-16 (a lone surrogate would be stored as U+FFFD), no NUL (text
 * refuses it), and at most `max` characters (the column's limit).
 */
function storable(text: string, max: number): string {
  const wellFormed = Buffer.from(text, 'utf8').toString('utf8').replaceAll('\u0000', '\uFFFD');
  return Array.from(wellFormed).slice(0, max).join('');
}
