import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inpatientVisit } from '../../support/claims.js';
import { approveApplication, certify, createHousehold } from '../../support/factory.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
/** Medical insurance of Gansu, of Zhangye, of Shanxi and of Zhejiang; civil affairs of Zhangye. */
let gansu: { clientId: string; token: string };
let zhangye: { clientId: string; token: string };
let shanxi: { clientId: string; token: string };
let zhejiang: { clientId: string; token: string };
let civil: { clientId: string; token: string };

const SET = `mutation SetConfig($input: RegionConfigInput!) {
  setRegionConfig(input: $input) {
    id regionCode year effectiveFrom income monitoringThreshold note setByClientId demo
    thresholds { category amount } caps { category amount } ratios { category ratio } subsidies { category amount }
  }
}`;
const READ = `query ReadConfig($regionCode: String!, $year: Int!, $on: Date) {
  regionConfig(regionCode: $regionCode, year: $year, on: $on) {
    id regionCode year effectiveFrom income monitoringThreshold note setByClientId demo
    thresholds { category amount } caps { category amount } ratios { category ratio } subsidies { category amount }
  }
}`;
const SETTLE = `mutation Settle($input: ClaimInput!) { settleClaim(input: $input) { id ruleSet category assistancePaid tiltPaid outOfPocket } }`;
const QUOTE = `query Quote($input: VisitInput!) { quoteSettlement(input: $input) { ruleSet category thresholdApplied assistancePaid } }`;

type Config = Record<string, unknown> & { id: string; regionCode: string; effectiveFrom: string };

beforeAll(async () => {
  hub = await startTestHub();
  gansu = await hub.client('MEDICAL_INSURANCE', '62');
  zhangye = await hub.client('MEDICAL_INSURANCE', '6207');
  shanxi = await hub.client('MEDICAL_INSURANCE', '14');
  zhejiang = await hub.client('MEDICAL_INSURANCE', '33');
  civil = await hub.client('CIVIL_AFFAIRS', '6207');
});

afterAll(() => hub.close());

async function set(input: Record<string, unknown>, token = gansu.token, document = SET) {
  return hub.requestText(document, { input }, { token });
}

async function setOk(input: Record<string, unknown>, token = gansu.token, document = SET): Promise<Config> {
  const result = await set(input, token, document);
  expect(result.errors).toBeUndefined();
  return result.data!.setRegionConfig as Config;
}

async function read(regionCode: string, year: number, on?: string, token = gansu.token): Promise<Config | null> {
  const result = await hub.requestText(READ, { regionCode, year, ...(on && { on }) }, { token });
  expect(result.errors).toBeUndefined();
  return result.data!.regionConfig as Config | null;
}

/** A visit of 2023-08-15 costing 30 000, of which 25 000 in policy, 17 000 paid by the two insurances: 8 000 left. */
function visit(personId: string, serviceDate = '2023-08-15') {
  return inpatientVisit(personId, { serviceDate, basicPaid: '15000.00', criticalPaid: '2000.00', otherPaid: '0.00' });
}

describe('setting and reading a region configuration', () => {
  it('stores a version that regionConfig reads back, amounts as two-decimal strings and ratios as given', async () => {
    const input = {
      regionCode: '62',
      year: 2026,
      income: '11433.00',
      thresholds: [{ category: 'AT_RISK_MONITORED', amount: '1200' }],
      caps: [
        { category: 'AT_RISK_MONITORED', amount: '60000.00' },
        { category: 'MINIMUM_LIVING', amount: '1200.5' },
      ],
      ratios: [{ category: 'LIFTED_OUT_OF_POVERTY', ratio: '0.65' }],
      subsidies: [{ category: 'LOW_INCOME_MARGINAL', amount: '120.00' }],
      monitoringThreshold: '15000.00',
      note: '甘医保发〔2026〕1号 (test)',
    };
    const stored = await setOk(input);
    const expected = {
      regionCode: '62',
      year: 2026,
      effectiveFrom: '2026-01-01',
      income: '11433.00',
      thresholds: [{ category: 'AT_RISK_MONITORED', amount: '1200.00' }],
      caps: expect.arrayContaining([
        { category: 'AT_RISK_MONITORED', amount: '60000.00' },
        { category: 'MINIMUM_LIVING', amount: '1200.50' },
      ]),
      ratios: [{ category: 'LIFTED_OUT_OF_POVERTY', ratio: '0.65' }],
      subsidies: [{ category: 'LOW_INCOME_MARGINAL', amount: '120.00' }],
      monitoringThreshold: '15000.00',
      note: '甘医保发〔2026〕1号 (test)',
      setByClientId: gansu.clientId,
      demo: false,
    };
    expect(stored).toMatchObject(expected);
    const readBack = await read('620702', 2026);
    expect(readBack).toEqual(stored);
    expect(readBack!.caps).toHaveLength(2);
    expect(await read('620702', 2026, '2026-01-01')).toEqual(stored);
    // Another year has nothing configured.
    expect(await read('620702', 2027)).toBeNull();
  });

  it('lets a later effectiveFrom govern only the dates from it on, the earlier version still governing the dates before', async () => {
    const person = (await createHousehold(hub.db, '140105', 1, 'URBAN')).members[0]!;
    await certify(hub.db, person.id, 'ILLNESS_POVERTY', '2023-01-01');
    // Not assisted directly under its rule set: on an approved application only.
    await approveApplication(hub.db, person.id, 'ILLNESS_POVERTY', '2023-01-01');
    const early = await setOk({ regionCode: '14', year: 2024, income: '20000.00' }, shanxi.token);
    const late = await setOk({ regionCode: '14', year: 2024, effectiveFrom: '2024-07-01', income: '40000.00' }, shanxi.token);
    expect(early.effectiveFrom).toBe('2024-01-01');
    expect(late.effectiveFrom).toBe('2024-07-01');

    expect((await read('140105', 2024, '2024-06-30', shanxi.token))!.id).toBe(early.id);
    expect((await read('140105', 2024, '2024-07-01', shanxi.token))!.id).toBe(late.id);
    expect((await read('140105', 2024, undefined, shanxi.token))!.id).toBe(late.id);

    // Shanxi's ILLNESS_POVERTY threshold is 25 % of income: 5 000 under the early version, 10 000 under the late one.
    const quote = async (serviceDate: string) => {
      const input = { ...visit(person.id, serviceDate), totalCost: '42000.00', inPolicyCost: '38000.00', basicPaid: '16000.00' };
      const result = await hub.requestText(QUOTE, { input }, { token: shanxi.token, purpose: 'SETTLEMENT' });
      expect(result.errors).toBeUndefined();
      return result.data!.quoteSettlement;
    };
    expect(await quote('2024-06-30')).toEqual({
      ruleSet: 'shanxi-2022',
      category: 'ILLNESS_POVERTY',
      thresholdApplied: '5000.00',
      assistancePaid: '9000.00',
    });
    expect(await quote('2024-07-01')).toEqual({
      ruleSet: 'shanxi-2022',
      category: 'ILLNESS_POVERTY',
      thresholdApplied: '10000.00',
      assistancePaid: '6000.00',
    });
  });

  it('lets a city’s configuration win over its province’s, and a county’s over its city’s, whatever order they were set in', async () => {
    const cap = (amount: string) => [{ category: 'MINIMUM_LIVING', amount }];
    const city = await setOk({ regionCode: '6207', year: 2025, caps: cap('20000.00') });
    const province = await setOk({ regionCode: '62', year: 2025, caps: cap('10000.00') });
    expect((await read('620702', 2025))!.id).toBe(city.id);
    expect((await read('620721', 2025))!.id).toBe(city.id);
    expect((await read('621002', 2025))!.id).toBe(province.id);
    expect((await read('62', 2025))!.id).toBe(province.id);

    const county = await setOk({ regionCode: '620702', year: 2025, caps: cap('30000.00') });
    expect((await read('620702', 2025))!).toMatchObject({ id: county.id, regionCode: '620702', caps: cap('30000.00') });
    expect((await read('620721', 2025))!.id).toBe(city.id);
  });

  it('refuses a region outside the client’s jurisdiction as FORBIDDEN and stores nothing', async () => {
    const before = await hub.db.regionConfig.count();
    for (const regionCode of ['62', '3304', '621002']) {
      const result = await set({ regionCode, year: 2027, caps: [{ category: 'MINIMUM_LIVING', amount: '1.00' }] }, zhangye.token);
      expect(result.data ?? null).toBeNull();
      expect(result.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it.each([
    [
      'caps',
      {
        caps: [
          { category: 'MINIMUM_LIVING', amount: '1.00' },
          { category: 'MINIMUM_LIVING', amount: '2.00' },
        ],
      },
    ],
    [
      'thresholds',
      {
        thresholds: [
          { category: 'AT_RISK_MONITORED', amount: '1.00' },
          { category: 'ORPHAN', amount: '1.00' },
          { category: 'AT_RISK_MONITORED', amount: '2.00' },
        ],
      },
    ],
    [
      'ratios',
      {
        ratios: [
          { category: 'ORPHAN', ratio: '0.9' },
          { category: 'ORPHAN', ratio: '0.8' },
        ],
      },
    ],
  ])('refuses a category listed twice in %s as BAD_USER_INPUT naming the second listing', async (field, lists) => {
    const before = await hub.db.regionConfig.count();
    const result = await set({ regionCode: '62', year: 2027, ...lists });
    const index = (lists as Record<string, unknown[]>)[field]!.length - 1;
    expect(result.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: `input.${field}[${index}].category` });
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it.each(['1.5', '0.12345', '-0.1', '.5', 'abc', ''])('refuses the ratio %j as BAD_USER_INPUT', async (ratio) => {
    const before = await hub.db.regionConfig.count();
    const result = await set({ regionCode: '62', year: 2027, ratios: [{ category: 'ORPHAN', ratio }] });
    expect(result.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.ratios[0].ratio' });
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it('refuses a negative amount as BAD_USER_INPUT naming it, and stores nothing', async () => {
    const before = await hub.db.regionConfig.count();
    const capped = await set({ regionCode: '62', year: 2027, caps: [{ category: 'ORPHAN', amount: '-1.00' }] });
    expect(capped.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.caps[0].amount' });
    const income = await set({ regionCode: '62', year: 2027, income: '-26000.00' });
    expect(income.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.income' });
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it('refuses an effectiveFrom outside the year as BAD_USER_INPUT', async () => {
    const before = await hub.db.regionConfig.count();
    for (const effectiveFrom of ['2024-01-01', '2022-12-31']) {
      const result = await set({ regionCode: '62', year: 2023, effectiveFrom, income: '1.00' });
      expect(result.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.effectiveFrom' });
    }
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it('refuses a ratio under the rule set’s floor (jiaxing OTHER_SPECIAL 不低于 50 %) as BAD_USER_INPUT', async () => {
    const before = await hub.db.regionConfig.count();
    const result = await set({ regionCode: '3304', year: 2023, ratios: [{ category: 'OTHER_SPECIAL', ratio: '0.4' }] }, zhejiang.token);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.ratios[0].ratio' });
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it('refuses a ratio under the floor also when the version configures the category’s other parameters, naming its listing', async () => {
    const before = await hub.db.regionConfig.count();
    const result = await set(
      {
        regionCode: '3304',
        year: 2023,
        thresholds: [{ category: 'OTHER_SPECIAL', amount: '0.00' }],
        ratios: [
          { category: 'DISTRESSED_CHILD', ratio: '0.75' },
          { category: 'OTHER_SPECIAL', ratio: '0.4' },
        ],
      },
      zhejiang.token,
    );
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.ratios[1].ratio' });
    expect(await hub.db.regionConfig.count()).toBe(before);
  });

  it('accepts a ratio at the floor: above it is the region’s choice', async () => {
    const atFloor = await setOk({ regionCode: '3304', year: 2024, ratios: [{ category: 'OTHER_SPECIAL', ratio: '0.5' }] }, zhejiang.token);
    expect(atFloor.ratios).toEqual([{ category: 'OTHER_SPECIAL', ratio: '0.5' }]);
  });

  it('gives civil affairs no setRegionConfig (absent from its schema view) but lets it read regionConfig', async () => {
    const stored = await setOk({ regionCode: '62', year: 2028, caps: [{ category: 'MINIMUM_LIVING', amount: '5000.00' }] });
    const before = await hub.db.regionConfig.count();
    const refused = await set({ regionCode: '6207', year: 2028, caps: [{ category: 'MINIMUM_LIVING', amount: '1.00' }] }, civil.token);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await hub.db.regionConfig.count()).toBe(before);
    expect(await read('620702', 2028, undefined, civil.token)).toEqual(stored);
  });

  it('writes one audit entry per successful set, with the operation name, in the same transaction as the version', async () => {
    const AUDITED = SET.replace('mutation SetConfig', 'mutation AuditedSetConfig');
    const entries = () =>
      hub.pool.query<{ seq: string; outcome: string; client_id: string; xmin: string }>(
        `SELECT seq::text, outcome, client_id, xmin::text FROM audit_entry WHERE operation_name = 'AuditedSetConfig' AND client_id = $1 ORDER BY seq`,
        [zhangye.clientId],
      );
    expect((await entries()).rows).toEqual([]);
    const first = await setOk({ regionCode: '6207', year: 2029, income: '20000.00' }, zhangye.token, AUDITED);
    const second = await setOk({ regionCode: '620702', year: 2029, income: '21000.00' }, zhangye.token, AUDITED);
    const { rows } = await entries();
    expect(rows.map(({ outcome, client_id }) => ({ outcome, client_id }))).toEqual([
      { outcome: 'SUCCESS', client_id: zhangye.clientId },
      { outcome: 'SUCCESS', client_id: zhangye.clientId },
    ]);
    // Rows inserted by one transaction carry its id as xmin.
    const versions = await hub.pool.query<{ id: string; xmin: string }>(
      `SELECT id::text, xmin::text FROM region_config WHERE id = ANY($1::uuid[])`,
      [[first.id, second.id]],
    );
    const xminOf = (id: string) => versions.rows.find((row) => row.id === id)!.xmin;
    expect(rows.map(({ xmin }) => xmin)).toEqual([xminOf(first.id), xminOf(second.id)]);
  });

  it('changes what settleClaim pays: gansu AT_RISK_MONITORED is PARAMETER_NOT_SET until the region sets threshold and cap', async () => {
    const person = (await createHousehold(hub.db, '620702', 1, 'RURAL')).members[0]!;
    await certify(hub.db, person.id, 'AT_RISK_MONITORED', '2023-01-01');
    // Not assisted directly under its rule set: on an approved application only.
    await approveApplication(hub.db, person.id, 'AT_RISK_MONITORED', '2023-01-01');
    const settle = () =>
      hub.requestText(SETTLE, { input: { ...visit(person.id), claimId: 'at-risk-1' } }, { token: gansu.token, purpose: 'SETTLEMENT' });

    const refused = await settle();
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors![0]!.extensions).toMatchObject({
      code: 'PARAMETER_NOT_SET',
      ruleSet: 'gansu-2023',
      category: 'AT_RISK_MONITORED',
      parameter: 'threshold',
    });
    expect(await hub.db.benefitRecord.count({ where: { personId: person.id } })).toBe(0);

    await setOk({
      regionCode: '62',
      year: 2023,
      thresholds: [{ category: 'AT_RISK_MONITORED', amount: '0.00' }],
      caps: [{ category: 'AT_RISK_MONITORED', amount: '60000.00' }],
    });
    const paid = await settle();
    expect(paid.errors).toBeUndefined();
    // 75 % of the 8 000 left after the two insurances.
    expect(paid.data!.settleClaim).toMatchObject({
      ruleSet: 'gansu-2023',
      category: 'AT_RISK_MONITORED',
      assistancePaid: '6000.00',
      tiltPaid: '0.00',
      outOfPocket: '7000.00',
    });
    expect(await hub.db.benefitRecord.count({ where: { personId: person.id } })).toBe(1);
  });

  it('refuses a Shanxi city’s own income, which would replace the provincial income of shanxi-2022’s thresholds', async () => {
    const result = await set({ regionCode: '1401', year: 2025, income: '50000.00' }, shanxi.token);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.income' });
    expect(result.errors?.[0]?.message).toContain('set income in the configuration of 14');
    expect(await hub.db.regionConfig.count({ where: { regionCode: '1401', year: 2025 } })).toBe(0);
    // A Gansu city's income is its pooling region's own: accepted.
    await setOk({ regionCode: '6207', year: 2025, income: '24000.00' }, zhangye.token);
  });

  it('settles a Shanxi city’s thresholds with the province’s income while the city’s version governs the rest', async () => {
    const person = (await createHousehold(hub.db, '140106', 1, 'URBAN')).members[0]!;
    await certify(hub.db, person.id, 'ILLNESS_POVERTY', '2023-01-01');
    // Not assisted directly under its rule set: on an approved application only.
    await approveApplication(hub.db, person.id, 'ILLNESS_POVERTY', '2023-01-01');
    await setOk({ regionCode: '14', year: 2025, income: '20000.00' }, shanxi.token);
    await setOk({ regionCode: '1401', year: 2025, caps: [{ category: 'ILLNESS_POVERTY', amount: '1000.00' }] }, shanxi.token);
    const input = { ...visit(person.id, '2025-03-01'), totalCost: '42000.00', inPolicyCost: '38000.00', basicPaid: '16000.00' };
    const result = await hub.requestText(QUOTE, { input }, { token: shanxi.token, purpose: 'SETTLEMENT' });
    expect(result.errors).toBeUndefined();
    // 25 % of the provincial 20 000; the city's cap of 1 000.
    expect(result.data!.quoteSettlement).toEqual({
      ruleSet: 'shanxi-2022',
      category: 'ILLNESS_POVERTY',
      thresholdApplied: '5000.00',
      assistancePaid: '1000.00',
    });
  });

  it('stores and reads back outpatient ratios and a tilt, refusing an inpatient visit type among the outpatient ratios', async () => {
    const document = SET.replace(
      'subsidies { category amount }',
      'subsidies { category amount } outpatientRatios { visitType category ratio } tilt { threshold ratio }',
    );
    const stored = await setOk(
      {
        regionCode: '14',
        year: 2026,
        outpatientRatios: [{ visitType: 'OUTPATIENT_CHRONIC', category: 'MINIMUM_LIVING', ratio: '0.5' }],
        tilt: { threshold: '5000.00', ratio: '0.5' },
      },
      shanxi.token,
      document,
    );
    expect(stored).toMatchObject({
      outpatientRatios: [{ visitType: 'OUTPATIENT_CHRONIC', category: 'MINIMUM_LIVING', ratio: '0.5' }],
      tilt: { threshold: '5000.00', ratio: '0.5' },
    });
    const inpatient = await set(
      { regionCode: '14', year: 2026, outpatientRatios: [{ visitType: 'INPATIENT', category: 'MINIMUM_LIVING', ratio: '0.5' }] },
      shanxi.token,
    );
    expect(inpatient.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.outpatientRatios[0].visitType' });
    const badTilt = await set({ regionCode: '14', year: 2026, tilt: { threshold: '5000.00', ratio: '1.5' } }, shanxi.token);
    expect(badTilt.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.tilt.ratio' });
  });

  it('keeps the new parameters out of the views of agencies that may not read configurations', async () => {
    const charity = await hub.client('CHARITY', '14');
    const result = await hub.requestText(
      `query { regionConfig(regionCode: "14", year: 2026) { tilt { ratio } outpatientRatios { ratio } } }`,
      {},
      {
        token: charity.token,
      },
    );
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
