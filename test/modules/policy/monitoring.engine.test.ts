import { describe, expect, it } from 'vitest';
import { alertsForVisit, alertsForYear } from '../../../src/modules/policy/monitoring.engine.js';
import type { ActiveCategory, Residence } from '../../../src/modules/policy/policy.types.js';
import { resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { m, visit } from './policy.builders.js';

const gansu = resolveRuleSet('gansu-2023');
const person = (residence: Residence, categories: ActiveCategory[] = []) => ({ residence, categories });

describe('alertsForVisit (gansu-2023 三(一))', () => {
  it('alerts for a rural category holder whose stay leaves more than 7 200 to pay', () => {
    const [alert, ...rest] = alertsForVisit(gansu, person('RURAL', [{ category: 'LIFTED_OUT_OF_POVERTY' }]), visit(), {
      outOfPocket: m('7200.01'),
    });
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      ruleId: 'gansu-2023/rural-low-income-stay',
      measure: 'STAY_OUT_OF_POCKET',
      targets: ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'],
    });
    expect(alert?.citation).toContain('甘医保发〔2023〕57号 三(一)');
    expect([alert?.threshold.toFixed(2), alert?.amount.toFixed(2)]).toEqual(['7200.00', '7200.01']);
    expect(alertsForVisit(gansu, person('RURAL', [{ category: 'LIFTED_OUT_OF_POVERTY' }]), visit(), { outOfPocket: m('7200.00') })).toEqual(
      [],
    );
  });

  it('alerts for other rural residents above 12 000 after insurance, not for urban ones or outpatients', () => {
    const amounts = { totalCost: '30000.00', basicPaid: '15000.00', criticalPaid: '2000.00' };
    const stay = visit(amounts);
    expect(alertsForVisit(gansu, person('RURAL'), stay, { outOfPocket: m('13000.00') }).map(({ ruleId }) => ruleId)).toEqual([
      'gansu-2023/rural-other-stay',
    ]);
    expect(alertsForVisit(gansu, person('URBAN'), stay, { outOfPocket: m('13000.00') })).toEqual([]);
    expect(
      alertsForVisit(gansu, person('RURAL'), visit({ ...amounts, type: 'OUTPATIENT_CHRONIC' }), { outOfPocket: m('13000.00') }),
    ).toEqual([]);
  });
});

describe('alertsForYear', () => {
  const jiaxing = resolveRuleSet('jiaxing-2023');

  it('alerts jiaxing civil affairs once, when the year crosses 5 000', () => {
    expect(alertsForYear(jiaxing, { categories: [] }, m('4000.00'), m('5000.01'))).toMatchObject([
      { ruleId: 'jiaxing-2023/annual-out-of-pocket', targets: ['CIVIL_AFFAIRS'] },
    ]);
    expect(alertsForYear(jiaxing, { categories: [] }, m('5000.01'), m('9000.00'))).toEqual([]);
    expect(alertsForYear(jiaxing, { categories: [] }, m('4000.00'), m('5000.00'))).toEqual([]);
  });

  it('raises nothing under national or shanxi rules until the region configures the threshold', () => {
    const marginal = { categories: [{ category: 'LOW_INCOME_MARGINAL' as const }] };
    for (const id of ['national-2021', 'shanxi-2022'] as const) {
      expect(alertsForYear(resolveRuleSet(id), marginal, m('0.00'), m('90000.00'))).toEqual([]);
      const configured = resolveRuleSet(id, { monitoringThreshold: m('10000.00') });
      expect(alertsForYear(configured, marginal, m('9000.00'), m('10500.00')).map(({ ruleId }) => ruleId)).toEqual([`${id}/annual-burden`]);
      expect(alertsForYear(configured, { categories: [{ category: 'MINIMUM_LIVING' }] }, m('9000.00'), m('10500.00'))).toEqual([]);
    }
  });
});
