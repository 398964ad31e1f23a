import type { Decimal } from 'decimal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../../server/prisma.js';
import type { Referral } from '../../shared/enums.js';
import { Money } from '../../shared/money.js';
import type { PartnerPayment, ResidualMember, ResidualVisit } from '../policy/residual.engine.js';
import type { StatusRecord } from '../policy/settlement.engine.js';

interface VisitRow {
  personId: string;
  claimId: string;
  serviceDate: string;
  referral: Referral;
  ruleSet: string | null;
  outOfPocket: Decimal;
}

interface PaymentRow {
  personId: string;
  kind: 'COMMERCIAL' | 'CHARITY';
  amount: Decimal;
  paidOn: string;
  claimId: string | null;
}

type Client = Db | Prisma.TransactionClient;

/** Gathers what the 动态清零 engine needs from stored rows: three statements whatever the number of persons. */
export class ResidualRepository {
  constructor(private readonly db: Db) {}

  /**
   * The next `take` persons within `scope` (after `after`, in id order) whose settled out-of-pocket in `year` under
   * the rule sets `ruleSets`, net of reversals, exceeds `above`: one statement. What remains after the partners
   * never exceeds that sum, so every person over a cap of at least `above` is among them.
   */
  async candidatesOver(
    year: number,
    ruleSets: readonly string[],
    above: Decimal,
    scope: Prisma.PersonWhereInput,
    after: string | null,
    take: number,
  ): Promise<string[]> {
    const groups = await this.db.benefitRecord.groupBy({
      by: ['personId'],
      where: { year, ruleSet: { in: [...ruleSets] }, person: { is: scope }, ...(after !== null && { personId: { gt: after } }) },
      having: { outOfPocket: { _sum: { gt: above.toFixed(2) } } },
      orderBy: { personId: 'asc' },
      take,
    });
    return groups.map((group) => group.personId);
  }

  /**
   * The next `take` households (after `after`, in id order) whose members within `regionPrefix` settled out-of-pocket
   * in `year` under the rule sets `ruleSets`, net of reversals, of more than `above`, with their members within
   * `scope` (itself within `regionPrefix`; a household with none is kept with no members, so that the caller's
   * keyset moves past it): two statements. A household's residual over those members never exceeds that sum, so
   * every household over a cap of at least `above` is among them.
   */
  async householdCandidatesOver(
    year: number,
    ruleSets: readonly string[],
    above: Decimal,
    scope: Prisma.PersonWhereInput,
    regionPrefix: string,
    after: string | null,
    take: number,
  ): Promise<{ householdId: string; memberIds: string[] }[]> {
    const groups = await this.db.$queryRaw<{ householdId: string }[]>`
      SELECT p.household_id::text AS "householdId" FROM benefit_record b JOIN person p ON p.id = b.person_id
      WHERE b.year = ${year} AND b.rule_set = ANY(${[...ruleSets]}::text[]) AND p.household_id IS NOT NULL
        AND p.region_code LIKE ${`${regionPrefix}%`} AND (${after}::uuid IS NULL OR p.household_id > ${after}::uuid)
      GROUP BY p.household_id HAVING sum(b.out_of_pocket) > ${above.toFixed(2)}::numeric ORDER BY p.household_id LIMIT ${take}`;
    if (groups.length === 0) return [];
    const members = await this.db.person.findMany({
      where: { AND: [{ householdId: { in: groups.map((group) => group.householdId) } }, scope] },
      select: { id: true, householdId: true },
      orderBy: { id: 'asc' },
    });
    return groups.map(({ householdId }) => ({
      householdId,
      memberIds: members.filter((member) => member.householdId === householdId).map((member) => member.id),
    }));
  }

  /**
   * The members of the person's household, in id order, and the household's id; the person alone when in none.
   * `client` is the settlement's transaction.
   */
  async householdOf(personId: string, client: Client = this.db): Promise<{ householdId: string | null; memberIds: string[] }> {
    const rows = await client.$queryRaw<{ id: string; householdId: string }[]>`
      SELECT p.id::text AS id, p.household_id::text AS "householdId" FROM person p
      WHERE p.household_id = (SELECT household_id FROM person WHERE id = ${personId}::uuid) ORDER BY p.id`;
    if (rows.length === 0) return { householdId: null, memberIds: [personId] };
    return { householdId: rows[0]!.householdId, memberIds: rows.map((row) => row.id) };
  }

  /**
   * Serialises, until the transaction ends, the settlements of a household's members in a year that read the
   * household's residual: each then sees what the one before committed, so that a crossing made of two members'
   * claims settled at once is not missed by both.
   */
  async lockHouseholdYear(tx: Prisma.TransactionClient, householdId: string, year: number): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`residual-household:${householdId}:${year}`}, 0))`;
  }

  /**
   * The year's records of each person (current status versions, settled claims net of reversals, partner payments);
   * `client` is a transaction's when the caller must see what it has just written.
   */
  async membersOf(personIds: readonly string[], year: number, client: Client = this.db): Promise<ResidualMember[]> {
    const ids = [...personIds];
    if (ids.length === 0) return [];
    const from = new Date(Date.UTC(year, 0, 1));
    const to = new Date(Date.UTC(year + 1, 0, 1));
    const statuses = await client.householdStatus.findMany({
      where: { personId: { in: ids }, supersededBy: { is: null } },
      select: {
        personId: true,
        category: true,
        class: true,
        validFrom: true,
        validTo: true,
        transitionUntil: true,
        revokedAt: true,
        retroactive: true,
      },
      orderBy: [{ validFrom: 'asc' }, { id: 'asc' }],
    });
    // A reversal carries the claim's negated amounts: a claim counts with what is left of it, if anything.
    const visits = await client.$queryRaw<VisitRow[]>`
      SELECT person_id AS "personId", claim_id AS "claimId", to_char(service_date, 'YYYY-MM-DD') AS "serviceDate",
        referral::text AS referral, rule_set AS "ruleSet", sum(out_of_pocket) AS "outOfPocket"
      FROM benefit_record WHERE person_id = ANY(${ids}::uuid[]) AND year = ${year}
      GROUP BY person_id, claim_id, service_date, referral, rule_set
      HAVING sum(out_of_pocket) > 0
      ORDER BY service_date, claim_id`;
    const payments = await client.$queryRaw<PaymentRow[]>`
      SELECT person_id AS "personId", 'CHARITY' AS kind, amount, to_char(paid_on, 'YYYY-MM-DD') AS "paidOn", claim_id AS "claimId"
      FROM charity_aid WHERE person_id = ANY(${ids}::uuid[]) AND paid_on >= ${from}::date AND paid_on < ${to}::date
      UNION ALL
      SELECT person_id, 'COMMERCIAL', amount, to_char(paid_on, 'YYYY-MM-DD'), related_claim_id
      FROM commercial_claim WHERE person_id = ANY(${ids}::uuid[]) AND paid_on >= ${from}::date AND paid_on < ${to}::date
      ORDER BY "paidOn"`;
    return ids.map((personId) => ({
      personId,
      statuses: statuses.filter((s) => s.personId === personId) as StatusRecord[],
      visits: visits
        .filter((v) => v.personId === personId)
        .map((v): ResidualVisit => ({ ...v, outOfPocket: new Money(String(v.outOfPocket)) })),
      payments: payments
        .filter((p) => p.personId === personId)
        .map((p): PartnerPayment => ({ kind: p.kind, amount: new Money(String(p.amount)), paidOn: p.paidOn, claimId: p.claimId })),
    }));
  }
}
