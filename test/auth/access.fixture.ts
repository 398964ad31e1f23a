import type { GraphQLFormattedError } from 'graphql';
import type { Agency } from '../../src/generated/prisma/enums.js';
import type { Db } from '../../src/server/prisma.js';
import { makeIdNumber } from '../../src/shared/id-number.js';
import { day } from '../support/factory.js';

/**
 * Helpers of the access tests (access-matrix, row-scope, purpose). What these
 * tests expect is transcribed here from access-policy.md, never imported from
 * src/auth/access-policy.ts: a test that read the policy from the code under
 * test could not notice that the code departs from the document.
 */

/** The agencies in the column order of the expected tables. */
export const AGENCY_ORDER = [
  'MEDICAL_INSURANCE',
  'CIVIL_AFFAIRS',
  'RURAL_REVITALIZATION',
  'HEALTH',
  'CHARITY',
  'INSURER',
  'AUDITOR',
  'FINANCE',
  'ANALYST',
  'HUB_ADMIN',
] as const satisfies readonly Agency[];

/** access-policy.md §3, transcribed: the purposes each agency may declare. */
export const DOCUMENTED_PURPOSES: Readonly<Record<Agency, readonly string[]>> = {
  MEDICAL_INSURANCE: ['SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
  CIVIL_AFFAIRS: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
  RURAL_REVITALIZATION: ['ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP'],
  HEALTH: ['MONITORING_FOLLOW_UP'],
  CHARITY: ['CHARITY_AID'],
  INSURER: ['CLAIM_COORDINATION'],
  FINANCE: ['FUND_SUPERVISION'],
  ANALYST: ['POLICY_EVALUATION'],
  AUDITOR: ['AUDIT'],
  HUB_ADMIN: [],
};

/** Every purpose of §3. */
export const ALL_PURPOSES = [
  'SETTLEMENT',
  'ASSISTANCE_ELIGIBILITY',
  'MONITORING_FOLLOW_UP',
  'CHARITY_AID',
  'CLAIM_COORDINATION',
  'FUND_SUPERVISION',
  'POLICY_EVALUATION',
  'AUDIT',
] as const;

/** The purpose a request of `agency` declares in these tests: its first own purpose (none for HUB_ADMIN). */
export function ownPurpose(agency: Agency): string | null {
  return DOCUMENTED_PURPOSES[agency][0] ?? null;
}

/** The agencies that read persons at all (access-policy.md §1: FINANCE, ANALYST and HUB_ADMIN have no Person). */
export const PERSON_READERS = [
  'MEDICAL_INSURANCE',
  'CIVIL_AFFAIRS',
  'RURAL_REVITALIZATION',
  'HEALTH',
  'CHARITY',
  'INSURER',
  'AUDITOR',
] as const;

/** The `extensions.code` of each error of a response. */
export function errorCodes(response: { errors?: GraphQLFormattedError[] }): string[] {
  return (response.errors ?? []).map((e) => String(e.extensions?.code));
}

/** Runs `work` over `items` with at most `limit` running at once; results in the order of `items`. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// Birth years of the 1980s and sequences from 600: apart from the numbers test/support/factory.ts hands out.
let sequence = 600;

/** One fictitious person, with the residence given (a household's members may differ, unlike createHousehold's). */
export async function createPerson(
  db: Db,
  data: { regionCode: string; residence: 'RURAL' | 'URBAN'; householdId?: string; name?: string; phone?: string },
) {
  sequence += 1;
  const birthDate = `198${sequence % 10}-0${1 + (sequence % 9)}-2${sequence % 8}`;
  return db.person.create({
    data: {
      idNumber: makeIdNumber(data.regionCode, birthDate, sequence),
      name: data.name ?? `访客${sequence}`,
      gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE',
      birthDate: day(birthDate),
      residence: data.residence,
      regionCode: data.regionCode,
      phone: data.phone ?? `1390000${String(sequence).padStart(4, '0')}`,
      householdId: data.householdId ?? null,
    },
  });
}

/** The validity of a referral or consent row. */
export interface Grant {
  validFrom?: string;
  validTo?: string;
  revokedAt?: string;
}

/** Refers `personId` to the charity client `clientId` (by `byClientId`, a medical-insurance or civil-affairs client). */
export function refer(db: Db, personId: string, clientId: string, byClientId: string, grant: Grant = {}) {
  return db.charityReferral.create({
    data: { personId, clientId, purpose: 'CHARITY_AID', createdByClientId: byClientId, ...dates(grant) },
  });
}

/** Records `personId`'s consent to share with the insurer client `clientId`. */
export function consent(db: Db, personId: string, clientId: string, byClientId: string, grant: Grant = {}) {
  return db.consent.create({ data: { personId, clientId, purpose: 'CLAIM_COORDINATION', createdByClientId: byClientId, ...dates(grant) } });
}

function dates(grant: Grant) {
  return {
    validFrom: day(grant.validFrom ?? '2024-01-01'),
    validTo: grant.validTo ? day(grant.validTo) : null,
    revokedAt: grant.revokedAt ? new Date(grant.revokedAt) : null,
  };
}

/** A calendar date `days` from today (UTC), `YYYY-MM-DD`. */
export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
