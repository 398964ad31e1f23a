import type { Prisma } from '../../generated/prisma/client.js';
import { AssistanceCategory } from '../../generated/prisma/enums.js';
import type { Principal } from '../../auth/principal.js';
import { ROW_SCOPE } from '../../auth/access-policy.js';
import { HouseholdStatusRepository } from '../status/household-status.repository.js';
import { checkCertification, isProblem, type CheckedCertification } from '../status/certification.rules.js';
import { uuidv7 } from '../../shared/uuid.js';
import { FieldError, fieldsOf } from './import.fields.js';
import { problem, type Importer, type RowOutcome, type RowProblem } from './import.types.js';

const CATEGORIES = Object.values(AssistanceCategory);

/** A row that passed the checks, waiting for its batch. */
export interface StagedStatus {
  line: number;
  checked: CheckedCertification;
}

/** Reads and checks one row as `certifyStatus`'s input (the same checks, certification.rules). */
export function stageStatus(line: number, record: Record<string, unknown>, principal: Principal): StagedStatus | RowProblem {
  try {
    const f = fieldsOf(record);
    const validFrom = f.date('validFrom');
    if (!validFrom) throw new FieldError('validFrom', 'is required');
    const checked = checkCertification(
      {
        personId: f.text('personId'),
        idNumber: f.text('idNumber'),
        category: f.oneOf('category', CATEGORIES),
        class: f.integer('class'),
        documentNo: f.required('documentNo'),
        validFrom,
        validTo: f.date('validTo'),
        transitionUntil: f.date('transitionUntil'),
        retroactive: f.boolean('retroactive'),
      },
      principal.agency,
    );
    if (isProblem(checked)) return problem(checked.field, checked.reason, checked.forbidden ? 'FORBIDDEN' : 'BAD_USER_INPUT');
    return { line, checked };
  } catch (error) {
    if (error instanceof FieldError) return problem(error.field, error.message);
    throw error;
  }
}

/** What became of a row of a batch. */
export type StatusOutcome = 'NEW' | 'VERSION' | 'UNCHANGED' | 'NOT_FOUND' | 'CONFLICT' | 'REVOKED';

/**
 * Stores one batch in one statement (unnest → resolve the persons within the
 * writer's rows → compare with the current version of each document → insert
 * the new certifications and versions), inside the caller's transaction.
 * Returns each line's outcome with its person and stored ids.
 */
export async function storeStatuses(tx: Prisma.TransactionClient, principal: Principal, batch: readonly StagedStatus[]) {
  const col = <T>(pick: (c: CheckedCertification) => T) => batch.map((row) => pick(row.checked));
  const rural = ROW_SCOPE[principal.agency] === 'JURISDICTION_RURAL';
  const newIds = batch.map(() => uuidv7());
  const rows = await tx.$queryRaw<
    { line: number; outcome: StatusOutcome; personId: string | null; newId: string; currentId: string | null }[]
  >`
    WITH input AS (
      SELECT * FROM unnest(${batch.map((r) => r.line)}::int[], ${col((c) => ('personId' in c.person ? c.person.personId : null))}::uuid[],
        ${col((c) => ('idNumber' in c.person ? c.person.idNumber : null))}::text[], ${col((c) => c.category)}::"AssistanceCategory"[],
        ${col((c) => c.class)}::smallint[], ${col((c) => c.documentNo)}::text[], ${col((c) => c.validFrom)}::date[],
        ${col((c) => c.validTo)}::date[], ${col((c) => c.transitionUntil)}::date[], ${col((c) => c.retroactive)}::boolean[], ${newIds}::uuid[])
        AS t(line, person_id, id_number, category, class, document_no, valid_from, valid_to, transition_until, retroactive, new_id)
    ), resolved AS (
      SELECT i.*, coalesce(p1.id, p2.id) AS pid
      FROM input i
      LEFT JOIN person p1 ON p1.id = i.person_id AND starts_with(p1.region_code, ${principal.jurisdiction})
        AND (NOT ${rural} OR p1.residence = 'RURAL')
      LEFT JOIN person p2 ON i.person_id IS NULL AND p2.id_number = i.id_number AND starts_with(p2.region_code, ${principal.jurisdiction})
        AND (NOT ${rural} OR p2.residence = 'RURAL')
    ), classified AS (
      SELECT r.*, s.id AS current_id,
        CASE WHEN r.pid IS NULL THEN 'NOT_FOUND'
          WHEN s.id IS NULL THEN 'NEW'
          WHEN s.person_id <> r.pid OR s.category <> r.category THEN 'CONFLICT'
          WHEN s.revoked_at IS NOT NULL THEN 'REVOKED'
          WHEN s.class IS NOT DISTINCT FROM r.class AND s.valid_from = r.valid_from AND s.valid_to IS NOT DISTINCT FROM r.valid_to
            AND s.transition_until IS NOT DISTINCT FROM r.transition_until AND s.retroactive = r.retroactive THEN 'UNCHANGED'
          -- A row restating an earlier version of its document (a file that amends a document, imported again) is history already stored.
          WHEN EXISTS (SELECT 1 FROM household_status o WHERE o.certified_by = ${principal.agency}::"Agency" AND o.document_no = r.document_no
            AND o.person_id = r.pid AND o.class IS NOT DISTINCT FROM r.class AND o.valid_from = r.valid_from
            AND o.valid_to IS NOT DISTINCT FROM r.valid_to AND o.transition_until IS NOT DISTINCT FROM r.transition_until
            AND o.retroactive = r.retroactive) THEN 'UNCHANGED'
          ELSE 'VERSION' END AS outcome
      FROM resolved r
      LEFT JOIN LATERAL (
        SELECT h.* FROM household_status h
        WHERE h.certified_by = ${principal.agency}::"Agency" AND h.document_no = r.document_no
          AND NOT EXISTS (SELECT 1 FROM household_status n WHERE n.supersedes_id = h.id)
        LIMIT 1
      ) s ON true
    ), inserted AS (
      INSERT INTO household_status (id, person_id, category, class, certified_by, document_no, valid_from, valid_to, transition_until,
        retroactive, supersedes_id, certified_by_client_id)
      SELECT new_id, pid, category, class, ${principal.agency}::"Agency", document_no, valid_from, valid_to, transition_until,
        retroactive, current_id, ${principal.clientId}::uuid
      FROM classified WHERE outcome IN ('NEW', 'VERSION')
    )
    SELECT line, outcome, pid AS "personId", new_id AS "newId", current_id AS "currentId" FROM classified ORDER BY line`;
  return rows;
}

const OUTCOME_REASON: Partial<Record<StatusOutcome, { field: string; code: 'NOT_FOUND' | 'CONFLICT'; reason: string }>> = {
  NOT_FOUND: { field: 'personId', code: 'NOT_FOUND', reason: 'no person with this id or ID number in your rows' },
  CONFLICT: { field: 'documentNo', code: 'CONFLICT', reason: 'documentNo already certifies another person or category' },
  REVOKED: { field: 'documentNo', code: 'CONFLICT', reason: 'the certification of this documentNo is revoked' },
};

/**
 * Certifications (`certifyStatus`'s input), by civil affairs or rural
 * revitalization: a batch holds the agency's import lock (no single
 * certification of the agency interleaves), and each stored version is an
 * exchange event in the batch's transaction.
 */
export const STATUS_IMPORTER: Importer<StagedStatus> = {
  agencies: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
  purposes: ['ASSISTANCE_ELIGIBILITY'],
  stage: (line, record, principal) => stageStatus(line, record, principal),
  key: (staged) => staged.checked.documentNo,
  async store(tx, principal, batch, hooks) {
    await HouseholdStatusRepository.lockImport(tx, principal.agency);
    const rows = await storeStatuses(tx, principal, batch);
    const byLine = new Map(batch.map((staged) => [staged.line, staged]));
    const outcomes: RowOutcome[] = [];
    const certified = rows
      .filter((row) => row.outcome === 'NEW' || row.outcome === 'VERSION')
      .map((row) => ({ statusId: row.newId, personId: row.personId!, supersedesId: row.currentId }));
    // The batch's events in a few statements when the hook can (the outbox), one call each otherwise.
    if (hooks.events.certifiedMany) await hooks.events.certifiedMany(tx, certified);
    else for (const event of certified) await hooks.events.certified(tx, event);
    for (const row of rows) {
      if (row.outcome === 'NEW' || row.outcome === 'VERSION') outcomes.push({ line: row.line, outcome: 'STORED', personId: row.personId! });
      else if (row.outcome === 'UNCHANGED') outcomes.push({ line: row.line, outcome: 'UNCHANGED', personId: row.personId! });
      else {
        const why = OUTCOME_REASON[row.outcome]!;
        const staged = byLine.get(row.line);
        const field = why.field === 'personId' && staged && 'idNumber' in staged.checked.person ? 'idNumber' : why.field;
        outcomes.push({ line: row.line, outcome: 'REJECTED', field, code: why.code, reason: why.reason });
      }
    }
    return outcomes;
  },
};
