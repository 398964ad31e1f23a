import type { Decimal } from 'decimal.js';
import { Money, ZERO } from '../../../src/shared/money.js';
import type {
  Accumulators,
  ActiveCategory,
  Applications,
  RegionConfig,
  RuleSetId,
  Visit,
} from '../../../src/modules/policy/policy.types.js';
import { resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { settle, type SettlementResult } from '../../../src/modules/policy/settlement.engine.js';

/** An amount from its two-decimal text. */
export const m = (text: string): Decimal => new Money(text);

/** A year with nothing paid yet. */
export const NO_YTD: Accumulators = { assistancePaid: ZERO, thresholdUsed: ZERO, inPolicyOopAfterThreeTiers: ZERO, outOfPocket: ZERO };

type Amounts = 'totalCost' | 'inPolicyCost' | 'basicPaid' | 'criticalPaid' | 'otherPaid';

/** A local, in-province inpatient stay: 30 000 total, 25 000 in policy, 17 000 paid by insurance. */
export function visit(overrides: Partial<Omit<Visit, Amounts>> & Partial<Record<Amounts, string>> = {}): Visit {
  const {
    totalCost = '30000.00',
    inPolicyCost = '25000.00',
    basicPaid = '15000.00',
    criticalPaid = '2000.00',
    otherPaid = '0.00',
    ...rest
  } = overrides;
  return {
    type: 'INPATIENT',
    referral: 'LOCAL',
    inProvince: true,
    diagnosis: 'I63.9',
    ...rest,
    totalCost: m(totalCost),
    inPolicyCost: m(inPolicyCost),
    basicPaid: m(basicPaid),
    criticalPaid: m(criticalPaid),
    otherPaid: m(otherPaid),
  };
}

/** Applications approved for every category held: the engine's rules on everything else are what a test looks at. */
export const ALL_APPROVED = (categories: readonly ActiveCategory[]): Applications => ({
  tracked: true,
  approved: Object.fromEntries(categories.map(({ category }) => [category, { reference: 'A-TEST' }])),
});

/** Settles a visit of an adult born 1962 on 2023-08-15 unless told otherwise. */
export function settleUnder(
  ruleSet: RuleSetId,
  categories: readonly ActiveCategory[],
  options: {
    config?: RegionConfig;
    visit?: Visit;
    ytd?: Partial<Accumulators>;
    serviceDate?: string;
    birthDate?: string;
    applications?: Applications;
  } = {},
): SettlementResult {
  return settle({
    ruleSet: resolveRuleSet(ruleSet, options.config ?? {}),
    serviceDate: options.serviceDate ?? '2023-08-15',
    birthDate: options.birthDate ?? '1962-05-10',
    categories,
    applications: options.applications ?? ALL_APPROVED(categories),
    ytd: { ...NO_YTD, ...options.ytd },
    visit: options.visit ?? visit(),
  });
}
