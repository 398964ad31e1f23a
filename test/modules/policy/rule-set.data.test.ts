import { describe, expect, it } from 'vitest';
import { isAmount, Money } from '../../../src/shared/money.js';
import { ASSISTANCE_CATEGORIES, RULE_SET_IDS, VISIT_TYPES } from '../../../src/modules/policy/policy.types.js';
import { governingRuleSet, RULE_SETS } from '../../../src/modules/policy/rule-set.data.js';
import { assistanceTerms, resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { ParameterNotSetError, PolicyInputError } from '../../../src/modules/policy/policy.errors.js';

/** Every citation string anywhere in a rule set definition. */
function citations(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(citations);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === 'citation' || key === 'effectiveCitation' ? [String(v)] : citations(v)));
}

describe('rule set data', () => {
  it.each(RULE_SET_IDS)('%s cites a document for every rule', (id) => {
    const definition = RULE_SETS[id];
    const rules = [
      ...definition.assistance.flatMap((rule) => [rule.threshold, rule.ratio, rule.cap].filter(Boolean)),
      ...definition.subsidies,
      ...definition.monitoring,
    ];
    for (const rule of rules) expect((rule as { citation?: string }).citation?.trim(), JSON.stringify(rule)).toBeTruthy();
    for (const citation of citations(definition)) expect(citation).toMatch(/〔20\d\d〕\d+号|山西省《/);
  });

  it.each(RULE_SET_IDS)('%s defines each parameter at most once per category, class and visit type', (id) => {
    for (const category of ASSISTANCE_CATEGORIES) {
      for (const visitType of VISIT_TYPES) {
        for (const cls of [null, 1, 2, 3, 4]) {
          for (const parameter of ['threshold', 'ratio', 'cap'] as const) {
            const defining = RULE_SETS[id].assistance.filter(
              (rule) =>
                rule[parameter] &&
                rule.categories.includes(category) &&
                (!rule.visitTypes || rule.visitTypes.includes(visitType)) &&
                (!rule.classes || (cls !== null && rule.classes.includes(cls))),
            );
            expect(defining.length, `${id} ${category} ${cls} ${visitType} ${parameter}`).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it('gives national-2021 a threshold, ratio and cap entry (possibly not set) for every category', () => {
    for (const category of ASSISTANCE_CATEGORIES) {
      for (const parameter of ['threshold', 'ratio', 'cap'] as const) {
        expect(
          RULE_SETS['national-2021'].assistance.some((rule) => rule[parameter] && rule.categories.includes(category)),
          `${category} ${parameter}`,
        ).toBe(true);
      }
    }
  });

  it('writes every amount with two decimals', () => {
    const amounts = JSON.stringify(RULE_SETS).match(/"(amount|threshold|above|cap)":"[^"]*"/g) ?? [];
    expect(amounts.length).toBeGreaterThan(10);
    for (const entry of amounts) expect(isAmount(entry.split(':')[1]!.replaceAll('"', '')), entry).toBe(true);
  });

  it('keeps the national baseline of domain.md §5.1 and leaves the rest unset', () => {
    const caps = Object.fromEntries(ASSISTANCE_CATEGORIES.map((category) => [category, new Money('1000.00')]));
    const national = resolveRuleSet('national-2021', { income: new Money('50000.00'), caps });
    const terms = (category: (typeof ASSISTANCE_CATEGORIES)[number]) => assistanceTerms(national, { category }, 'INPATIENT');
    for (const category of ['EXTREME_POVERTY', 'MINIMUM_LIVING'] as const) {
      expect([terms(category)?.threshold.toFixed(2), terms(category)?.ratio.toFixed(2)]).toEqual(['0.00', '0.70']);
    }
    expect(() => terms('LOW_INCOME_MARGINAL')).toThrow(expect.objectContaining({ parameter: 'ratio' }));
    expect(() => terms('AT_RISK_MONITORED')).toThrow(expect.objectContaining({ parameter: 'threshold' }));
    const marginal = resolveRuleSet('national-2021', {
      income: new Money('50000.00'),
      caps,
      ratios: { LOW_INCOME_MARGINAL: new Money('0.65') },
    });
    expect(assistanceTerms(marginal, { category: 'LOW_INCOME_MARGINAL' }, 'INPATIENT')?.threshold.toFixed(2)).toBe('5000.00');
    expect(() => assistanceTerms(resolveRuleSet('national-2021'), { category: 'EXTREME_POVERTY' }, 'INPATIENT')).toThrow(
      ParameterNotSetError,
    );
  });
});

describe('governingRuleSet', () => {
  it('maps Gansu (province prefix 62) to gansu-2023 from 2023-07-01', () => {
    expect(governingRuleSet('620702', '2023-07-01')).toBe('gansu-2023');
    expect(governingRuleSet('620102', '2024-01-01')).toBe('gansu-2023');
    expect(governingRuleSet('620702', '2023-06-30')).toBe('national-2021');
  });

  it('maps Jiaxing 3304 from 2023-01-01, not the rest of Zhejiang', () => {
    expect(governingRuleSet('330402', '2023-01-01')).toBe('jiaxing-2023');
    expect(governingRuleSet('330402', '2022-12-31')).toBe('national-2021');
    expect(governingRuleSet('330102', '2023-05-01')).toBe('national-2021');
  });

  it('maps Shanxi 14 from 2022-11-08 and everything else to national-2021', () => {
    expect(governingRuleSet('140100', '2022-11-08')).toBe('shanxi-2022');
    expect(governingRuleSet('140100', '2022-11-07')).toBe('national-2021');
    expect(governingRuleSet('110101', '2023-05-01')).toBe('national-2021');
  });

  it('refuses a malformed region code and dates before national-2021', () => {
    expect(() => governingRuleSet('6207', '2023-08-01')).toThrow(PolicyInputError);
    expect(() => governingRuleSet('620702', '2021-10-27')).toThrow(/before national-2021/);
  });
});
