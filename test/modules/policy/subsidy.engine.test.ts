import { describe, expect, it } from 'vitest';
import { ParameterNotSetError, PolicyInputError } from '../../../src/modules/policy/policy.errors.js';
import type { ActiveCategory, RegionConfig, RuleSetId } from '../../../src/modules/policy/policy.types.js';
import { resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { quoteSubsidy } from '../../../src/modules/policy/subsidy.engine.js';
import { m } from './policy.builders.js';

function quote(ruleSet: RuleSetId, year: number, contribution: string, categories: ActiveCategory[], config: RegionConfig = {}) {
  return quoteSubsidy({ ruleSet: resolveRuleSet(ruleSet, config), year, personalContribution: m(contribution), categories });
}

describe('quoteSubsidy', () => {
  it('applies the highest subsidy of the categories held (就高从优)', () => {
    const result = quote('gansu-2023', 2024, '380.00', [
      { category: 'LIFTED_OUT_OF_POVERTY' },
      { category: 'MINIMUM_LIVING', class: 3 },
      { category: 'RETURNED_TO_POVERTY' },
    ]);
    expect(result.category).toBe('RETURNED_TO_POVERTY');
    expect(result.subsidy.toFixed(2)).toBe('310.00');
    expect(result.explanation.filter(({ step }) => step === 'candidate').map(({ amount }) => amount)).toEqual([
      '250.00',
      '310.00',
      '100.00',
    ]);
    expect(result.explanation.at(-1)?.citation).toContain('就高从优');
  });

  it('breaks a tie by the order of domain.md §3', () => {
    const result = quote('gansu-2023', 2024, '380.00', [{ category: 'ORPHAN' }, { category: 'EXTREME_POVERTY' }]);
    expect(result.category).toBe('EXTREME_POVERTY');
  });

  it('never pays more than the personal contribution', () => {
    const result = quote('gansu-2023', 2024, '300.00', [{ category: 'MINIMUM_LIVING', class: 1 }]);
    expect(result.subsidy.toFixed(2)).toBe('300.00');
  });

  it('rounds a share of the contribution half up to the fen', () => {
    expect(quote('shanxi-2022', 2023, '350.05', [{ category: 'MINIMUM_LIVING' }]).subsidy.toFixed(2)).toBe('280.04');
    expect(quote('shanxi-2022', 2023, '350.05', [{ category: 'RETURNED_TO_POVERTY' }]).subsidy.toFixed(2)).toBe('315.05');
  });

  it('gives nothing, with no category, to categories the table does not list', () => {
    const result = quote('jiaxing-2023', 2023, '380.00', [{ category: 'ILLNESS_POVERTY' }, { category: 'OTHER_SPECIAL' }]);
    expect(result.category).toBeNull();
    expect(result.subsidy.toFixed(2)).toBe('0.00');
    expect(quote('jiaxing-2023', 2023, '380.00', []).subsidy.toFixed(2)).toBe('0.00');
  });

  it('subsidises jiaxing classes 1–3 and distressed children in full', () => {
    for (const category of ['EXTREME_POVERTY', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL', 'DISTRESSED_CHILD'] as const) {
      expect(quote('jiaxing-2023', 2023, '380.00', [{ category }]).subsidy.toFixed(2)).toBe('380.00');
    }
  });

  it('refuses an amount the source leaves to the province until the region configures it', () => {
    const error = (() => {
      try {
        return quote('national-2021', 2023, '380.00', [{ category: 'MINIMUM_LIVING' }]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ParameterNotSetError);
    expect((error as Error).message).toBe('national-2021 sets no subsidy for MINIMUM_LIVING; configure it');
    const configured = quote('national-2021', 2023, '380.00', [{ category: 'MINIMUM_LIVING' }], {
      subsidies: { MINIMUM_LIVING: m('200.00') },
    });
    expect(configured.subsidy.toFixed(2)).toBe('200.00');
  });

  it('knows gansu amounts raised from benefit year 2024 only from then, and continuing ones before', () => {
    expect(() => quote('gansu-2023', 2023, '350.00', [{ category: 'MINIMUM_LIVING', class: 1 }])).toThrow(ParameterNotSetError);
    expect(quote('gansu-2023', 2023, '350.00', [{ category: 'LIFTED_OUT_OF_POVERTY' }]).subsidy.toFixed(2)).toBe('100.00');
  });

  it('limits the shanxi 280 for monitored people to 2022–2025', () => {
    expect(quote('shanxi-2022', 2025, '400.00', [{ category: 'AT_RISK_MONITORED' }]).subsidy.toFixed(2)).toBe('280.00');
    const after = quote('shanxi-2022', 2026, '400.00', [{ category: 'AT_RISK_MONITORED' }], {
      subsidies: { AT_RISK_MONITORED: m('280.00') },
    });
    expect(after.subsidy.toFixed(2)).toBe('0.00');
    expect(after.category).toBeNull();
  });

  it('leaves the transition subsidy of monitored people to the province until 2025, and pays none after (nhsa-reply-2022 二)', () => {
    const monitored: ActiveCategory[] = [{ category: 'AT_RISK_MONITORED' }];
    expect(() => quote('national-2021', 2025, '400.00', monitored)).toThrow(ParameterNotSetError);
    expect(() => quote('national-2021', 2025, '400.00', monitored)).toThrow('national-2021 sets no subsidy for AT_RISK_MONITORED');
    const configured = quote('national-2021', 2025, '400.00', monitored, { subsidies: { AT_RISK_MONITORED: m('150.00') } });
    expect(configured.subsidy.toFixed(2)).toBe('150.00');
    expect(configured.category).toBe('AT_RISK_MONITORED');
    const ended = quote('national-2021', 2026, '400.00', monitored, { subsidies: { AT_RISK_MONITORED: m('150.00') } });
    expect(ended.subsidy.toFixed(2)).toBe('0.00');
    expect(ended.category).toBeNull();
  });

  it('refuses a benefit year before the rule set and a gansu MINIMUM_LIVING without class', () => {
    expect(() => quote('jiaxing-2023', 2022, '350.00', [{ category: 'MINIMUM_LIVING' }])).toThrow(PolicyInputError);
    expect(() => quote('gansu-2023', 2024, '380.00', [{ category: 'MINIMUM_LIVING' }])).toThrow(/needs the class/);
  });
});
