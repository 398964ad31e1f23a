import { randomUUID } from 'node:crypto';
import { makeIdNumber } from '../../src/shared/id-number.js';
import type { Db } from '../../src/server/prisma.js';
import type { AssistanceCategory } from '../../src/shared/enums.js';

let sequence = 0;

/** A calendar date as Prisma stores `@db.Date`. */
export function day(text: string): Date {
  return new Date(`${text}T00:00:00.000Z`);
}

/** Creates a household with `size` fictitious members in `regionCode`. */
export async function createHousehold(db: Db, regionCode: string, size: number, residence: 'RURAL' | 'URBAN' = 'RURAL') {
  const household = await db.household.create({ data: { regionCode } });
  const members = [];
  for (let i = 0; i < size; i += 1) {
    sequence += 1;
    const birthDate = `19${50 + (sequence % 50)}-0${1 + (sequence % 9)}-1${sequence % 10}`;
    members.push(
      await db.person.create({
        data: {
          idNumber: makeIdNumber(regionCode, birthDate, sequence % 1000),
          name: `测试${sequence}`,
          gender: (sequence % 1000) % 2 === 1 ? 'MALE' : 'FEMALE',
          birthDate: day(birthDate),
          residence,
          regionCode,
          phone: `1380000${String(sequence).padStart(4, '0')}`,
          householdId: household.id,
        },
      }),
    );
  }
  return { household, members };
}

/** Gives a person a certification. */
export function certify(
  db: Db,
  personId: string,
  category: AssistanceCategory,
  validFrom: string,
  extra: { validTo?: string; revokedAt?: string; class?: number } = {},
) {
  return db.householdStatus.create({
    data: {
      personId,
      category,
      class: extra.class ?? null,
      certifiedBy: 'CIVIL_AFFAIRS',
      documentNo: `DOC-${category}-${validFrom}`,
      validFrom: day(validFrom),
      validTo: extra.validTo ? day(extra.validTo) : null,
      revokedAt: extra.revokedAt ? new Date(extra.revokedAt) : null,
      revokeReason: extra.revokedAt ? '收入超过标准' : null,
    },
  });
}

/**
 * Stores an approved application (依申请) for a category that the person's rule
 * set assists only on application, covering the dates from `periodFrom` on.
 */
export function approveApplication(db: Db, personId: string, category: AssistanceCategory, periodFrom: string) {
  return db.assistanceApplication.create({
    data: {
      personId,
      category,
      periodFrom: day(periodFrom),
      status: 'APPROVED',
      submittedBy: 'CIVIL_AFFAIRS',
      submittedByClientId: randomUUID(),
      decidingAgency: 'CIVIL_AFFAIRS',
      decidedAt: new Date(),
    },
  });
}

/** Stores a settled visit with the given amounts (strings, two decimals), or with `reversal` the reversal of one. */
export function recordBenefit(
  db: Db,
  personId: string,
  claimId: string,
  serviceDate: string,
  amounts: { total: string; oop: string; ruleSet?: string; referral?: 'LOCAL' | 'UNREFERRED' },
  reversal?: { reverses: string; reason: string },
) {
  const sign = reversal ? '-' : '';
  return db.benefitRecord.create({
    data: {
      claimId,
      kind: reversal ? 'REVERSAL' : 'SETTLEMENT',
      personId,
      serviceDate: day(serviceDate),
      year: Number(serviceDate.slice(0, 4)),
      visitType: 'INPATIENT',
      referral: amounts.referral ?? 'LOCAL',
      inProvince: true,
      diagnosis: 'I63.9',
      totalCost: amounts.total,
      inPolicyCost: amounts.total,
      basicPaid: `${sign}0.10`,
      criticalPaid: `${sign}0.20`,
      otherPaid: '0.00',
      assistancePaid: `${sign}0.30`,
      tiltPaid: '0.00',
      outOfPocket: amounts.oop,
      ruleSet: amounts.ruleSet ?? 'gansu-2023',
      category: 'MINIMUM_LIVING',
      explanation: [{ step: 'base', amount: `${sign}0.30`, detail: 'test record', citation: 'test' }],
      reversesId: reversal?.reverses ?? null,
      reason: reversal?.reason ?? null,
    },
  });
}
