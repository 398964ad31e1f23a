import type { Principal } from '../../auth/principal.js';
import type { Purpose } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import { isUniqueViolation } from '../../server/prisma.js';
import { today } from '../../shared/dates.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { ExchangeEvents } from '../status/exchange.events.js';
import type { RawRow } from './import.reader.js';
import { isRowProblem, type Importer, type RejectCode, type RowOutcome } from './import.types.js';
import { PERSON_IMPORTER } from './person.import.js';
import { CHARITY_AID_IMPORTER, COMMERCIAL_CLAIM_IMPORTER } from './payment.import.js';
import { STATUS_IMPORTER } from './status.import.js';

/** The kinds `hub import` and `POST /imports/{kind}` know. */
export const IMPORT_KINDS = ['persons', 'statuses', 'charity-aid', 'commercial-claims'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Whether `text` names a kind of import. */
export function isImportKind(text: string): text is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(text);
}

/** Each kind's importer (the rules and the statement of its mutation). */
const IMPORTERS: Record<ImportKind, Importer<{ line: number }>> = {
  persons: PERSON_IMPORTER as Importer<{ line: number }>,
  statuses: STATUS_IMPORTER as Importer<{ line: number }>,
  'charity-aid': CHARITY_AID_IMPORTER as Importer<{ line: number }>,
  'commercial-claims': COMMERCIAL_CLAIM_IMPORTER as Importer<{ line: number }>,
};

/** A refused row: its line, the field at fault, the code the mutation would answer and why. */
export interface RejectedRow {
  line: number;
  field: string | null;
  code: RejectCode;
  reason: string;
}

/** What an import did. */
export interface ImportReport {
  accepted: number;
  rejected: number;
  unchanged: number;
  seconds: number;
  errors: RejectedRow[];
}

/** Counts so far. */
export type ImportCounts = Pick<ImportReport, 'accepted' | 'rejected' | 'unchanged'>;

/** How an import reports progress: rows read so far, after each stored batch. */
export type Progress = (read: number, counts: ImportCounts) => void | Promise<void>;

/** Rows per batch (one transaction and one statement each). */
export const BATCH_SIZE = 5000;
/** Rejected rows kept in the report; beyond it only counted. */
export const MAX_REPORTED_ERRORS = 10_000;

/** Why a client may not run an import of `kind`, or null when it may (the agencies and purposes of its mutation). */
export function importRefusal(kind: ImportKind, principal: Principal): string | null {
  const importer = IMPORTERS[kind];
  if (!importer.agencies.includes(principal.agency)) return `a ${principal.agency} client may not import ${kind}`;
  if (!purposeOf(importer, principal)) return `importing ${kind} needs the purpose ${importer.purposes.join(' or ')}`;
  return null;
}

function purposeOf(importer: Importer<{ line: number }>, principal: Principal): Purpose | undefined {
  return importer.purposes.find((purpose) => principal.purposes.includes(purpose));
}

/** Options of one run. */
export interface ImportOptions {
  progress?: Progress;
  batchSize?: number;
  /** The operation named in the batches' audit entries. */
  operationName?: string;
}

/**
 * Bulk import under a client's rights (issue #11 "Bulk"): rows are read one
 * at a time and checked with the same rules as the mutation; good rows are
 * stored in batches, each batch one transaction with its audit entry (the
 * rows' persons), so a batch that fails leaves nothing behind; bad rows are
 * reported with line, field, code and reason. A row is stored whole or not at
 * all; importing the same file again stores nothing new (idempotent by the
 * mutation's key), so a run cut short is finished by running it again.
 */
export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly events: ExchangeEvents,
  ) {}

  async run(kind: ImportKind, rows: AsyncIterable<RawRow>, principal: Principal, options: ImportOptions = {}): Promise<ImportReport> {
    const refusal = importRefusal(kind, principal);
    if (refusal) throw new Error(refusal);
    const importer = IMPORTERS[kind];
    const purpose = purposeOf(importer, principal)!;
    const batchSize = options.batchSize ?? BATCH_SIZE;
    const operationName = options.operationName ?? `import ${kind}`;
    const started = performance.now();
    const report: ImportReport = { accepted: 0, rejected: 0, unchanged: 0, seconds: 0, errors: [] };
    const reject = (row: RejectedRow) => {
      report.rejected += 1;
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(row);
    };
    const day = today();
    let batch: { line: number }[] = [];
    const keys = new Set<string>();
    let read = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const outcomes = await this.storeBatch(importer, principal, purpose, operationName, batch);
      for (const row of outcomes) {
        if (row.outcome === 'STORED') report.accepted += 1;
        else if (row.outcome === 'UNCHANGED') report.unchanged += 1;
        else reject({ line: row.line, field: row.field, code: row.code, reason: row.reason });
      }
      batch = [];
      keys.clear();
      await options.progress?.(read, { accepted: report.accepted, rejected: report.rejected, unchanged: report.unchanged });
    };
    for await (const row of rows) {
      read += 1;
      if ('problem' in row) {
        reject({ line: row.line, field: null, code: 'BAD_USER_INPUT', reason: row.problem });
        continue;
      }
      const staged = importer.stage(row.line, row.record, principal, day);
      if (isRowProblem(staged)) {
        reject({ line: row.line, ...staged });
        continue;
      }
      // Two rows of one key in a batch: the later is stored after the earlier (a new version, or unchanged).
      const key = importer.key(staged);
      if (keys.has(key)) await flush();
      keys.add(key);
      batch.push(staged);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    report.errors.sort((a, b) => a.line - b.line);
    report.seconds = Math.round((performance.now() - started) / 10) / 100;
    return report;
  }

  private async storeBatch(
    importer: Importer<{ line: number }>,
    principal: Principal,
    purpose: Purpose,
    operationName: string,
    batch: readonly { line: number }[],
  ): Promise<RowOutcome[]> {
    const attempt = () =>
      this.db.$transaction(
        async (tx) => {
          const outcomes = await importer.store(tx, principal, batch, { events: this.events });
          await this.audit.append(
            {
              clientId: principal.clientId,
              agency: principal.agency,
              jti: principal.jti || null,
              purpose,
              operationName,
              personIds: outcomes.filter((row) => row.outcome === 'STORED').map((row) => (row as { personId: string }).personId),
              fields: [],
              outcome: 'SUCCESS',
              jurisdiction: principal.jurisdiction,
            },
            tx,
          );
          return outcomes;
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
    try {
      return await attempt();
    } catch (error) {
      // A key stored by a concurrent writer since the batch read it: the batch rolled back whole; once more sees it as stored.
      if (!isUniqueViolation(error)) throw error;
      return attempt();
    }
  }
}
