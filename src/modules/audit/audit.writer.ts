import type { Agency, Purpose } from '../../generated/prisma/enums.js';
import type { AuditOutcome } from './audit.chain.js';
import type { AuditDraft, AuditRepository, AuditTx, TransactionOptions } from './audit.repository.js';

/** Who runs the operation and which one it is: fixed before anything is read. */
export interface AuditedOperation {
  clientId: string | null;
  agency: Agency | null;
  jti: string | null;
  purpose: Purpose | null;
  operationName: string | null;
  /** sha256 of the GraphQL document, lower-case hex. */
  documentHash: string | null;
  /** The region-code prefix of the client ('' for the whole country), so that its regional auditor sees the entry. */
  jurisdiction?: string | null;
  /** A security event's kind, when the operation is one (introspection, a document that failed validation). */
  event?: string | null;
  /** Where the request came from. */
  address?: string | null;
}

/** Persons and fields an operation touched; either may be left out. */
export interface AuditAccess {
  personIds?: Iterable<string>;
  fields?: Iterable<string>;
}

/**
 * The audit trail of one GraphQL operation. Resolvers `record` what they
 * return or write; the operation ends with one entry, written either by
 * `transaction` (for a write: in the write's own transaction) or by `flush`
 * (reads, denials, failures). Both throw when the entry cannot be written, so
 * the caller can withhold the data.
 */
export class AuditWriter {
  private readonly personIds = new Set<string>();
  private readonly fields = new Set<string>();
  /** What the last committed entry covered; null while no entry has committed. */
  private committed: { persons: number; fields: number } | null = null;

  constructor(
    private readonly repository: AuditRepository,
    private operation: AuditedOperation,
  ) {}

  /** Names the operation once it is parsed: the context, and so the writer, exists before that. */
  identify(operationName: string | null, documentHash: string): void {
    this.operation = { ...this.operation, operationName, documentHash };
  }

  /** Notes the address the request came from. */
  from(address: string | null | undefined): void {
    this.operation = { ...this.operation, address: address ?? null };
  }

  /** Marks the operation as a security event of `kind` (see `SecurityEventKind`). */
  markEvent(kind: string): void {
    this.operation = { ...this.operation, event: kind };
  }

  /** Notes persons returned or written and field coordinates read (`Person.idNumber`). */
  record(access: AuditAccess): void {
    for (const id of access.personIds ?? []) this.personIds.add(id.toLowerCase());
    for (const field of access.fields ?? []) this.fields.add(field);
  }

  /**
   * Runs a write in a transaction that ends by appending this operation's
   * SUCCESS entry: the write and its entry commit together or not at all.
   * Record what the write touches inside `work`. When `work` throws, nothing
   * is written and the caller's `flush('FAILED', …)` writes the entry.
   */
  async transaction<T>(work: (tx: AuditTx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const { value, covered } = await this.repository.transaction(async (tx) => {
      const value = await work(tx);
      const covered = this.coverage();
      await this.repository.append(this.draft('SUCCESS', null), tx);
      return { value, covered };
    }, options);
    this.committed = covered;
    return value;
  }

  /**
   * Writes the operation's entry with its outcome, at the end of the
   * operation. After a committed `transaction` it writes nothing, unless
   * persons or fields were recorded since (say, the fields of the result read
   * after the commit): then one more entry, with everything recorded, so that
   * no access goes unlogged. To keep a mutation to one entry, record the
   * fields it selects before the write commits.
   */
  async flush(outcome: AuditOutcome, error: string | null = null): Promise<void> {
    const covered = this.coverage();
    if (this.committed && this.committed.persons === covered.persons && this.committed.fields === covered.fields) return;
    await this.repository.append(this.draft(outcome, error));
    this.committed = covered;
  }

  // The sets only grow, so their sizes tell whether anything was recorded since an entry.
  private coverage() {
    return { persons: this.personIds.size, fields: this.fields.size };
  }

  private draft(outcome: AuditOutcome, error: string | null): AuditDraft {
    return { ...this.operation, personIds: [...this.personIds], fields: [...this.fields], outcome, error };
  }
}
