import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE, type VisitOverrides, inpatientClaim, storeVisit } from '../../support/claims.js';
import { certify, createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let insurance: { token: string };
let person: { id: string };

const RULE = 'jiaxing-2023/residual-person-cap';

// A jiaxing 低保 stay: base 20 000 − 12 000 = 8 000, assistance 90 % = 7 200, out-of-pocket 30 000 − 12 000 − 7 200 = 10 800.
const STAY: VisitOverrides = { totalCost: '30000.00', inPolicyCost: '20000.00', basicPaid: '12000.00' };
// A bigger one: base 30 000 − 18 000 − 2 000 = 10 000, assistance 9 000, out-of-pocket 60 000 − 20 000 − 9 000 = 31 000.
const BIG: VisitOverrides = { totalCost: '60000.00', inPolicyCost: '30000.00', basicPaid: '18000.00', criticalPaid: '2000.00' };

async function settle(claimId: string, serviceDate: string, amounts: VisitOverrides, who: { id: string } = person): Promise<void> {
  const { errors } = await hub.requestText(
    SETTLE,
    { input: inpatientClaim(who.id, claimId, { ...amounts, serviceDate }) },
    { token: insurance.token, purpose: 'SETTLEMENT' },
  );
  expect(errors).toBeUndefined();
}

const crossings = () =>
  hub.db.alert.findMany({ where: { personId: person.id, rule: RULE }, orderBy: { raisedAt: 'asc' }, include: { benefit: true } });

beforeAll(async () => {
  hub = await startTestHub();
  insurance = await hub.client('MEDICAL_INSURANCE', '33');
  person = (await createHousehold(hub.db, '330402', 1, 'URBAN')).members[0]!;
  await certify(hub.db, person.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
});

afterAll(() => hub.close());

describe('the 动态清零 crossing alert', () => {
  it('raises nothing while the residual stays under the person cap', async () => {
    await settle('RC-1', '2024-03-05', STAY);
    await settle('RC-2', '2024-04-05', STAY);
    expect(await crossings()).toEqual([]);
  });

  it('raises one alert to civil affairs with the settlement that carries the residual over 30 000', async () => {
    await settle('RC-3', '2024-05-05', STAY);
    const [alert, ...more] = await crossings();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      ruleSet: 'jiaxing-2023',
      measure: 'YEAR_RESIDUAL',
      targets: ['CIVIL_AFFAIRS'],
      year: 2024,
      month: '2024-05',
      dedupeKey: `${RULE}:${person.id}:2024`,
    });
    expect([alert!.threshold.toFixed(2), alert!.amount.toFixed(2), alert!.benefit!.claimId]).toEqual(['30000.00', '32400.00', 'RC-3']);
    expect(alert!.citation).toContain('动态清零');
  });

  it('raises no second one in the same year: not on the next settlement, nor on crossing again after charity paid', async () => {
    await settle('RC-4', '2024-06-05', STAY);
    // Charity brings the year's residual (43 200) back under the cap (23 200); the next stay crosses again (34 000).
    await hub.db.charityAid.create({
      data: {
        personId: person.id,
        clientId: (await hub.client('CHARITY', '33')).clientId,
        amount: '20000.00',
        paidOn: new Date('2024-06-20'),
        reference: 'RC-CHARITY',
      },
    });
    await settle('RC-5', '2024-07-05', STAY);
    expect((await crossings()).map((alert) => alert.benefit!.claimId)).toEqual(['RC-3']);
  });

  it('raises it again the next year when the residual crosses again', async () => {
    await settle('RC-6', '2025-02-05', BIG);
    const alerts = await crossings();
    expect(alerts.map((alert) => [alert.year, alert.benefit!.claimId, alert.amount.toFixed(2)])).toEqual([
      [2024, 'RC-3', '32400.00'],
      [2025, 'RC-6', '31000.00'],
    ]);
  });

  it('raises nothing for a person under no rule set with 动态清零', async () => {
    const gansu = (await createHousehold(hub.db, '620702', 1)).members[0]!;
    await certify(hub.db, gansu.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
    const { token } = await hub.client('MEDICAL_INSURANCE', '62');
    // gansu-2023 leaves the annual cap to the region.
    const configured = await hub.requestText(
      'mutation ($input: RegionConfigInput!) { setRegionConfig(input: $input) { id } }',
      { input: { regionCode: '62', year: 2024, caps: [{ category: 'MINIMUM_LIVING', amount: '100000.00' }], note: 'test' } },
      { token, purpose: 'SETTLEMENT' },
    );
    expect(configured.errors).toBeUndefined();
    const { errors } = await hub.requestText(
      SETTLE,
      { input: inpatientClaim(gansu.id, 'RC-G', { ...BIG, serviceDate: '2024-05-05' }) },
      { token, purpose: 'SETTLEMENT' },
    );
    expect(errors).toBeUndefined();
    expect(await hub.db.alert.count({ where: { personId: gansu.id, measure: 'YEAR_RESIDUAL' } })).toBe(0);
  });
});

describe('the 动态清零 household crossing alert', () => {
  it('raises one alert when the members’ residuals cross 50 000 together, none of them over 30 000, and no second one', async () => {
    const family = await createHousehold(hub.db, '330402', 3, 'URBAN');
    const [a, b, c] = family.members.map(({ id }) => ({ id })) as [{ id: string }, { id: string }, { id: string }];
    for (const member of family.members) await certify(hub.db, member.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
    // 21 600 + 21 600 + 10 800 = 54 000: the third member's first stay carries the household over the cap.
    for (const [index, member] of [a, a, b, b].entries()) await settle(`HH-${index}`, `2024-0${index + 3}-05`, STAY, member);
    const household = () =>
      hub.db.alert.findMany({ where: { rule: 'jiaxing-2023/residual-household-cap', personId: { in: [a.id, b.id, c.id] } } });
    expect(await household()).toEqual([]);
    await settle('HH-C1', '2024-08-05', STAY, c);
    await settle('HH-C2', '2024-09-05', STAY, c);
    const alerts = await household();
    expect(
      alerts.map((alert) => [alert.personId, alert.threshold.toFixed(2), alert.amount.toFixed(2), alert.dedupeKey, alert.targets]),
    ).toEqual([[c.id, '50000.00', '54000.00', `jiaxing-2023/residual-household-cap:${family.household.id}:2024`, ['CIVIL_AFFAIRS']]]);
    expect(await hub.db.alert.count({ where: { rule: RULE, personId: { in: [a.id, b.id, c.id] } } })).toBe(0);
  });

  it('raises it once when two members’ claims settled at the same time cross only together', async () => {
    const family = await createHousehold(hub.db, '330402', 2, 'URBAN');
    const [a, b] = family.members.map(({ id }) => ({ id })) as [{ id: string }, { id: string }];
    for (const member of family.members) await certify(hub.db, member.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
    for (const [index, member] of [a, a, b, b].entries()) await settle(`HT-${index}`, `2024-0${index + 3}-05`, STAY, member);
    // 43 200 so far; each small stay adds 5 200 (10 000 − 3 000 − 90 % of 2 000): 48 400 alone, 53 600 together.
    const SMALL: VisitOverrides = { totalCost: '10000.00', inPolicyCost: '5000.00', basicPaid: '3000.00' };
    await Promise.all([settle('HT-A', '2024-08-05', SMALL, a), settle('HT-B', '2024-08-05', SMALL, b)]);
    const alerts = await hub.db.alert.findMany({ where: { rule: 'jiaxing-2023/residual-household-cap', personId: { in: [a.id, b.id] } } });
    expect(alerts.map((alert) => alert.amount.toFixed(2))).toEqual(['53600.00']);
  });
});

describe('the monitoring run’s 动态清零 crossings', () => {
  const RUN = `mutation ($month: String!) { runMonitoring(month: $month) { month raised } }`;
  const HOUSEHOLD_RULE = 'jiaxing-2023/residual-household-cap';
  const JIAXING = { ruleSet: 'jiaxing-2023', category: 'MINIMUM_LIVING' as const };

  // A record stored apart from settlement (as an import stores it): no settlement saw it, so none raised a crossing.
  const stored = (who: { id: string }, claimId: string, serviceDate: string, outOfPocket: string) =>
    storeVisit(
      hub.db,
      who.id,
      claimId,
      serviceDate,
      { totalCost: outOfPocket, inPolicyCost: '0.00', basicPaid: '0.00', outOfPocket },
      JIAXING,
    );

  async function run(month: string, token = insurance.token): Promise<void> {
    const { errors } = await hub.requestText(RUN, { month }, { token, purpose: 'MONITORING_FOLLOW_UP' });
    expect(errors).toBeUndefined();
  }

  it('raises the person’s crossing once, in the month that reaches it, under the settlement’s dedupe key', async () => {
    const someone = (await createHousehold(hub.db, '330402', 1, 'URBAN')).members[0]!;
    await certify(hub.db, someone.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
    await stored(someone, 'MR-1', '2024-03-10', '20000.00');
    await stored(someone, 'MR-2', '2024-05-10', '15000.00');
    const alerts = () => hub.db.alert.findMany({ where: { personId: someone.id, rule: RULE } });
    // Zhangye's run does not reach a Jiaxing person; Jiaxing's run of April is before the crossing.
    await run('2024-05', (await hub.client('MEDICAL_INSURANCE', '62')).token);
    await run('2024-04');
    expect(await alerts()).toEqual([]);
    await run('2024-05');
    await run('2024-05');
    await run('2024-06');
    const found = await alerts();
    expect(
      found.map((alert) => [alert.month, alert.year, alert.amount.toFixed(2), alert.threshold.toFixed(2), alert.dedupeKey, alert.targets]),
    ).toEqual([['2024-05', 2024, '35000.00', '30000.00', `${RULE}:${someone.id}:2024`, ['CIVIL_AFFAIRS']]]);
  });

  it('raises no second alert for a crossing a settlement already raised', async () => {
    // `person` crossed by settlement RC-3 in 2024 and RC-6 in 2025 (above).
    await run('2024-12');
    await run('2025-03');
    expect((await crossings()).map((alert) => [alert.year, alert.benefit!.claimId])).toEqual([
      [2024, 'RC-3'],
      [2025, 'RC-6'],
    ]);
  });

  it('raises the household’s crossing once, about the member whose visit carried it over 50 000', async () => {
    const family = await createHousehold(hub.db, '330402', 2, 'URBAN');
    const [a, b] = family.members.map(({ id }) => ({ id })) as [{ id: string }, { id: string }];
    for (const member of family.members) await certify(hub.db, member.id, 'MINIMUM_LIVING', '2023-06-01', { class: 1 });
    // 20 000, 38 000, 42 000; then a's stay in June: 51 000, neither member over 30 000.
    await stored(a, 'MH-A1', '2024-02-10', '20000.00');
    await stored(b, 'MH-B1', '2024-03-10', '18000.00');
    await stored(b, 'MH-B2', '2024-05-10', '4000.00');
    await stored(a, 'MH-A2', '2024-06-10', '9000.00');
    const alerts = () => hub.db.alert.findMany({ where: { personId: { in: [a.id, b.id] }, measure: 'YEAR_RESIDUAL' } });
    await run('2024-05');
    expect(await alerts()).toEqual([]);
    await run('2024-06');
    await run('2024-07');
    expect((await alerts()).map((alert) => [alert.rule, alert.personId, alert.month, alert.amount.toFixed(2), alert.dedupeKey])).toEqual([
      [HOUSEHOLD_RULE, a.id, '2024-06', '51000.00', `${HOUSEHOLD_RULE}:${family.household.id}:2024`],
    ]);
  });
});
