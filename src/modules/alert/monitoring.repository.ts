import type { AssistanceCategory, Residence } from '../../shared/enums.js';
import type { Db } from '../../server/prisma.js';
import type { BenefitRow } from '../benefit/benefit.repository.js';

/** A person as the monitoring rules ask. */
export interface MonitoredRow {
  id: string;
  regionCode: string;
  residence: Residence;
}

/** A status as the engine's `activeCategoriesOn` reads it. */
export interface MonitoredStatus {
  personId: string;
  category: AssistanceCategory;
  class: number | null;
  validFrom: Date;
  validTo: Date | null;
  transitionUntil: Date | null;
  revokedAt: Date | null;
  retroactive: boolean;
}

/** A stored benefit record with what the rules measure, and the settlement it reverses if it is a reversal. */
export type MonitoredRecord = { claimJurisdiction: string } & Pick<
  BenefitRow,
  | 'id'
  | 'personId'
  | 'claimId'
  | 'kind'
  | 'serviceDate'
  | 'visitType'
  | 'referral'
  | 'inProvince'
  | 'diagnosis'
  | 'totalCost'
  | 'inPolicyCost'
  | 'basicPaid'
  | 'criticalPaid'
  | 'otherPaid'
  | 'outOfPocket'
> & { reversesId: string | null };

/** The reads of a monitoring run, a batch of persons at a time. */
export class MonitoringRepository {
  constructor(private readonly db: Db) {}

  /** The next `limit` persons (by id, after `afterId`) within `regionPrefix` with a record in `year` up to `through`. */
  async personIds(year: number, through: Date, regionPrefix: string, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT b.person_id AS id
      FROM benefit_record b JOIN person p ON p.id = b.person_id
      WHERE b.year = ${year} AND b.service_date <= ${through} AND p.region_code LIKE ${`${regionPrefix}%`} AND b.person_id > ${afterId}::uuid
      ORDER BY b.person_id
      LIMIT ${limit}`;
    return rows.map((row) => row.id);
  }

  /** The persons' regions and residences. */
  persons(ids: readonly string[]): Promise<MonitoredRow[]> {
    return this.db.person.findMany({ where: { id: { in: [...ids] } }, select: { id: true, regionCode: true, residence: true } });
  }

  /** The persons' whole status history. */
  statuses(ids: readonly string[]): Promise<MonitoredStatus[]> {
    return this.db.householdStatus.findMany({
      where: { personId: { in: [...ids] }, supersededBy: { is: null } },
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
    });
  }

  /** The persons' records of `year` up to `through`, in the order they were settled. */
  records(ids: readonly string[], year: number, through: Date): Promise<MonitoredRecord[]> {
    return this.db.benefitRecord.findMany({
      where: { personId: { in: [...ids] }, year, serviceDate: { lte: through } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        personId: true,
        claimId: true,
        claimJurisdiction: true,
        kind: true,
        reversesId: true,
        serviceDate: true,
        visitType: true,
        referral: true,
        inProvince: true,
        diagnosis: true,
        totalCost: true,
        inPolicyCost: true,
        basicPaid: true,
        criticalPaid: true,
        otherPaid: true,
        outOfPocket: true,
      },
    });
  }

  /** Every configuration version of a year: few, read once per run. */
  configVersions(year: number) {
    return this.db.regionConfig.findMany({ where: { year } });
  }
}
