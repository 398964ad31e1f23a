import type { Decimal } from 'decimal.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { AssistanceCategory, BenefitKind, Referral, VisitType } from '../../shared/enums.js';
import type { ExplanationStep } from '../policy/policy.types.js';
import type { Db } from '../../server/prisma.js';
import { padKeys } from '../../shared/loader.js';

/** A benefit record as the API shows it. */
export interface BenefitRow {
  id: string;
  claimId: string;
  personId: string;
  serviceDate: Date;
  visitType: VisitType;
  referral: Referral;
  inProvince: boolean;
  diagnosis: string | null;
  totalCost: Decimal;
  inPolicyCost: Decimal;
  basicPaid: Decimal;
  criticalPaid: Decimal;
  otherPaid: Decimal;
  assistancePaid: Decimal;
  tiltPaid: Decimal;
  outOfPocket: Decimal;
  ruleSet: string | null;
  category: AssistanceCategory | null;
  kind: BenefitKind;
  providerBorne: Decimal;
  explanation: ExplanationStep[] | null;
  reason: string | null;
  supplementsId: string | null;
  certificationId: string | null;
}

/** A person's yearly sums; `visits` counts settlements not reversed (a supplement and its reversal are no visit). */
export interface BurdenRow {
  personId: string;
  visits: number;
  totalCost: Decimal;
  basicPaid: Decimal;
  criticalPaid: Decimal;
  otherPaid: Decimal;
  assistancePaid: Decimal;
  tiltPaid: Decimal;
  outOfPocket: Decimal;
  /** Aid paid by charities in the year. */
  charityPaid: Decimal;
  /** Claims paid by commercial insurers in the year. */
  commercialPaid: Decimal;
}

/** The columns of a `BenefitRow`, for every statement that returns one. */
export const BENEFIT_COLUMNS = Prisma.sql`id, claim_id AS "claimId", person_id AS "personId", service_date AS "serviceDate",
  visit_type AS "visitType", referral, in_province AS "inProvince", diagnosis,
  total_cost AS "totalCost", in_policy_cost AS "inPolicyCost", basic_paid AS "basicPaid",
  critical_paid AS "criticalPaid", other_paid AS "otherPaid", assistance_paid AS "assistancePaid",
  tilt_paid AS "tiltPaid", out_of_pocket AS "outOfPocket", rule_set AS "ruleSet", category,
  kind, provider_borne AS "providerBorne", explanation, reason, supplements_id AS "supplementsId", certification_id AS "certificationId"`;

/** Reads benefit records. */
export class BenefitRepository {
  constructor(private readonly db: Db) {}

  /** Records by id whose person is in `personScope` (a federated reference to a benefit record). */
  async findByIds(ids: readonly string[], personScope: Prisma.PersonWhereInput): Promise<BenefitRow[]> {
    const rows = await this.db.benefitRecord.findMany({ where: { id: { in: padKeys(ids) }, person: personScope } });
    return rows as unknown as BenefitRow[];
  }

  /**
   * The first `take` records of each person (newest service date first),
   * after the record `afterId` when given, for many persons in one
   * statement, by a window function.
   */
  pageByPersonIds(personIds: readonly string[], year: number | null, take: number, afterId: string | null): Promise<BenefitRow[]> {
    const yearCondition = year === null ? Prisma.empty : Prisma.sql`AND year = ${year}`;
    const afterCondition = afterId
      ? Prisma.sql`WHERE (b."serviceDate", b.id) < (SELECT service_date, id FROM benefit_record WHERE id = ${afterId}::uuid)`
      : Prisma.empty;
    return this.db.$queryRaw<BenefitRow[]>`
      SELECT * FROM (
        SELECT b.*, row_number() OVER (PARTITION BY b."personId" ORDER BY b."serviceDate" DESC, b.id DESC) AS rn
        FROM (
          SELECT ${BENEFIT_COLUMNS}
          FROM benefit_record
          WHERE person_id = ANY(${[...personIds]}::uuid[]) ${yearCondition}
        ) b ${afterCondition}
      ) ranked
      WHERE rn <= ${take}
      ORDER BY "personId", rn`;
  }

  /** How many records each person has, of one year or all. */
  countByPersonIds(personIds: readonly string[], year: number | null) {
    return this.db.benefitRecord.groupBy({
      by: ['personId'],
      where: { personId: { in: padKeys(personIds) }, ...(year === null ? {} : { year }) },
      _count: { _all: true },
    });
  }

  /**
   * Yearly sums per person; persons with no record in the year are absent.
   * Reversal records carry negated amounts, so the sums net them out.
   */
  burdenByPersonIds(personIds: readonly string[], year: number): Promise<BurdenRow[]> {
    const ids = [...personIds];
    const from = new Date(Date.UTC(year, 0, 1));
    const to = new Date(Date.UTC(year + 1, 0, 1));
    // One statement: the visits' sums and the partners' payments of the year (by the day they paid).
    return this.db.$queryRaw<BurdenRow[]>`
      WITH visits AS (
        SELECT person_id,
          (count(*) FILTER (WHERE kind = 'SETTLEMENT') - count(*) FILTER (WHERE kind = 'REVERSAL' AND supplements_id IS NULL))::int AS visits,
          sum(total_cost) AS total_cost, sum(basic_paid) AS basic_paid, sum(critical_paid) AS critical_paid,
          sum(other_paid) AS other_paid, sum(assistance_paid) AS assistance_paid, sum(tilt_paid) AS tilt_paid,
          sum(out_of_pocket) AS out_of_pocket
        FROM benefit_record WHERE person_id = ANY(${ids}::uuid[]) AND year = ${year} GROUP BY person_id
      ), charity AS (
        SELECT person_id, sum(amount) AS paid FROM charity_aid
        WHERE person_id = ANY(${ids}::uuid[]) AND paid_on >= ${from}::date AND paid_on < ${to}::date GROUP BY person_id
      ), commercial AS (
        SELECT person_id, sum(amount) AS paid FROM commercial_claim
        WHERE person_id = ANY(${ids}::uuid[]) AND paid_on >= ${from}::date AND paid_on < ${to}::date GROUP BY person_id
      )
      SELECT p.person_id AS "personId", coalesce(v.visits, 0) AS visits,
        coalesce(v.total_cost, 0) AS "totalCost", coalesce(v.basic_paid, 0) AS "basicPaid",
        coalesce(v.critical_paid, 0) AS "criticalPaid", coalesce(v.other_paid, 0) AS "otherPaid",
        coalesce(v.assistance_paid, 0) AS "assistancePaid", coalesce(v.tilt_paid, 0) AS "tiltPaid",
        coalesce(v.out_of_pocket, 0) AS "outOfPocket",
        coalesce(c.paid, 0) AS "charityPaid", coalesce(m.paid, 0) AS "commercialPaid"
      FROM (SELECT person_id FROM visits UNION SELECT person_id FROM charity UNION SELECT person_id FROM commercial) p
      LEFT JOIN visits v USING (person_id) LEFT JOIN charity c USING (person_id) LEFT JOIN commercial m USING (person_id)`;
  }
}
