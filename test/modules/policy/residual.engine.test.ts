import { describe, expect, it } from 'vitest';
import { PolicyInputError } from '../../../src/modules/policy/policy.errors.js';
import {
  crossed,
  firstHouseholdCrossing,
  firstPersonCrossing,
  householdResidual,
  personResidual,
  type ResidualMember,
  type ResidualVisit,
} from '../../../src/modules/policy/residual.engine.js';
import { m } from './policy.builders.js';

const visit = (claimId: string, serviceDate: string, outOfPocket: string, overrides: Partial<ResidualVisit> = {}): ResidualVisit => ({
  claimId,
  serviceDate,
  referral: 'LOCAL',
  ruleSet: 'jiaxing-2023',
  outOfPocket: m(outOfPocket),
  ...overrides,
});

const member = (personId: string, overrides: Partial<ResidualMember> = {}): ResidualMember => ({
  personId,
  statuses: [{ category: 'MINIMUM_LIVING', validFrom: '2022-01-01' }],
  visits: [],
  payments: [],
  ...overrides,
});

describe('personResidual (嘉政办发〔2022〕58号 二(二)12)', () => {
  it('caps what remains after every payer at 30 000: the excess is the fund’s', () => {
    const result = personResidual(
      member('a', {
        visits: [visit('C1', '2023-03-01', '25000.00'), visit('C2', '2023-09-01', '20000.00')],
        payments: [
          { kind: 'CHARITY', amount: m('4000.00'), paidOn: '2023-10-01', claimId: 'C2' },
          { kind: 'COMMERCIAL', amount: m('1000.00'), paidOn: '2023-10-02', claimId: null },
        ],
      }),
      2023,
    );
    expect(result).toMatchObject({ ruleSet: 'jiaxing-2023', visitsCounted: 2 });
    expect(result.outOfPocket.toFixed(2)).toBe('45000.00');
    expect(result.partnerPaid.toFixed(2)).toBe('5000.00');
    expect(result.residual.toFixed(2)).toBe('40000.00');
    expect(result.excess.toFixed(2)).toBe('10000.00');
    expect(result.explanation.at(-1)!.citation).toContain('二(二)12');
  });

  it('counts neither unreferred care, nor days without a class 1–3 category, nor other years, nor other rule sets', () => {
    const result = personResidual(
      member('a', {
        statuses: [
          { category: 'MINIMUM_LIVING', validFrom: '2023-05-10' },
          { category: 'ILLNESS_POVERTY', validFrom: '2022-01-01' },
        ],
        visits: [
          visit('C1', '2023-05-20', '9000.00'), // certified 05-10: counts from 06-01
          visit('C2', '2023-06-01', '1000.00'),
          visit('C3', '2023-07-01', '2000.00', { referral: 'UNREFERRED' }),
          visit('C4', '2022-12-31', '4000.00'),
          visit('C5', '2023-08-01', '8000.00', { ruleSet: 'gansu-2023' }),
        ],
        payments: [{ kind: 'CHARITY', amount: m('500.00'), paidOn: '2023-06-02', claimId: 'C1' }],
      }),
      2023,
    );
    expect(result.visitsCounted).toBe(1);
    expect(result.outOfPocket.toFixed(2)).toBe('1000.00');
    expect(result.partnerPaid.toFixed(2)).toBe('0.00');
  });

  it('has no cap and counts nothing where no rule set of the visits caps the residual', () => {
    const result = personResidual(member('a', { visits: [visit('C1', '2023-03-01', '50000.00', { ruleSet: 'shanxi-2022' })] }), 2023);
    expect(result.cap).toBeNull();
    expect(result.residual.toFixed(2)).toBe('0.00');
    expect(result.excess.toFixed(2)).toBe('0.00');
  });

  it('never goes below zero when partners paid more than remained, and refuses a malformed amount', () => {
    const result = personResidual(
      member('a', {
        visits: [visit('C1', '2023-03-01', '100.00')],
        payments: [{ kind: 'CHARITY', amount: m('300.00'), paidOn: '2023-03-02', claimId: 'C1' }],
      }),
      2023,
    );
    expect(result.residual.toFixed(2)).toBe('0.00');
    expect(() => personResidual(member('a', { visits: [visit('C1', '2023-03-01', '-1.00')] }), 2023)).toThrow(PolicyInputError);
  });
});

describe('householdResidual', () => {
  it('caps the members’ residuals, each within the person cap, at 50 000; the fund covers both excesses', () => {
    const result = householdResidual(
      [
        member('a', { visits: [visit('C1', '2023-03-01', '45000.00')] }),
        member('b', {
          statuses: [{ category: 'LOW_INCOME_MARGINAL', validFrom: '2022-01-01' }],
          visits: [visit('C2', '2023-04-01', '26000.00')],
        }),
        member('c', { statuses: [], visits: [visit('C3', '2023-04-01', '90000.00')] }),
      ],
      2023,
    );
    expect(result.members.map((person) => person.excess.toFixed(2))).toEqual(['15000.00', '0.00', '0.00']);
    expect(result.residual.toFixed(2)).toBe('56000.00');
    expect(result.excess.toFixed(2)).toBe('6000.00');
    expect(result.fundCovers.toFixed(2)).toBe('21000.00');
  });

  it('tells when a settlement carries a residual over its cap, once', () => {
    const cap = m('30000.00');
    expect(crossed({ residual: m('29000.00') }, { residual: m('30000.01') }, cap)).toBe(true);
    expect(crossed({ residual: m('29000.00') }, { residual: m('30000.00') }, cap)).toBe(false);
    expect(crossed({ residual: m('30500.00') }, { residual: m('31000.00') }, cap)).toBe(false);
    expect(crossed({ residual: m('0.00') }, { residual: m('99999.00') }, null)).toBe(false);
  });
});

describe('firstPersonCrossing and firstHouseholdCrossing (a replay of the year, for the monitoring run)', () => {
  it('names the visit that carried the person over 30 000, counting only what was paid by its day and visits by `through`', () => {
    const a = member('a', {
      visits: [visit('C2', '2023-05-01', '12000.00'), visit('C1', '2023-03-01', '15000.00'), visit('C3', '2023-07-01', '9000.00')],
      // Paid after C3's day: it does not undo the crossing C3 made.
      payments: [{ kind: 'CHARITY', amount: m('10000.00'), paidOn: '2023-08-01', claimId: null }],
    });
    const found = firstPersonCrossing(a, 2023, '2023-12-31');
    expect(found).toMatchObject({ personId: 'a', claimId: 'C3', serviceDate: '2023-07-01' });
    expect(found!.crossing).toMatchObject({
      ruleId: 'jiaxing-2023/residual-person-cap',
      measure: 'YEAR_RESIDUAL',
      targets: ['CIVIL_AFFAIRS'],
    });
    expect([found!.crossing.threshold.toFixed(2), found!.crossing.amount.toFixed(2)]).toEqual(['30000.00', '36000.00']);
    expect(firstPersonCrossing(a, 2023, '2023-06-30')).toBeNull();
  });

  it('finds no crossing when a payment made before the visit keeps the residual under the cap, nor in another year', () => {
    const a = member('a', {
      visits: [visit('C1', '2023-03-01', '25000.00'), visit('C2', '2023-09-01', '10000.00')],
      payments: [{ kind: 'COMMERCIAL', amount: m('6000.00'), paidOn: '2023-04-01', claimId: 'C1' }],
    });
    expect(firstPersonCrossing(a, 2023, '2023-12-31')).toBeNull();
    expect(firstPersonCrossing(a, 2024, '2024-12-31')).toBeNull();
    expect(
      firstPersonCrossing(member('a', { visits: [visit('C1', '2023-03-01', '31000.00', { referral: 'UNREFERRED' })] }), 2023, '2023-12-31'),
    ).toBeNull();
  });

  it('names the member whose visit carried the household over 50 000', () => {
    const members = [
      member('a', { visits: [visit('A1', '2023-02-01', '20000.00'), visit('A2', '2023-06-01', '9000.00')] }),
      member('b', { visits: [visit('B1', '2023-03-01', '18000.00'), visit('B2', '2023-05-01', '4000.00')] }),
    ];
    // 20 000, 38 000, 42 000, then A2: 51 000.
    const found = firstHouseholdCrossing(members, 2023, '2023-12-31');
    expect(found).toMatchObject({ personId: 'a', claimId: 'A2', serviceDate: '2023-06-01' });
    expect(found!.crossing).toMatchObject({ ruleId: 'jiaxing-2023/residual-household-cap' });
    expect([found!.crossing.threshold.toFixed(2), found!.crossing.amount.toFixed(2)]).toEqual(['50000.00', '51000.00']);
    expect(firstHouseholdCrossing(members, 2023, '2023-05-31')).toBeNull();
  });
});
