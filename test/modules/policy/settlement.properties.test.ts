import type { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, maxMoney } from '../../../src/shared/money.js';
import { ParameterNotSetError } from '../../../src/modules/policy/policy.errors.js';
import {
  ASSISTANCE_CATEGORIES,
  PROVIDER_FEE_CLASSES,
  REFERRALS,
  RULE_SET_IDS,
  VISIT_TYPES,
  type Accumulators,
  type ActiveCategory,
  type AssistanceCategory,
  type RegionConfig,
  type RuleSetId,
  type Visit,
} from '../../../src/modules/policy/policy.types.js';
import { assistanceTerms, isAssisted, resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { settle, type SettlementInput } from '../../../src/modules/policy/settlement.engine.js';
import { ALL_APPROVED } from './policy.builders.js';

const RUNS = { seed: 20_231_115, numRuns: 300 };
const yuan = (fen: number): Decimal => new Money(fen).div(100);

const visitArb: fc.Arbitrary<Visit> = fc
  .integer({ min: 0, max: 20_000_000 })
  .chain((total) => fc.tuple(fc.constant(total), fc.integer({ min: 0, max: total })))
  .chain(([total, inPolicy]) => fc.tuple(fc.constant(total), fc.constant(inPolicy), fc.integer({ min: 0, max: inPolicy })))
  .chain(([total, inPolicy, basic]) =>
    fc.record({
      type: fc.constantFrom(...VISIT_TYPES),
      referral: fc.constantFrom(...REFERRALS),
      inProvince: fc.boolean(),
      providerFeeClass: fc.option(fc.constantFrom(...PROVIDER_FEE_CLASSES), { nil: null }),
      diagnosis: fc.constantFrom('I63.9', 'E11.9', 'Q21.1'),
      totalCost: fc.constant(yuan(total)),
      inPolicyCost: fc.constant(yuan(inPolicy)),
      basicPaid: fc.constant(yuan(basic)),
      criticalPaid: fc.integer({ min: 0, max: inPolicy - basic }),
      // Other insurance may pay in-policy and out-of-catalog cost alike, up to what the first two layers left.
      otherShare: fc.integer({ min: 0, max: 100 }),
    }),
  )
  .map(({ criticalPaid, otherShare, ...v }) => {
    const critical = yuan(criticalPaid);
    const left = v.totalCost.minus(v.basicPaid).minus(critical);
    return { ...v, criticalPaid: critical, otherPaid: left.times(otherShare).div(100).toDecimalPlaces(2, Money.ROUND_DOWN) };
  });

const ytdArb: fc.Arbitrary<Accumulators> = fc.record({
  assistancePaid: fc.integer({ min: 0, max: 10_000_000 }).map(yuan),
  thresholdUsed: fc.integer({ min: 0, max: 2_000_000 }).map(yuan),
  inPolicyOopAfterThreeTiers: fc.integer({ min: 0, max: 5_000_000 }).map(yuan),
  outOfPocket: fc.integer({ min: 0, max: 10_000_000 }).map(yuan),
});

const activeArb: fc.Arbitrary<ActiveCategory> = fc
  .constantFrom(...ASSISTANCE_CATEGORIES)
  .chain((category): fc.Arbitrary<ActiveCategory> =>
    category === 'MINIMUM_LIVING' ? fc.integer({ min: 1, max: 4 }).map((cls) => ({ category, class: cls })) : fc.constant({ category }),
  );

/** Values the region would configure for whatever a rule set leaves unset. */
interface Fill {
  readonly income: Decimal;
  readonly threshold: Decimal;
  readonly cap: Decimal;
  readonly ratio: Decimal;
}

const fillArb: fc.Arbitrary<Fill> = fc.record({
  income: fc.integer({ min: 1_000_000, max: 10_000_000 }).map(yuan),
  threshold: fc.integer({ min: 0, max: 1_000_000 }).map(yuan),
  cap: fc.integer({ min: 0, max: 20_000_000 }).map(yuan),
  ratio: fc.integer({ min: 70, max: 100 }).map((percent) => new Money(percent).div(100)),
});

/** The smallest configuration that lets every category settle: each gap the engine names, filled. */
function completeConfig(ruleSet: RuleSetId, categories: readonly ActiveCategory[], visit: Visit, fill: Fill): RegionConfig {
  const config: {
    income?: Decimal;
    thresholds: Record<string, Decimal>;
    caps: Record<string, Decimal>;
    ratios: Record<string, Decimal>;
    outpatientRatios: Record<string, Record<string, Decimal>>;
  } = { thresholds: {}, caps: {}, ratios: {}, outpatientRatios: {} };
  for (let gaps = 0; gaps <= 3 * categories.length + 1; gaps++) {
    try {
      const resolved = resolveRuleSet(ruleSet, config);
      for (const active of categories) assistanceTerms(resolved, active, visit.type);
      return config;
    } catch (error) {
      if (!(error instanceof ParameterNotSetError)) throw error;
      const { category, parameter, visitType } = error;
      if (parameter === 'income') config.income = fill.income;
      else if (parameter === 'threshold') config.thresholds[category] = fill.threshold;
      else if (parameter === 'cap') config.caps[category] = fill.cap;
      else if (visitType && visitType !== 'INPATIENT') (config.outpatientRatios[visitType] ??= {})[category] = fill.ratio;
      else config.ratios[category] = fill.ratio;
    }
  }
  throw new Error(`configuration for ${ruleSet} does not converge`);
}

const scenarioArb = fc
  .record({
    ruleSet: fc.constantFrom(...RULE_SET_IDS),
    categories: fc.uniqueArray(activeArb, { minLength: 1, maxLength: 3, selector: ({ category }) => category }),
    visit: visitArb,
    ytd: ytdArb,
    fill: fillArb,
  })
  .map(({ ruleSet, categories, visit, ytd, fill }): SettlementInput & { fill: Fill } => ({
    ruleSet: resolveRuleSet(ruleSet, completeConfig(ruleSet, categories, visit, fill)),
    serviceDate: '2023-08-15',
    birthDate: '1962-05-10',
    categories,
    applications: ALL_APPROVED(categories),
    ytd,
    visit,
    fill,
  }));

const single = scenarioArb.map((input) => ({ ...input, categories: input.categories.slice(0, 1) }));

function remainingCap(input: SettlementInput, category: AssistanceCategory | null, cls: number | null): Decimal {
  const terms = category && assistanceTerms(input.ruleSet, { category, class: cls }, input.visit.type);
  return terms ? maxMoney(new Money(0), terms.cap.minus(input.ytd.assistancePaid)) : new Money(0);
}

describe('settlement properties', () => {
  it('never pays more than the in-policy remainder (base) or the remaining annual cap', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const result = settle(input);
        expect(result.assistance.lessThanOrEqualTo(result.base)).toBe(true);
        expect(result.assistance.lessThanOrEqualTo(remainingCap(input, result.category, result.class))).toBe(true);
        expect(result.tilt.isNegative()).toBe(false);
      }),
      RUNS,
    );
  });

  it('keeps every amount to two decimals', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const result = settle(input);
        const amounts = [
          result.base,
          result.thresholdApplied,
          result.assistance,
          result.tilt,
          result.providerBorne,
          result.outOfPocket,
          ...Object.values(result.ytd),
        ];
        for (const amount of amounts) expect(amount.decimalPlaces()).toBeLessThanOrEqual(2);
        for (const step of result.explanation) expect(step.amount === null || /^\d+\.\d\d$/.test(step.amount)).toBe(true);
      }),
      RUNS,
    );
  });

  it('accounts for the total cost exactly: out-of-pocket plus every payment', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { visit } = input;
        const result = settle(input);
        const paid = visit.basicPaid
          .plus(visit.criticalPaid)
          .plus(visit.otherPaid)
          .plus(result.assistance)
          .plus(result.tilt)
          .plus(result.providerBorne);
        expect(result.outOfPocket.isNegative()).toBe(false);
        expect(result.outOfPocket.plus(paid).equals(visit.totalCost)).toBe(true);
      }),
      RUNS,
    );
  });

  it('never lowers the assistance when a ratio is raised', () => {
    const ratios = fc.tuple(fc.integer({ min: 70, max: 100 }), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(single, ratios, (input, [low, raise]) => {
        const [active] = input.categories as [ActiveCategory];
        const withRatio = (percent: number) => {
          const ratio = { [active.category]: new Money(Math.min(percent, 100)).div(100) };
          const { type } = input.visit;
          return settle({
            ...input,
            ruleSet: resolveRuleSet(input.ruleSet.id, {
              ...input.ruleSet.config,
              ...(type === 'INPATIENT' ? { ratios: ratio } : { outpatientRatios: { [type]: ratio } }),
            }),
          }).assistance;
        };
        expect(withRatio(low + raise).greaterThanOrEqualTo(withRatio(low))).toBe(true);
      }),
      RUNS,
    );
  });

  it('pays over two identical visits in a row no more than the cap allows', () => {
    fc.assert(
      fc.property(single, (input) => {
        const first = settle(input);
        const second = settle({ ...input, ytd: first.ytd });
        const paid = first.assistance.plus(second.assistance);
        const [active] = input.categories as [ActiveCategory];
        expect(paid.lessThanOrEqualTo(remainingCap(input, active.category, active.class ?? null))).toBe(true);
        expect(second.ytd.assistancePaid.equals(input.ytd.assistancePaid.plus(paid))).toBe(true);
      }),
      RUNS,
    );
  });

  it('never changes a shanxi settlement when the person also holds a category outside its closed list', () => {
    const shanxi = scenarioArb.filter((input) => input.ruleSet.id === 'shanxi-2022');
    const unlisted = fc.subarray(['ORPHAN', 'LIFTED_OUT_OF_POVERTY', 'DISTRESSED_CHILD', 'OTHER_SPECIAL'] as const, { minLength: 1 });
    const listedOnly = fc
      .record({ categories: fc.uniqueArray(activeArb, { minLength: 0, maxLength: 3, selector: ({ category }) => category }) })
      .map(({ categories }) => categories.filter(({ category }) => isAssisted(resolveRuleSet('shanxi-2022'), category)));
    fc.assert(
      fc.property(shanxi, listedOnly, unlisted, (input, listed, extra) => {
        // The configuration is completed for the listed categories only: an unlisted one must need nothing.
        const ruleSet = resolveRuleSet('shanxi-2022', completeConfig('shanxi-2022', listed, input.visit, input.fill));
        const both = [...listed, ...extra.map((category) => ({ category }))];
        const alone = settle({ ...input, ruleSet, categories: listed, applications: ALL_APPROVED(listed) });
        const withUnlisted = settle({ ...input, ruleSet, categories: both, applications: ALL_APPROVED(both) });
        const amounts = ({ explanation: _explanation, ...rest }: ReturnType<typeof settle>) => JSON.stringify(rest);
        expect(amounts(withUnlisted)).toBe(amounts(alone));
        if (listed.length > 0) expect(withUnlisted.explanation).toEqual(alone.explanation);
      }),
      RUNS,
    );
  });

  it('never raises the assistance, nor assistance and tilt together, when other insurance pays more', () => {
    const more = fc.integer({ min: 0, max: 100 });
    fc.assert(
      fc.property(scenarioArb, more, (input, share) => {
        const { visit } = input;
        const left = visit.totalCost.minus(visit.basicPaid).minus(visit.criticalPaid).minus(visit.otherPaid);
        const otherPaid = visit.otherPaid.plus(left.times(share).div(100).toDecimalPlaces(2, Money.ROUND_DOWN));
        const before = settle(input);
        const after = settle({ ...input, visit: { ...visit, otherPaid } });
        expect(after.assistance.lessThanOrEqualTo(before.assistance)).toBe(true);
        expect(after.assistance.plus(after.tilt).lessThanOrEqualTo(before.assistance.plus(before.tilt))).toBe(true);
        expect(after.outOfPocket.isNegative()).toBe(false);
      }),
      RUNS,
    );
  });
});
