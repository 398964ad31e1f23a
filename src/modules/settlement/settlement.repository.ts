import type { Decimal } from 'decimal.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { BenefitKind } from '../../shared/enums.js';
import type { Db } from '../../server/prisma.js';
import { BENEFIT_COLUMNS, type BenefitRow } from '../benefit/benefit.repository.js';
import type { Accumulators, ExplanationStep } from '../policy/policy.types.js';

type Client = Db | Prisma.TransactionClient;

/** A stored claim with what replaying it needs. */
export interface StoredClaim extends BenefitRow {
  inputHash: string | null;
  year: number;
  thresholdApplied: Decimal;
  tiltBase: Decimal;
}

/** A benefit record to store, a settlement or a reversal: a stored claim's columns and those only a write sets. */
export interface NewBenefit extends Omit<StoredClaim, 'id' | 'explanation' | 'supplementsId' | 'certificationId'> {
  /** A supplement's reversal: the visit the supplement added to. */
  supplementsId?: string | null;
  providerCode: string | null;
  ruleSetVersion: number | null;
  class: number | null;
  regionConfigId: string | null;
  explanation: readonly ExplanationStep[];
  reversesId: string | null;
  settledByClientId: string;
  /** The settling client's jurisdiction: the namespace of the claim id. */
  claimJurisdiction: string;
}

// Settlement locks live in their own key space (the audit log has another), one key per person and year.
const LOCK_NAMESPACE = 'settlement';

/** Stores settlements and reversals (the seeder bulk-loads its own records) and reads what settling needs. */
export class SettlementRepository {
  constructor(private readonly db: Db) {}

  /**
   * Serialises the settlements of one person and year until the transaction
   * ends, so that each reads the accumulators the previous one left: the
   * annual cap can never be overrun by two claims settled at once.
   */
  async lockPersonYear(tx: Prisma.TransactionClient, personId: string, year: number): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${LOCK_NAMESPACE}:${personId}:${year}`}, 0))`;
  }

  /**
   * The record of a claim of the given kind settled within `jurisdiction`,
   * whatever its person. Claim ids are each settlement system's own: the same
   * id settled in another jurisdiction is another claim, and never read here.
   */
  async findClaim(jurisdiction: string, claimId: string, kind: BenefitKind, client: Client = this.db): Promise<StoredClaim | null> {
    const rows = await client.$queryRaw<StoredClaim[]>`
      SELECT ${BENEFIT_COLUMNS}, input_hash AS "inputHash", year, threshold_applied AS "thresholdApplied", tilt_base AS "tiltBase"
      FROM benefit_record
      WHERE claim_jurisdiction = ${jurisdiction} AND claim_id = ${claimId} AND kind = ${kind}::"BenefitKind"`;
    return rows[0] ?? null;
  }

  /** The person's accumulators for a year: sums of the stored records (reversals are negative). */
  async yearToDate(personId: string, year: number, client: Client = this.db): Promise<Accumulators> {
    const [row] = await client.$queryRaw<Accumulators[]>`
      SELECT coalesce(sum(assistance_paid), 0) AS "assistancePaid", coalesce(sum(threshold_applied), 0) AS "thresholdUsed",
        coalesce(sum(tilt_base), 0) AS "inPolicyOopAfterThreeTiers", coalesce(sum(out_of_pocket), 0) AS "outOfPocket"
      FROM benefit_record WHERE person_id = ${personId}::uuid AND year = ${year}`;
    return row!;
  }

  /** Stores a settlement or reversal and returns it as the API shows it. */
  async insert(tx: Prisma.TransactionClient, data: NewBenefit): Promise<BenefitRow> {
    const { id } = await tx.benefitRecord.create({
      data: { ...data, explanation: data.explanation as unknown as Prisma.InputJsonArray },
      select: { id: true },
    });
    const [row] = await tx.$queryRaw<BenefitRow[]>`SELECT ${BENEFIT_COLUMNS} FROM benefit_record WHERE id = ${id}::uuid`;
    return row!;
  }

  /**
   * The person's settled visits with a service date on or after `from`, not
   * reversed, oldest first: those a certification dated back may raise.
   */
  settledVisitsSince(personId: string, from: Date) {
    return this.db.benefitRecord.findMany({
      where: { personId, kind: 'SETTLEMENT', serviceDate: { gte: from }, reversedBy: { is: null } },
      orderBy: [{ serviceDate: 'asc' }, { createdAt: 'asc' }],
    });
  }

  /**
   * The year's accumulators without one visit and its supplements: what the
   * rest of the year consumed of the cap and the threshold, so that paying
   * the visit again never overruns them.
   */
  async yearToDateWithout(tx: Prisma.TransactionClient, personId: string, year: number, visitId: string): Promise<Accumulators> {
    const [row] = await tx.$queryRaw<Accumulators[]>`
      SELECT coalesce(sum(assistance_paid), 0) AS "assistancePaid", coalesce(sum(threshold_applied), 0) AS "thresholdUsed",
        coalesce(sum(tilt_base), 0) AS "inPolicyOopAfterThreeTiers", coalesce(sum(out_of_pocket), 0) AS "outOfPocket"
      FROM benefit_record
      WHERE person_id = ${personId}::uuid AND year = ${year} AND id <> ${visitId}::uuid
        AND supplements_id IS DISTINCT FROM ${visitId}::uuid`;
    return row!;
  }

  /** The supplements of a visit so far, oldest first. */
  supplementsOf(tx: Prisma.TransactionClient, visitId: string) {
    return tx.benefitRecord.findMany({ where: { supplementsId: visitId, kind: 'SUPPLEMENT' }, orderBy: { createdAt: 'asc' } });
  }

  /** Stores a supplement (SUPPLEMENT); the unique (visit, certification) index refuses a second one. */
  async insertSupplement(tx: Prisma.TransactionClient, data: Prisma.BenefitRecordUncheckedCreateInput): Promise<{ id: string }> {
    return tx.benefitRecord.create({ data: { ...data, kind: 'SUPPLEMENT' }, select: { id: true } });
  }

  /** Runs `work` in a transaction with the settlement's waiting limits. */
  transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.db.$transaction(work, { maxWait: 10_000, timeout: 20_000 });
  }
}
