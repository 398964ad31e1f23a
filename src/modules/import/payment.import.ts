import { Prisma } from '../../generated/prisma/client.js';
import { isAmount, parseMoney } from '../../shared/money.js';
import { checkPayment, PAYMENT_FIELD_NAMES, type CheckedPayment, type PaymentKind } from '../partner/partner-payment.rules.js';
import { FieldError, fieldsOf } from './import.fields.js';
import { problem, type Importer, type RowOutcome, type RowProblem } from './import.types.js';
import { uuidv7 } from '../../shared/uuid.js';

/** A partner payment that passed the checks, waiting for its batch. */
export interface StagedPayment {
  line: number;
  checked: CheckedPayment;
}

/** Reads and checks one row as `recordCharityAid`'s or `recordCommercialClaim`'s input (the same checks, partner-payment.rules). */
export function stagePayment(kind: PaymentKind, line: number, record: Record<string, unknown>, today: Date): StagedPayment | RowProblem {
  const names = PAYMENT_FIELD_NAMES[kind];
  try {
    const f = fieldsOf(record);
    const amount = f.required('amount');
    if (!isAmount(amount)) throw new FieldError('amount', 'must be an amount in 元 with at most two decimals');
    const paidOn = f.date('paidOn');
    if (!paidOn) throw new FieldError('paidOn', 'is required');
    const checked = checkPayment(
      kind,
      {
        personId: f.text('personId'),
        idNumber: f.text('idNumber'),
        amount: parseMoney(amount),
        paidOn,
        reference: f.required(names.reference),
        relatedClaimId: f.text(names.relatedClaimId),
        note: kind === 'CHARITY_AID' ? f.text('note') : null,
      },
      today,
    );
    if ('reason' in checked) return problem(checked.field, checked.reason);
    return { line, checked };
  } catch (error) {
    if (error instanceof FieldError) return problem(error.field, error.message);
    throw error;
  }
}

/** Where each kind is stored, and the relation that puts a person in the partner's rows. */
const TABLES: Record<PaymentKind, { table: string; reference: string; related: string; scope: string }> = {
  CHARITY_AID: { table: 'charity_aid', reference: 'reference', related: 'claim_id', scope: 'charity_referral' },
  COMMERCIAL_CLAIM: { table: 'commercial_claim', reference: 'claim_reference', related: 'related_claim_id', scope: 'consent' },
};

type PaymentOutcome = 'NEW' | 'UNCHANGED' | 'CONFLICT' | 'NOT_FOUND';

function paymentImporter(kind: PaymentKind): Importer<StagedPayment> {
  const t = TABLES[kind];
  const raw = Prisma.raw;
  return {
    agencies: kind === 'CHARITY_AID' ? ['CHARITY'] : ['INSURER'],
    purposes: kind === 'CHARITY_AID' ? ['CHARITY_AID'] : ['CLAIM_COORDINATION'],
    stage: (line, record, _principal, today) => stagePayment(kind, line, record, today),
    key: (staged) => staged.checked.reference,
    async store(tx, principal, batch) {
      const col = <T>(pick: (c: CheckedPayment) => T) => batch.map((row) => pick(row.checked));
      // The person must be in the partner's rows today: an active referral to this charity, a consent to this insurer.
      const rows = await tx.$queryRaw<{ line: number; outcome: PaymentOutcome; pid: string | null }[]>`
        WITH input AS (
          SELECT * FROM unnest(${batch.map((r) => r.line)}::int[], ${col((c) => ('personId' in c.person ? c.person.personId : null))}::uuid[],
            ${col((c) => ('idNumber' in c.person ? c.person.idNumber : null))}::text[], ${col((c) => c.amount.toFixed(2))}::numeric[],
            ${col((c) => c.paidOn)}::date[], ${col((c) => c.reference)}::text[], ${col((c) => c.relatedClaimId)}::text[],
            ${col((c) => c.note)}::text[], ${batch.map(() => uuidv7())}::uuid[])
            AS t(line, person_id, id_number, amount, paid_on, reference, related, note, new_id)
        ), resolved AS (
          SELECT i.*, p.id AS pid
          FROM input i
          LEFT JOIN person p ON (i.person_id IS NOT NULL AND p.id = i.person_id) OR (i.person_id IS NULL AND p.id_number = i.id_number)
        ), scoped AS (
          SELECT r.*, CASE WHEN EXISTS (
              SELECT 1 FROM ${raw(t.scope)} s WHERE s.client_id = ${principal.clientId}::uuid AND s.person_id = r.pid
                AND s.valid_from <= current_date AND s.revoked_at IS NULL AND (s.valid_to IS NULL OR s.valid_to >= current_date)
            ) THEN r.pid END AS spid
          FROM resolved r
        ), classified AS (
          SELECT s.*,
            CASE WHEN s.spid IS NULL THEN 'NOT_FOUND'
              WHEN x.id IS NULL THEN 'NEW'
              WHEN x.person_id = s.spid AND x.amount = s.amount AND x.paid_on = s.paid_on
                AND x.${raw(t.related)} IS NOT DISTINCT FROM s.related THEN 'UNCHANGED'
              ELSE 'CONFLICT' END AS outcome
          FROM scoped s
          LEFT JOIN ${raw(t.table)} x ON x.client_id = ${principal.clientId}::uuid AND x.${raw(t.reference)} = s.reference
        ), inserted AS (
          INSERT INTO ${raw(t.table)} (id, person_id, client_id, amount, paid_on, ${raw(t.reference)}, ${raw(t.related)}
            ${raw(kind === 'CHARITY_AID' ? ', note' : '')})
          SELECT new_id, spid, ${principal.clientId}::uuid, amount, paid_on, reference, related ${raw(kind === 'CHARITY_AID' ? ', note' : '')}
          FROM classified WHERE outcome = 'NEW'
        )
        SELECT line, outcome, spid AS pid FROM classified ORDER BY line`;
      const byLine = new Map(batch.map((staged) => [staged.line, staged]));
      return rows.map((row): RowOutcome => {
        if (row.outcome === 'NEW') return { line: row.line, outcome: 'STORED', personId: row.pid! };
        if (row.outcome === 'UNCHANGED') return { line: row.line, outcome: 'UNCHANGED', personId: row.pid! };
        if (row.outcome === 'CONFLICT') {
          return {
            line: row.line,
            outcome: 'REJECTED',
            ...problem(PAYMENT_FIELD_NAMES[kind].reference, 'is already recorded with other content', 'CONFLICT'),
          };
        }
        const staged = byLine.get(row.line);
        const field = staged && 'idNumber' in staged.checked.person ? 'idNumber' : 'personId';
        const why =
          kind === 'CHARITY_AID'
            ? 'no person with this id or ID number referred to you'
            : 'no person with this id or ID number consenting to you';
        return { line: row.line, outcome: 'REJECTED', ...problem(field, why, 'NOT_FOUND') };
      });
    },
  };
}

/** Charity aid (`recordCharityAid`'s input), by a charity, for the persons referred to it. */
export const CHARITY_AID_IMPORTER = paymentImporter('CHARITY_AID');
/** Commercial claims (`recordCommercialClaim`'s input), by an insurer, for the persons who consented to it. */
export const COMMERCIAL_CLAIM_IMPORTER = paymentImporter('COMMERCIAL_CLAIM');
