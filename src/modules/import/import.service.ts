import type { Principal } from '../../auth/principal.js';
import type { Purpose } from '../../generated/prisma/enums.js';
import type { Db } from '../../server/prisma.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { ExchangeEvents } from '../status/exchange.events.js';
import { HouseholdStatusRepository } from '../status/household-status.repository.js';
import type { RawRow } from './import.reader.js';
import { stageStatus, storeStatuses, type StagedStatus, type StatusOutcome } from './status.import.js';

/** The kinds `hub import` knows, and the agency each needs. */
export const IMPORT_KINDS = ['persons', 'statuses', 'charity-aid', 'commercial-claims'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** A refused row: its line, the field at fault and why. */
export interface RejectedRow {
  line: number;
  field: string | null;
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

/** How an import reports progress: rows read so far. */
export type Progress = (read: number, report: Omit<ImportReport, 'seconds' | 'errors'>) => void;

/** Rows per batch (one transaction and one statement each). */
export const BATCH_SIZE = 5000;
/** Rejected rows kept in the report; beyond it only counted. */
export const MAX_REPORTED_ERRORS = 10_000;

const OUTCOME_REASON: Partial<Record<StatusOutcome, { field: string; reason: string }>> = {
  NOT_FOUND: { field: 'personId', reason: 'no person with this id or ID number in your rows' },
  CONFLICT: { field: 'documentNo', reason: 'documentNo already certifies another person or category' },
  REVOKED: { field: 'documentNo', reason: 'the certification of this documentNo is revoked' },
};

/** The agency that may import each kind, and the purpose its audit entry declares. */
const WRITER: Record<ImportKind, { agencies: readonly string[]; purpose: Purpose }> = {
  persons: { agencies: ['MEDICAL_INSURANCE'], purpose: 'ASSISTANCE_ELIGIBILITY' },
  statuses: { agencies: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'], purpose: 'ASSISTANCE_ELIGIBILITY' },
  'charity-aid': { agencies: ['CHARITY'], purpose: 'CHARITY_AID' },
  'commercial-claims': { agencies: ['INSURER'], purpose: 'CLAIM_COORDINATION' },
};

/** Why a client may not run an import of `kind`, or null when it may. */
export function importRefusal(kind: ImportKind, principal: Principal): string | null {
  if (kind !== 'statuses') return `importing ${kind} is not available yet`;
  return WRITER[kind].agencies.includes(principal.agency) ? null : `a ${principal.agency} client may not import ${kind}`;
}

/**
 * Bulk import under a client's rights (issue #11 "Bulk"): rows are read one
 * at a time and checked with the same rules as the mutation; good rows are
 * stored in batches of BATCH_SIZE, each batch one transaction with its audit
 * entry (the rows' persons), bad rows reported with line, field and reason.
 * A row is stored whole or not at all; importing the same file again stores
 * nothing new (idempotent by the mutation's key).
 */
export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly events: ExchangeEvents,
  ) {}

  async run(kind: ImportKind, rows: AsyncIterable<RawRow>, principal: Principal, progress: Progress = () => {}): Promise<ImportReport> {
    const refusal = importRefusal(kind, principal);
    if (refusal) throw new Error(refusal);
    const started = performance.now();
    const report: ImportReport = { accepted: 0, rejected: 0, unchanged: 0, seconds: 0, errors: [] };
    const reject = (row: RejectedRow) => {
      report.rejected += 1;
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(row);
    };
    let batch: StagedStatus[] = [];
    const documents = new Set<string>();
    let read = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.storeBatch(principal, batch, report, reject);
      batch = [];
      documents.clear();
      progress(read, { accepted: report.accepted, rejected: report.rejected, unchanged: report.unchanged });
    };
    for await (const row of rows) {
      read += 1;
      if ('problem' in row) {
        reject({ line: row.line, field: null, reason: row.problem });
        continue;
      }
      const staged = stageStatus(row.line, row.record, principal);
      if ('reason' in staged) {
        reject({ line: row.line, field: staged.field, reason: staged.reason });
        continue;
      }
      // A document twice in one batch: the later row is a new version of the earlier, so the earlier is stored first.
      if (documents.has(staged.checked.documentNo)) await flush();
      documents.add(staged.checked.documentNo);
      batch.push(staged);
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
    report.errors.sort((a, b) => a.line - b.line);
    report.seconds = Math.round((performance.now() - started) / 10) / 100;
    return report;
  }

  private async storeBatch(principal: Principal, batch: StagedStatus[], report: ImportReport, reject: (row: RejectedRow) => void) {
    const outcomes = await this.db.$transaction(
      async (tx) => {
        await HouseholdStatusRepository.lockImport(tx, principal.agency);
        const rows = await storeStatuses(tx, principal, batch);
        const stored = rows.filter((row) => row.outcome === 'NEW' || row.outcome === 'VERSION');
        for (const row of stored) {
          await this.events.certified(tx, { statusId: row.newId, personId: row.personId!, supersedesId: row.currentId });
        }
        await this.audit.append(
          {
            clientId: principal.clientId,
            agency: principal.agency,
            jti: principal.jti || null,
            purpose: WRITER.statuses.purpose,
            operationName: 'import statuses',
            personIds: stored.map((row) => row.personId!),
            fields: [],
            outcome: 'SUCCESS',
            jurisdiction: principal.jurisdiction,
          },
          tx,
        );
        return rows;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    const byLine = new Map(batch.map((staged) => [staged.line, staged]));
    for (const row of outcomes) {
      if (row.outcome === 'NEW' || row.outcome === 'VERSION') report.accepted += 1;
      else if (row.outcome === 'UNCHANGED') report.unchanged += 1;
      else {
        const why = OUTCOME_REASON[row.outcome]!;
        const staged = byLine.get(row.line);
        const field = why.field === 'personId' && staged && 'idNumber' in staged.checked.person ? 'idNumber' : why.field;
        reject({ line: row.line, field, reason: why.reason });
      }
    }
  }
}
