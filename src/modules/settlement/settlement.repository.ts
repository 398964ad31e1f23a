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
export interface NewBenefit extends Omit<StoredClaim, 'id' | 'explanation'> {
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
}
