import type { AssistanceCategory } from '../../src/shared/enums.js';
import type { Db } from '../../src/server/prisma.js';
import { day } from './factory.js';

/** `settleClaim` asking back only the stored record's id, for tests that look at what settling raised rather than at the record. */
export const SETTLE = 'mutation ($input: ClaimInput!) { settleClaim(input: $input) { id } }';

/** What a test may change of the visit `inpatientVisit` builds: the date and the amounts (two-decimal strings). */
export interface VisitOverrides {
  serviceDate?: string;
  totalCost?: string;
  inPolicyCost?: string;
  basicPaid?: string;
  criticalPaid?: string;
  otherPaid?: string;
}

/**
 * A `VisitInput`: an inpatient stay of 2024-05-10 at a local provider in province, diagnosis I63.9, costing 30 000 of which
 * 25 000 in policy and 10 000 paid by basic insurance. The 20 000 left is above gansu-2023's 12 000 for a rural person of
 * no category, so settled for one it raises gansu-2023/rural-other-stay. A test that needs other amounts passes them.
 */
export function inpatientVisit(personId: string, overrides: VisitOverrides = {}) {
  return {
    personId,
    serviceDate: '2024-05-10',
    visitType: 'INPATIENT',
    referral: 'LOCAL',
    inProvince: true,
    diagnosis: 'I63.9',
    totalCost: '30000.00',
    inPolicyCost: '25000.00',
    basicPaid: '10000.00',
    criticalPaid: '0.00',
    ...overrides,
  };
}

/** The `ClaimInput` of `inpatientVisit`: the same visit under a claim id. */
export function inpatientClaim(personId: string, claimId: string, overrides: VisitOverrides = {}) {
  return { claimId, ...inpatientVisit(personId, overrides) };
}

/** The amounts of a stored visit as two-decimal strings; the payments left out are 0.00. */
export interface StoredAmounts {
  totalCost: string;
  inPolicyCost: string;
  basicPaid: string;
  outOfPocket: string;
  criticalPaid?: string;
  otherPaid?: string;
  assistancePaid?: string;
  tiltPaid?: string;
  thresholdApplied?: string;
  tiltBase?: string;
}

/**
 * Stores the settlement of an inpatient stay like `inpatientVisit`'s directly, without the engine: a visit as an import
 * leaves it (no alert, no outbox job), or a year's earlier settlement. `settled` names the rule set and category it was
 * settled under; without it both are null, as for a record the hub did not settle.
 */
export function storeVisit(
  db: Db,
  personId: string,
  claimId: string,
  serviceDate: string,
  amounts: StoredAmounts,
  settled: { ruleSet: string; category: AssistanceCategory | null } | null = null,
) {
  return db.benefitRecord.create({
    data: {
      claimId,
      personId,
      serviceDate: day(serviceDate),
      year: Number(serviceDate.slice(0, 4)),
      visitType: 'INPATIENT',
      referral: 'LOCAL',
      inProvince: true,
      diagnosis: 'I63.9',
      criticalPaid: '0.00',
      otherPaid: '0.00',
      assistancePaid: '0.00',
      tiltPaid: '0.00',
      ...amounts,
      ...settled,
    },
  });
}
