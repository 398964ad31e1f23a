import { Prisma } from '../../generated/prisma/client.js';
import type { Agency, Purpose } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import { currentRequest, outsideRequest } from '../../shared/request-scope.js';
import { GENESIS_HASH, hashEntry, sortedUnique, type AuditOutcome, type ChainRow } from './audit.chain.js';
import type { AuditKeyRing } from './audit.keys.js';

/** How long a transaction may wait for a connection and run (Prisma's defaults: 2 s and 5 s). */
export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
}

/**
 * Limits of the transaction an own append falls back to when another process
 * appended since this one last did (see `AuditRepository.append`): it waits
 * for the lock behind whole write transactions, far longer than Prisma's
 * 2 s / 5 s defaults; failing it would refuse the answer it records, so it
 * waits instead.
 */
const OWN_APPEND_WAIT: TransactionOptions = { maxWait: 15_000, timeout: 20_000 };

/** At most this many entries go in one statement. */
const MAX_BATCH = 100;

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

const DOCUMENT_HASH = /^[0-9a-f]{64}$/;

/** An entry ready to be numbered, timed and hashed: everything but seq, at and the hashes. */
type PreparedEntry = Omit<AuditRow, 'seq' | 'at' | 'prevHash' | 'hash'>;

/** The last entry of the log, as this process last saw it. */
interface Head {
  seq: bigint;
  hash: string;
  at: Date | null;
}

/** What `audit_append` answers (prisma/migrations/…_audit_append_batches): whether it wrote, and the log's head after. */
interface AppendResult {
  appended: boolean;
  headSeq: bigint;
  headHash: string;
  headAt: Date | null;
}

/** An entry waiting for the next batch, and the operation waiting for it. */
interface Waiting {
  entry: PreparedEntry;
  resolve: (row: AuditRow) => void;
  reject: (error: unknown) => void;
}

/**
 * The only code that touches the `audit_entry` table. Every append is one
 * call of the database function `audit_append`, which takes the log's
 * advisory lock, checks that the head the entries were hashed from is still
 * the last entry, and inserts them, in one statement: the chain never forks,
 * and an append holds the lock for one statement, not five.
 *
 * Appends in their own transaction (reads, denials, security events) are
 * gathered (group commit): while one batch is on its way, the entries of
 * concurrent operations queue, and go together as the next batch, in one
 * statement. Each caller's promise settles when its batch has committed, so
 * an entry is written before its answer leaves.
 */
export class AuditRepository {
  /** The head this process last wrote or saw; null until the first append. */
  private last: Head | null = null;
  private readonly waiting: Waiting[] = [];
  private draining = false;

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
   * Appends one entry, with the next batch of this process or in the caller's
   * `tx`. Inside `tx` the lock is held until that transaction ends, so append
   * last, just before commit. Throws when the entry cannot be written.
   */
  async append(draft: AuditDraft, tx?: AuditTx): Promise<AuditRow> {
    const entry = prepare(draft, this.keys);
    if (tx) return (await this.appendIn(tx, [entry]))[0]!;
    return new Promise<AuditRow>((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Outside the request that happened to start it: the batches serve every request.
        outsideRequest(() => setImmediate(() => void this.drain()));
      }
    });
  }

  /** Writes the waiting entries, batch after batch, until none is left. */
  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          const rows = await this.appendOwn(batch.map((w) => w.entry));
          batch.forEach((w, i) => w.resolve(rows[i]!));
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One entry the database refuses (a malformed person id, say) must not fail the others: each on its own.
          for (const w of batch) {
            try {
              w.resolve((await this.appendOwn([w.entry]))[0]!);
            } catch (single) {
              w.reject(single);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Appends `entries` in their own transaction: one statement when this
   * process knows the head (it wrote the last entry); else, in a transaction,
   * a call that takes the lock and answers the head, then the append from it.
   */
  private async appendOwn(entries: PreparedEntry[]): Promise<AuditRow[]> {
    if (this.last) {
      const rows = chained(this.last, entries, this.keys);
      const result = await call(this.db, this.last, rows);
      this.last = headOf(result);
      if (result.appended) return rows;
    }
    return this.db.$transaction((tx) => this.appendIn(tx, entries), OWN_APPEND_WAIT);
  }

  /** Appends `entries` in `tx`: a second call, when the first finds another head, cannot miss, as `tx` then holds the lock. */
  private async appendIn(tx: AuditTx, entries: PreparedEntry[]): Promise<AuditRow[]> {
    let head = this.last ?? UNKNOWN_HEAD;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const rows = chained(head, entries, this.keys);
      const result = await call(tx, head, rows);
      head = headOf(result);
      this.last = head;
      if (result.appended) return rows;
    }
    throw new Error('audit entries not appended: the log changed while this transaction held its lock');
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

/** Matches no log: the first call then only answers the head. */
const UNKNOWN_HEAD: Head = { seq: -1n, hash: '', at: null };

function headOf(result: AppendResult): Head {
  return { seq: BigInt(result.headSeq), hash: result.headHash, at: result.headAt };
}

/**
 * The entry of `draft` as it will be stored, or an error about it: checked,
 * made storable, and named after the request being served now (when the
 * caller is one), as the batch it goes with may be sent from another's.
 */
function prepare(draft: AuditDraft, keys: AuditKeyRing): PreparedEntry {
  if (draft.documentHash != null && !DOCUMENT_HASH.test(draft.documentHash)) {
    throw new Error('audit documentHash must be a sha256 in lower-case hex');
  }
  return {
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
    keyId: keys.current.kid,
    jurisdiction: draft.jurisdiction ?? null,
    event: draft.event ?? null,
    address: draft.address == null ? null : storable(draft.address, 64),
    // Every entry names its request, whoever appends it: a job runs in the scope of the request that queued it.
    requestId: draft.requestId ?? currentRequest()?.requestId ?? null,
  };
}

/**
 * Numbers, times and hashes `entries` on from `head`. Their time is this
 * process's clock at the millisecond (the column's precision), never before
 * the head's, so that time does not run backwards along the chain.
 */
function chained(head: Head, entries: readonly PreparedEntry[], keys: AuditKeyRing): AuditRow[] {
  const key = keys.current;
  const now = Date.now();
  const at = new Date(head.at && head.at.getTime() > now ? head.at.getTime() : now);
  // An unknown head (seq -1) is bound to be refused; the call then answers the real one.
  let prevHash = head.seq < 0n ? GENESIS_HASH : head.hash;
  let seq = head.seq < 0n ? 0n : head.seq;
  return entries.map((entry) => {
    seq += 1n;
    const numbered = { ...entry, seq, at, keyId: key.kid };
    const row = { ...numbered, prevHash, hash: hashEntry(prevHash, numbered, key) };
    prevHash = row.hash;
    return row;
  });
}

/** One call of `audit_append`: the batch written when the log's head is `head`, else the head it is. */
async function call(db: Db | AuditTx, head: Head, rows: readonly AuditRow[]): Promise<AppendResult> {
  const entries = JSON.stringify(
    rows.map((row) => ({
      seq: row.seq.toString(),
      at: row.at.toISOString(),
      client_id: row.clientId,
      agency: row.agency,
      jti: row.jti,
      purpose: row.purpose,
      operation_name: row.operationName,
      document_hash: row.documentHash,
      person_ids: row.personIds,
      fields: row.fields,
      outcome: row.outcome,
      error: row.error,
      prev_hash: row.prevHash,
      hash: row.hash,
      key_id: row.keyId,
      jurisdiction: row.jurisdiction,
      event: row.event,
      address: row.address,
      request_id: row.requestId,
    })),
  );
  const [result] = await db.$queryRaw<AppendResult[]>`
    SELECT appended, head_seq AS "headSeq", head_hash AS "headHash", head_at AS "headAt"
    FROM audit_append(${head.seq}::bigint, ${head.hash}::text, ${entries}::jsonb)`;
  return result!;
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
