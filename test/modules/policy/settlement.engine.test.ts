import { describe, expect, it } from 'vitest';
import { ParameterNotSetError, PolicyInputError } from '../../../src/modules/policy/policy.errors.js';
import type { ActiveCategory } from '../../../src/modules/policy/policy.types.js';
import { resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { activeCategoriesOn, type StatusRecord } from '../../../src/modules/policy/settlement.engine.js';
import { m, settleUnder, visit } from './policy.builders.js';

const ML1: ActiveCategory = { category: 'MINIMUM_LIVING', class: 1 };
const GANSU_ML_CAP = { caps: { MINIMUM_LIVING: m('60000.00') } };
const jiaxing = resolveRuleSet('jiaxing-2023');

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('settle: jiaxing children rule (嘉政办发〔2022〕58号 二(二)7)', () => {
  const heart = visit({ diagnosis: 'Q21.1' });

  it('assists a child of 14 with no category at 80 % with no threshold', () => {
    const result = settleUnder('jiaxing-2023', [], { visit: heart, serviceDate: '2023-06-01', birthDate: '2008-06-02' });
    expect(result.category).toBeNull();
    expect(result.assistance.toFixed(2)).toBe('6400.00');
  });

  it('gives nothing to a 15-year-old with no category', () => {
    const result = settleUnder('jiaxing-2023', [], { visit: heart, serviceDate: '2023-06-01', birthDate: '2008-06-01' });
    expect(result.assistance.toFixed(2)).toBe('0.00');
  });

  it('covers leukaemia C91–C95 but not other diagnoses', () => {
    const leukaemia = settleUnder('jiaxing-2023', [], {
      visit: visit({ diagnosis: 'C92.0' }),
      serviceDate: '2023-06-01',
      birthDate: '2015-01-01',
    });
    const other = settleUnder('jiaxing-2023', [], {
      visit: visit({ diagnosis: 'Q30.0' }),
      serviceDate: '2023-06-01',
      birthDate: '2015-01-01',
    });
    expect(leukaemia.assistance.toFixed(2)).toBe('6400.00');
    expect(other.assistance.toFixed(2)).toBe('0.00');
  });

  it("raises a held category's lower ratio to 80 % within that category's threshold", () => {
    const big = { totalCost: '70000.00', inPolicyCost: '60000.00', basicPaid: '30000.00', criticalPaid: '5000.00' };
    const options = { config: { income: m('40000.00') }, serviceDate: '2023-06-01', birthDate: '2015-01-01' };
    const child = settleUnder('jiaxing-2023', [{ category: 'ILLNESS_POVERTY' }], {
      ...options,
      visit: visit({ ...big, diagnosis: 'Q21.1' }),
    });
    const adultIllness = settleUnder('jiaxing-2023', [{ category: 'ILLNESS_POVERTY' }], {
      ...options,
      visit: visit({ ...big, diagnosis: 'I63.9' }),
    });
    expect(child.category).toBe('ILLNESS_POVERTY');
    expect(child.assistance.toFixed(2)).toBe('12000.00');
    expect(adultIllness.assistance.toFixed(2)).toBe('10500.00');
    expect(child.explanation.find((step) => step.step === 'ratio')?.citation).toContain('0-14周岁');
  });

  it("keeps a held category's higher ratio", () => {
    const result = settleUnder('jiaxing-2023', [{ category: 'MINIMUM_LIVING' }], {
      visit: heart,
      serviceDate: '2023-06-01',
      birthDate: '2015-01-01',
    });
    expect(result.assistance.toFixed(2)).toBe('7200.00');
    expect(result.explanation.find((step) => step.step === 'ratio')?.citation).toContain('二类对象按90%');
  });
});

describe('activeCategoriesOn', () => {
  const retroactiveMinimum: StatusRecord = { category: 'MINIMUM_LIVING', validFrom: '2023-07-15', retroactive: true };

  it('counts a retroactive jiaxing certification from 6 months before its valid-from date', () => {
    expect(activeCategoriesOn([retroactiveMinimum], '2023-01-15', jiaxing)).toEqual([
      { category: 'MINIMUM_LIVING', class: null, retroactive: true },
    ]);
    expect(activeCategoriesOn([retroactiveMinimum], '2023-01-14', jiaxing)).toEqual([]);
    expect(activeCategoriesOn([retroactiveMinimum], '2023-07-15', jiaxing)).toEqual([
      { category: 'MINIMUM_LIVING', class: null, retroactive: false },
    ]);
  });

  it('ends the retroactive window on the last day of a shorter month', () => {
    const status: StatusRecord = { category: 'LOW_INCOME_MARGINAL', validFrom: '2023-08-31', retroactive: true };
    expect(activeCategoriesOn([status], '2023-02-28', jiaxing)).toHaveLength(1);
    expect(activeCategoriesOn([status], '2023-02-27', jiaxing)).toHaveLength(0);
  });

  it('ignores the retroactive flag where the rule set has no such rule or the category is not named', () => {
    expect(activeCategoriesOn([retroactiveMinimum], '2023-03-01', resolveRuleSet('gansu-2023'))).toEqual([]);
    expect(
      activeCategoriesOn([{ category: 'ILLNESS_POVERTY', validFrom: '2023-07-15', retroactive: true }], '2023-03-01', jiaxing),
    ).toEqual([]);
  });

  it('settles a visit in the retroactive window under the category', () => {
    const categories = activeCategoriesOn([retroactiveMinimum], '2023-03-01', jiaxing);
    const result = settleUnder('jiaxing-2023', categories, { serviceDate: '2023-03-01' });
    expect(result.category).toBe('MINIMUM_LIVING');
    expect(result.assistance.toFixed(2)).toBe('7200.00');
  });

  it('keeps a category active during its transition period (渐退期) and not after', () => {
    const status: StatusRecord = {
      category: 'MINIMUM_LIVING',
      validFrom: '2022-01-01',
      validTo: '2023-06-30',
      transitionUntil: '2023-12-31',
    };
    expect(activeCategoriesOn([status], '2023-09-01', jiaxing)).toHaveLength(1);
    expect(activeCategoriesOn([status], '2024-01-01', jiaxing)).toHaveLength(0);
    expect(activeCategoriesOn([{ ...status, transitionUntil: null }], '2023-07-01', jiaxing)).toHaveLength(0);
  });

  it('does not count a revoked status from the day of its revocation, also with Date values from the database', () => {
    const status: StatusRecord = {
      category: 'MINIMUM_LIVING',
      class: 2,
      validFrom: new Date(Date.UTC(2022, 0, 1)),
      validTo: null,
      revokedAt: new Date('2023-08-01T09:30:00Z'),
    };
    expect(activeCategoriesOn([status], '2023-07-31', jiaxing)).toEqual([{ category: 'MINIMUM_LIVING', class: 2, retroactive: false }]);
    expect(activeCategoriesOn([status], '2023-08-01', jiaxing)).toEqual([]);
    expect(activeCategoriesOn([status], '2024-03-01', jiaxing)).toEqual([]);
  });

  it('lists categories in the order of domain.md §3, once each', () => {
    const statuses: StatusRecord[] = [
      { category: 'LIFTED_OUT_OF_POVERTY', validFrom: '2020-01-01' },
      { category: 'EXTREME_POVERTY', validFrom: '2021-01-01' },
      { category: 'LIFTED_OUT_OF_POVERTY', validFrom: '2022-01-01' },
    ];
    expect(activeCategoriesOn(statuses, '2023-01-01', jiaxing).map(({ category }) => category)).toEqual([
      'EXTREME_POVERTY',
      'LIFTED_OUT_OF_POVERTY',
    ]);
  });
});

describe('settle: shanxi RETURNED_TO_POVERTY top-up to 90 %', () => {
  const stay = { totalCost: '55000.00', inPolicyCost: '50000.00', basicPaid: '25000.00', criticalPaid: '5000.00' };
  const config = { caps: { RETURNED_TO_POVERTY: m('60000.00') } };

  it('tops an in-province stay up to 90 % of the in-catalog cost', () => {
    expect(settleUnder('shanxi-2022', [{ category: 'RETURNED_TO_POVERTY' }], { config, visit: visit(stay) }).assistance.toFixed(2)).toBe(
      '15000.00',
    );
  });

  it('does not top up an out-of-province stay', () => {
    const result = settleUnder('shanxi-2022', [{ category: 'RETURNED_TO_POVERTY' }], {
      config,
      visit: visit({ ...stay, referral: 'REFERRED', inProvince: false }),
    });
    expect(result.assistance.toFixed(2)).toBe('14000.00');
  });

  it('tops up no further than the base and never below the proportional amount', () => {
    const uninsured = settleUnder('shanxi-2022', [{ category: 'RETURNED_TO_POVERTY' }], {
      config,
      visit: visit({ totalCost: '10000.00', inPolicyCost: '10000.00', basicPaid: '0.00', criticalPaid: '0.00' }),
    });
    const wellInsured = settleUnder('shanxi-2022', [{ category: 'RETURNED_TO_POVERTY' }], {
      config,
      visit: visit({ totalCost: '10000.00', inPolicyCost: '10000.00', basicPaid: '9500.00', criticalPaid: '0.00' }),
    });
    expect(uninsured.assistance.toFixed(2)).toBe('9000.00');
    expect(wellInsured.assistance.toFixed(2)).toBe('350.00');
  });

  it('does not top up other categories', () => {
    expect(settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], { visit: visit(stay) }).assistance.toFixed(2)).toBe('14000.00');
  });
});

describe('settle: referral and coverage', () => {
  const lifted = { thresholds: { LIFTED_OUT_OF_POVERTY: m('0.00') }, caps: { LIFTED_OUT_OF_POVERTY: m('50000.00') } };

  it('pays nothing for unreferred care, says why first, and leaves the assistance accumulators alone', () => {
    const ytd = { assistancePaid: m('100.00'), inPolicyOopAfterThreeTiers: m('7000.00'), outOfPocket: m('500.00') };
    const result = settleUnder('gansu-2023', [{ category: 'LIFTED_OUT_OF_POVERTY' }], {
      config: lifted,
      ytd,
      visit: visit({ referral: 'UNREFERRED', inProvince: false }),
    });
    expect([result.assistance.toFixed(2), result.tilt.toFixed(2), result.outOfPocket.toFixed(2)]).toEqual(['0.00', '0.00', '13000.00']);
    expect(result.category).toBeNull();
    expect(result.explanation[0]).toMatchObject({ step: 'referral', amount: '0.00' });
    expect(result.explanation[0]?.citation).toContain('国办发〔2021〕42号 (十三)');
    expect(result.ytd.assistancePaid.toFixed(2)).toBe('100.00');
    expect(result.ytd.inPolicyOopAfterThreeTiers.toFixed(2)).toBe('7000.00');
    expect(result.ytd.outOfPocket.toFixed(2)).toBe('13500.00');
  });

  it('needs no parameter for unreferred care', () => {
    const result = settleUnder('gansu-2023', [{ category: 'AT_RISK_MONITORED' }], { visit: visit({ referral: 'UNREFERRED' }) });
    expect(result.assistance.toFixed(2)).toBe('0.00');
  });

  it('gives no candidate for a category the rule set does not assist for the visit type', () => {
    const chronic = visit({
      type: 'OUTPATIENT_CHRONIC',
      totalCost: '4200.00',
      inPolicyCost: '4000.00',
      basicPaid: '1000.00',
      criticalPaid: '0.00',
    });
    const marginal = settleUnder('shanxi-2022', [{ category: 'LOW_INCOME_MARGINAL' }], { visit: chronic });
    const both = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }, { category: 'LOW_INCOME_MARGINAL' }], { visit: chronic });
    expect(marginal.category).toBeNull();
    expect(marginal.explanation.find((step) => step.step === 'assistance')?.citation).toContain('完善门诊医疗救助政策');
    expect(both.category).toBe('MINIMUM_LIVING');
    expect(both.assistance.toFixed(2)).toBe('900.00');
  });

  it('assists shanxi special drugs at 20 % for EXTREME_POVERTY once the region sets a cap', () => {
    const drug = visit({
      type: 'OUTPATIENT_SPECIAL_DRUG',
      totalCost: '5000.00',
      inPolicyCost: '5000.00',
      basicPaid: '2000.00',
      criticalPaid: '0.00',
    });
    expect(() => settleUnder('shanxi-2022', [{ category: 'EXTREME_POVERTY' }], { visit: drug })).toThrow(ParameterNotSetError);
    const result = settleUnder('shanxi-2022', [{ category: 'EXTREME_POVERTY' }], {
      visit: drug,
      config: { caps: { EXTREME_POVERTY: m('80000.00') } },
    });
    expect(result.assistance.toFixed(2)).toBe('600.00');
  });
});

describe('settle: parameters not set', () => {
  it('refuses when any active category lacks a parameter, even one that would lose', () => {
    const error = thrown(() => settleUnder('gansu-2023', [ML1, { category: 'AT_RISK_MONITORED' }], { config: GANSU_ML_CAP }));
    expect(error).toBeInstanceOf(ParameterNotSetError);
    expect(error).toMatchObject({
      ruleSet: 'gansu-2023',
      category: 'AT_RISK_MONITORED',
      parameter: 'threshold',
      code: 'PARAMETER_NOT_SET',
    });
  });

  it('names the cap once the threshold is configured, and settles once both are', () => {
    const withThreshold = { ...GANSU_ML_CAP, thresholds: { AT_RISK_MONITORED: m('0.00') } };
    expect(thrown(() => settleUnder('gansu-2023', [ML1, { category: 'AT_RISK_MONITORED' }], { config: withThreshold }))).toMatchObject({
      parameter: 'cap',
      message: 'gansu-2023 sets no cap for AT_RISK_MONITORED; configure it',
    });
    const complete = { ...withThreshold, caps: { MINIMUM_LIVING: m('60000.00'), AT_RISK_MONITORED: m('60000.00') } };
    expect(settleUnder('gansu-2023', [ML1, { category: 'AT_RISK_MONITORED' }], { config: complete }).category).toBe('MINIMUM_LIVING');
  });

  it('asks for the income when a threshold is a share of it', () => {
    expect(thrown(() => settleUnder('jiaxing-2023', [{ category: 'LOW_INCOME_MARGINAL' }]))).toMatchObject({
      message: 'jiaxing-2023 sets no income for LOW_INCOME_MARGINAL; configure it',
    });
  });

  it('refuses a gansu MINIMUM_LIVING without the class its ratio depends on', () => {
    const error = thrown(() => settleUnder('gansu-2023', [{ category: 'MINIMUM_LIVING' }], { config: GANSU_ML_CAP }));
    expect(error).toBeInstanceOf(PolicyInputError);
    expect((error as Error).message).toContain('needs the class');
  });

  it('settles a gansu MINIMUM_LIVING without class when the region configures its ratio for every class', () => {
    const config = { ...GANSU_ML_CAP, ratios: { MINIMUM_LIVING: m('0.80') } };
    const result = settleUnder('gansu-2023', [{ category: 'MINIMUM_LIVING' }], { config });
    expect(result.assistance.toFixed(2)).toBe('6400.00');
    expect(result.explanation.find(({ step }) => step === 'ratio')?.citation).toContain('region configuration');
  });

  it('refuses a configured ratio below a floor of the source', () => {
    const config = { thresholds: { OTHER_SPECIAL: m('0.00') }, ratios: { OTHER_SPECIAL: m('0.40') } };
    expect(() => settleUnder('jiaxing-2023', [{ category: 'OTHER_SPECIAL' }], { config })).toThrow(/below the floor 0\.50/);
    const raised = settleUnder('jiaxing-2023', [{ category: 'OTHER_SPECIAL' }], {
      config: { ...config, ratios: { OTHER_SPECIAL: m('0.60') } },
    });
    expect(raised.assistance.toFixed(2)).toBe('4800.00');
  });
});

describe('settle: amounts', () => {
  it('breaks a tie by the order of domain.md §3, whatever the input order', () => {
    const config = { thresholds: { ORPHAN: m('0.00') }, caps: { EXTREME_POVERTY: m('60000.00'), ORPHAN: m('60000.00') } };
    const result = settleUnder('gansu-2023', [{ category: 'ORPHAN' }, { category: 'EXTREME_POVERTY' }], { config });
    expect(result.category).toBe('EXTREME_POVERTY');
    expect(result.assistance.toFixed(2)).toBe('8000.00');
  });

  it('rounds half up to the fen', () => {
    const tiny = visit({ totalCost: '1.10', inPolicyCost: '1.10', basicPaid: '0.00', criticalPaid: '0.00' });
    const result = settleUnder('gansu-2023', [{ category: 'MINIMUM_LIVING', class: 3 }], { config: GANSU_ML_CAP, visit: tiny });
    expect(result.assistance.toFixed(2)).toBe('0.83');
  });

  it('consumes the annual threshold across visits', () => {
    const config = { income: m('66000.00') };
    const first = settleUnder('jiaxing-2023', [{ category: 'LOW_INCOME_MARGINAL' }], { config, ytd: { thresholdUsed: m('6000.00') } });
    expect(first.thresholdApplied.toFixed(2)).toBe('600.00');
    expect(first.assistance.toFixed(2)).toBe('5920.00');
    const second = settleUnder('jiaxing-2023', [{ category: 'LOW_INCOME_MARGINAL' }], { config, ytd: first.ytd });
    expect(second.thresholdApplied.toFixed(2)).toBe('0.00');
    expect(second.assistance.toFixed(2)).toBe('6400.00');
  });

  it('tilts gansu assistance objects treated locally, not those referred out of the province', () => {
    const ytd = { inPolicyOopAfterThreeTiers: m('7000.00') };
    expect(settleUnder('gansu-2023', [ML1], { config: GANSU_ML_CAP, ytd }).tilt.toFixed(2)).toBe('480.00');
    const outside = settleUnder('gansu-2023', [ML1], {
      config: GANSU_ML_CAP,
      ytd,
      visit: visit({ referral: 'REFERRED', inProvince: false }),
    });
    expect(outside.tilt.toFixed(2)).toBe('0.00');
    expect(settleUnder('gansu-2023', [], { ytd }).tilt.toFixed(2)).toBe('0.00');
  });

  it('leaves shanxi out-of-catalog cost above the provider limit to the provider', () => {
    const stay = { totalCost: '40000.00', inPolicyCost: '30000.00', basicPaid: '15000.00', criticalPaid: '2000.00' };
    const county = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], {
      visit: visit({ ...stay, providerFeeClass: 'COUNTY_CLASS_2_3' }),
    });
    expect([county.assistance.toFixed(2), county.providerBorne.toFixed(2), county.outOfPocket.toFixed(2)]).toEqual([
      '9100.00',
      '4000.00',
      '9900.00',
    ]);
    const unknownClass = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], { visit: visit(stay) });
    expect(unknownClass.outOfPocket.toFixed(2)).toBe('13900.00');
  });

  it('refuses a date before the rule set takes effect and payments above the total cost', () => {
    expect(() => settleUnder('gansu-2023', [ML1], { config: GANSU_ML_CAP, serviceDate: '2023-06-30' })).toThrow(
      /takes effect on 2023-07-01/,
    );
    expect(() => settleUnder('gansu-2023', [ML1], { config: GANSU_ML_CAP, visit: visit({ otherPaid: '20000.00' }) })).toThrow(
      PolicyInputError,
    );
  });
});

describe('settle: explanation', () => {
  it('cites a document and clause for every step', () => {
    const result = settleUnder('gansu-2023', [ML1], { config: GANSU_ML_CAP });
    expect(result.explanation.map(({ step }) => step)).toEqual(['base', 'threshold', 'ratio', 'cap', 'assistance', 'tilt', 'outOfPocket']);
    for (const step of result.explanation) expect(step.citation.trim()).not.toBe('');
    const cite = (name: string) => result.explanation.find(({ step }) => step === name)?.citation;
    expect(cite('ratio')).toContain('甘医保发〔2023〕57号 二(二)');
    expect(cite('threshold')).toContain('国办发〔2021〕42号 (五)');
    expect(cite('cap')).toContain('region configuration');
    expect(result.explanation.find(({ step }) => step === 'assistance')?.amount).toBe('7200.00');
  });

  it('lists every candidate and cites 就高从优 for the choice', () => {
    const config = {
      thresholds: { RETURNED_TO_POVERTY: m('0.00') },
      caps: { MINIMUM_LIVING: m('60000.00'), RETURNED_TO_POVERTY: m('60000.00') },
    };
    const result = settleUnder('gansu-2023', [{ category: 'MINIMUM_LIVING', class: 3 }, { category: 'RETURNED_TO_POVERTY' }], { config });
    expect(result.explanation.filter(({ step }) => step === 'candidate').map(({ amount }) => amount)).toEqual(['6000.00', '7200.00']);
    expect(result.explanation.find(({ step }) => step === 'assistance')?.citation).toContain('就高从优');
  });
});

describe('settle: the five corrected deviations (issue 14)', () => {
  it('settles a shanxi 低保 person who is also 脱贫人口 as 低保 alone: the unlisted category neither pays nor blocks', () => {
    const alone = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }]);
    const both = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }, { category: 'LIFTED_OUT_OF_POVERTY' }]);
    expect(both.assistance.toFixed(2)).toBe('5600.00');
    expect(both).toEqual(alone);
  });

  it('pays a shanxi person holding only unlisted categories nothing, with the closed list in the explanation', () => {
    const result = settleUnder('shanxi-2022', [{ category: 'LIFTED_OUT_OF_POVERTY' }, { category: 'ORPHAN' }]);
    expect(result.category).toBeNull();
    expect(result.assistance.toFixed(2)).toBe('0.00');
    const step = result.explanation.find(({ step: name }) => name === 'assistance')!;
    expect(step.detail).toBe('ORPHAN, LIFTED_OUT_OF_POVERTY: not among the categories shanxi-2022 assists');
    expect(step.citation).toContain('统一规范为低保对象、特困人员');
  });

  it('still refuses a listed shanxi category that lacks a parameter', () => {
    const error = thrown(() => settleUnder('shanxi-2022', [{ category: 'EXTREME_POVERTY' }, { category: 'LIFTED_OUT_OF_POVERTY' }]));
    expect(error).toBeInstanceOf(ParameterNotSetError);
    expect(error).toMatchObject({ category: 'EXTREME_POVERTY', parameter: 'cap' });
  });

  it('deducts other insurance from the base in every rule set, and says so', () => {
    const other = visit({ otherPaid: '3000.00' });
    const national = settleUnder('national-2021', [{ category: 'MINIMUM_LIVING' }], { visit: other, config: GANSU_ML_CAP });
    expect(national.base.toFixed(2)).toBe('5000.00');
    expect(national.assistance.toFixed(2)).toBe('3500.00');
    expect(national.explanation[0]!.detail).toContain('− other 3000.00');
    const gansu = settleUnder('gansu-2023', [ML1], { visit: other, config: GANSU_ML_CAP });
    expect(gansu.assistance.toFixed(2)).toBe('4500.00');
  });

  it('settles a claim whose other insurance paid out-of-catalog cost a shanxi provider would bear, never below zero', () => {
    const stay = visit({
      totalCost: '10000.00',
      inPolicyCost: '5000.00',
      basicPaid: '3000.00',
      otherPaid: '5000.00',
      criticalPaid: '0.00',
      providerFeeClass: 'COUNTY_CLASS_2_3',
    });
    const result = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], { visit: stay });
    expect(result.base.toFixed(2)).toBe('0.00');
    expect(result.providerBorne.toFixed(2)).toBe('2000.00');
    expect(result.outOfPocket.toFixed(2)).toBe('0.00');
  });

  it('replaces only the inpatient ratio with a configured one; outpatient ratios are configured apart', () => {
    const chronic = visit({
      type: 'OUTPATIENT_CHRONIC',
      totalCost: '6000.00',
      inPolicyCost: '5000.00',
      basicPaid: '3000.00',
      criticalPaid: '0.00',
    });
    const ratios = { MINIMUM_LIVING: m('0.75') };
    expect(settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], { visit: chronic, config: { ratios } }).assistance.toFixed(2)).toBe(
      '600.00',
    );
    expect(settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], { config: { ratios } }).assistance.toFixed(2)).toBe('6000.00');
    const outpatientRatios = { OUTPATIENT_CHRONIC: { MINIMUM_LIVING: m('0.50') } };
    const configured = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], {
      visit: chronic,
      config: { ratios, outpatientRatios },
    });
    expect(configured.assistance.toFixed(2)).toBe('1000.00');
    expect(configured.explanation.find(({ step }) => step === 'ratio')?.citation).toContain('region configuration');
  });

  it('names the visit type of a missing outpatient ratio', () => {
    const chronic = visit({ type: 'OUTPATIENT_CHRONIC' });
    const config = { thresholds: { LIFTED_OUT_OF_POVERTY: m('0.00') }, caps: { LIFTED_OUT_OF_POVERTY: m('1000.00') } };
    const error = thrown(() =>
      settleUnder('national-2021', [{ category: 'LIFTED_OUT_OF_POVERTY' }], {
        visit: chronic,
        config: { ...config, ratios: { LIFTED_OUT_OF_POVERTY: m('0.6') } },
      }),
    );
    expect(error).toMatchObject({ parameter: 'ratio', visitType: 'OUTPATIENT_CHRONIC' });
    expect((error as Error).message).toBe('national-2021 sets no ratio for LIFTED_OUT_OF_POVERTY (OUTPATIENT_CHRONIC); configure it');
  });

  it('settles a gansu orphan like 特困: national threshold 0, ratio 100 %, the region’s 特困 cap when none is set for orphans', () => {
    const result = settleUnder('gansu-2023', [{ category: 'ORPHAN' }], { config: { caps: { EXTREME_POVERTY: m('5000.00') } } });
    expect(result.category).toBe('ORPHAN');
    expect(result.thresholdApplied.toFixed(2)).toBe('0.00');
    expect(result.assistance.toFixed(2)).toBe('5000.00');
    const own = settleUnder('gansu-2023', [{ category: 'ORPHAN' }], {
      config: { caps: { EXTREME_POVERTY: m('5000.00'), ORPHAN: m('7000.00') } },
    });
    expect(own.assistance.toFixed(2)).toBe('7000.00');
    expect(thrown(() => settleUnder('gansu-2023', [{ category: 'ORPHAN' }]))).toMatchObject({ category: 'ORPHAN', parameter: 'cap' });
  });
});

describe('activeCategoriesOn: jiaxing timing (嘉政办发〔2022〕58号 二(二)6)', () => {
  const certified: StatusRecord = { category: 'MINIMUM_LIVING', validFrom: '2023-05-10' };

  it('counts a new certification from the first day of the next month', () => {
    expect(activeCategoriesOn([certified], '2023-05-20', jiaxing)).toEqual([]);
    expect(activeCategoriesOn([certified], '2023-05-31', jiaxing)).toEqual([]);
    expect(activeCategoriesOn([certified], '2023-06-01', jiaxing)).toHaveLength(1);
    expect(activeCategoriesOn([{ ...certified, validFrom: '2023-12-10' }], '2024-01-01', jiaxing)).toHaveLength(1);
  });

  it('counts from the valid-from day elsewhere, for a renewal without a gap, and under the retroactive rule', () => {
    expect(activeCategoriesOn([certified], '2023-05-20', resolveRuleSet('gansu-2023'))).toHaveLength(1);
    const previous: StatusRecord = { category: 'MINIMUM_LIVING', validFrom: '2022-05-10', validTo: '2023-05-09' };
    expect(activeCategoriesOn([previous, certified], '2023-05-20', jiaxing)).toHaveLength(1);
    const gap: StatusRecord = { ...previous, validTo: '2023-05-08' };
    expect(activeCategoriesOn([gap, certified], '2023-05-20', jiaxing)).toEqual([]);
    expect(activeCategoriesOn([{ ...certified, retroactive: true }], '2023-05-20', jiaxing)).toEqual([
      { category: 'MINIMUM_LIVING', class: null, retroactive: false },
    ]);
  });
});

describe('settle: tilted assistance (national-2021 (六))', () => {
  it('pays no tilt where the rule set leaves it to an unconfigured region, and says so', () => {
    const result = settleUnder('national-2021', [{ category: 'MINIMUM_LIVING' }], {
      config: GANSU_ML_CAP,
      ytd: { inPolicyOopAfterThreeTiers: m('9000.00') },
    });
    expect(result.tilt.toFixed(2)).toBe('0.00');
    const step = result.explanation.find(({ step: name }) => name === 'tilt')!;
    expect(step.detail).toContain('has not configured it: none paid');
    expect(step.citation).toContain('(六)');
  });

  it('pays the configured ratio of the yearly in-policy remainder above the configured threshold', () => {
    const tilt = { threshold: m('5000.00'), ratio: m('0.5') };
    // base 8000, assistance 5600: remainder 0 → 2400, nothing above 5000; from 4000 → 6400: 1400 above.
    expect(settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], { config: { tilt } }).tilt.toFixed(2)).toBe('0.00');
    const crossing = settleUnder('shanxi-2022', [{ category: 'MINIMUM_LIVING' }], {
      config: { tilt },
      ytd: { inPolicyOopAfterThreeTiers: m('4000.00') },
    });
    expect(crossing.tilt.toFixed(2)).toBe('700.00');
    expect(crossing.explanation.find(({ step }) => step === 'tilt')?.citation).toContain('region configuration');
    const unlisted = settleUnder('shanxi-2022', [{ category: 'LIFTED_OUT_OF_POVERTY' }], {
      config: { tilt },
      ytd: { inPolicyOopAfterThreeTiers: m('9000.00') },
    });
    expect(unlisted.tilt.toFixed(2)).toBe('0.00');
  });
});

describe('settle: direct assistance and assistance on application (domain.md §3)', () => {
  const none = { tracked: true as const, approved: {} };
  const illness = [{ category: 'ILLNESS_POVERTY' as const }];

  it('assists 低保 and 特困 without an application', () => {
    const result = settleUnder('national-2021', [{ category: 'MINIMUM_LIVING' }], { config: GANSU_ML_CAP, applications: none });
    expect(result.assistance.toFixed(2)).toBe('5600.00');
    expect(result.explanation.some(({ step }) => step === 'application')).toBe(false);
  });

  it('pays a category assisted on application nothing without an approved one, and explains the refusal', () => {
    const result = settleUnder('shanxi-2022', illness, { config: { income: m('29178.00') }, applications: none });
    expect(result.category).toBeNull();
    expect(result.assistance.toFixed(2)).toBe('0.00');
    const [application] = result.explanation.filter(({ step }) => step === 'application');
    expect(application!.detail).toBe(
      'ILLNESS_POVERTY is assisted on application (依申请) and no approved application covers 2023-08-15: no assistance in this category',
    );
    expect(result.explanation.find(({ step }) => step === 'assistance')!.detail).toContain('within an approved application');
  });

  it('pays within an approved application and cites it', () => {
    const approved = { tracked: true as const, approved: { ILLNESS_POVERTY: { reference: 'SQ-2023-0815' } } };
    const config = { income: m('20000.00'), caps: { ILLNESS_POVERTY: m('40000.00') }, ratios: { ILLNESS_POVERTY: m('0.6') } };
    const result = settleUnder('national-2021', illness, { config, applications: approved });
    // threshold 25 % × 20000 = 5000; (8000 − 5000) × 60 %
    expect(result.assistance.toFixed(2)).toBe('1800.00');
    expect(result.explanation.find(({ step }) => step === 'application')!.detail).toContain('approved application SQ-2023-0815');
  });

  it('needs no parameter of a category that waits for its application', () => {
    const result = settleUnder('national-2021', [{ category: 'MINIMUM_LIVING' }, { category: 'OTHER_SPECIAL' }], {
      config: GANSU_ML_CAP,
      applications: none,
    });
    expect(result.category).toBe('MINIMUM_LIVING');
  });

  it('follows each rule set’s direct list: gansu adds 低保边缘, shanxi 返贫致贫 and monitored people', () => {
    const gansu = settleUnder('gansu-2023', [{ category: 'LOW_INCOME_MARGINAL' }], {
      config: { income: m('26000.00'), caps: { LOW_INCOME_MARGINAL: m('40000.00') } },
      applications: none,
    });
    expect(gansu.assistance.toFixed(2)).toBe('3780.00');
    const jiaxing = settleUnder('jiaxing-2023', [{ category: 'LOW_INCOME_MARGINAL' }], {
      config: { income: m('66000.00') },
      applications: none,
    });
    expect(jiaxing.assistance.toFixed(2)).toBe('0.00');
    const shanxi = settleUnder('shanxi-2022', [{ category: 'RETURNED_TO_POVERTY' }], {
      config: { caps: { RETURNED_TO_POVERTY: m('60000.00') } },
      applications: none,
    });
    expect(shanxi.category).toBe('RETURNED_TO_POVERTY');
  });

  it('takes the certification for the application when the caller keeps no applications, and says so', () => {
    const result = settleUnder('shanxi-2022', illness, {
      config: { income: m('29178.00') },
      applications: { tracked: false, reason: 'this hub stores no applications yet' },
    });
    expect(result.category).toBe('ILLNESS_POVERTY');
    expect(result.explanation.find(({ step }) => step === 'application')!.detail).toBe(
      'ILLNESS_POVERTY is assisted on application (依申请); this hub stores no applications yet: its certification stands for the application',
    );
  });

  it('pays no tilt to a person whose only category waits for its application', () => {
    const result = settleUnder('gansu-2023', illness, {
      config: { income: m('26000.00'), caps: { ILLNESS_POVERTY: m('40000.00') } },
      applications: none,
      ytd: { inPolicyOopAfterThreeTiers: m('9000.00') },
    });
    expect(result.tilt.toFixed(2)).toBe('0.00');
  });
});
