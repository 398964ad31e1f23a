import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../../src/modules/seed/seed.service.js';
import {
  RecordFundInflowDocument,
  StatisticsDocument,
  type RecordFundInflowMutationVariables,
  type StatisticsDimension,
  type StatisticsInput,
  type StatisticsMeasure,
  type StatisticsQuery,
} from '../../generated/operations.js';
import { AGENCY_ORDER, ownPurpose } from '../../auth/access.fixture.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { expectedCell, facts, readRows, type Fact, type Rows } from './statistics.oracle.js';

let hub: TestHub;
let rows: Rows;
const tokens: Record<string, string> = {};
const PURPOSE: Record<string, string> = {
  MEDICAL_INSURANCE: 'ASSISTANCE_ELIGIBILITY',
  RURAL_REVITALIZATION: 'ASSISTANCE_ELIGIBILITY',
  ANALYST: 'POLICY_EVALUATION',
  FINANCE: 'FUND_SUPERVISION',
};

beforeAll(async () => {
  hub = await startTestHub();
  await seed(hub.pool, { persons: 3000, region: '620700', year: 2024, seed: 13 });
  // Some alerts handled, so that outcomes differ.
  await hub.pool.query(`UPDATE alert SET status = 'CLOSED', outcome = (CASE WHEN ascii(id::text) % 2 = 0
    THEN 'INCLUDED_IN_ASSISTANCE' ELSE 'NO_ACTION' END)::"AlertOutcome" WHERE ascii(right(id::text, 1)) % 3 = 0`);
  for (const agency of ['MEDICAL_INSURANCE', 'RURAL_REVITALIZATION', 'ANALYST', 'FINANCE'] as const) {
    tokens[agency] = (await hub.client(agency, '6207')).token;
  }
  // Finance records the year's allocations: central and provincial money each quarter, city and county shares 1:1.
  const counties = ['620702', '620721', '620722', '620723', '620724', '620725'];
  for (const [i, county] of counties.entries()) {
    for (const month of [1, 4, 7, 10]) {
      for (const [level, amount] of [
        ['CENTRAL', 400_000 + i * 10_000],
        ['PROVINCIAL', 150_000],
      ] as const) {
        await recordInflow({
          regionCode: county,
          year: 2024,
          month,
          level,
          amount: `${amount}.00`,
          reference: `${county}-${month}-${level}`,
        });
      }
      await recordInflow({
        regionCode: county,
        year: 2024,
        month,
        amount: '90000.01',
        reference: `${county}-${month}-local`,
        splitCityDistrict: true,
      });
    }
  }
  await payPartners();
  rows = await readRows(hub.pool);
}, 120_000);

/**
 * Charity aid and commercial claims against some settled visits (part of what the person owed, or more than that), and
 * payments that must not count: naming no claim, naming another person's claim, paid after the year's end.
 */
async function payPartners() {
  const charity = '00000000-0000-7000-8000-00000000c4a1';
  const insurer = '00000000-0000-7000-8000-00000000c0e1';
  await hub.pool.query(
    `INSERT INTO charity_aid (id, person_id, client_id, amount, paid_on, reference, claim_id)
    SELECT gen_random_uuid(), person_id, $1, round(out_of_pocket / 2, 2), service_date + 10, 'aid-' || claim_id, claim_id FROM benefit_record
    WHERE kind = 'SETTLEMENT' AND out_of_pocket > 0 AND ascii(right(claim_id, 1)) % 5 = 0`,
    [charity],
  );
  await hub.pool.query(
    `INSERT INTO commercial_claim (id, person_id, client_id, claim_reference, paid_on, amount, related_claim_id)
    SELECT gen_random_uuid(), person_id, $1, 'cc-' || claim_id, least(service_date + 20, DATE '2024-12-31'), out_of_pocket + 100, claim_id FROM benefit_record
    WHERE kind = 'SETTLEMENT' AND out_of_pocket > 0 AND ascii(right(claim_id, 1)) % 7 = 1`,
    [insurer],
  );
  await hub.pool.query(
    `INSERT INTO charity_aid (id, person_id, client_id, amount, paid_on, reference, claim_id)
    SELECT gen_random_uuid(), person_id, $1, 5000, service_date, 'loose-' || claim_id, NULL FROM benefit_record
    WHERE kind = 'SETTLEMENT' AND ascii(right(claim_id, 1)) % 7 = 2`,
    [charity],
  );
  await hub.pool.query(
    `INSERT INTO commercial_claim (id, person_id, client_id, claim_reference, paid_on, amount, related_claim_id)
    SELECT gen_random_uuid(), person_id, $1, 'late-' || claim_id, DATE '2025-01-15', 700, claim_id FROM benefit_record
    WHERE kind = 'SETTLEMENT' AND ascii(right(claim_id, 1)) % 7 = 3`,
    [insurer],
  );
  await hub.pool.query(
    `INSERT INTO charity_aid (id, person_id, client_id, amount, paid_on, reference, claim_id)
    SELECT gen_random_uuid(), (SELECT id FROM person WHERE id <> b.person_id LIMIT 1), $1, 900, service_date, 'other-' || claim_id, claim_id
    FROM benefit_record b WHERE kind = 'SETTLEMENT' AND ascii(right(claim_id, 1)) % 7 = 4`,
    [charity],
  );
}

async function recordInflow(input: RecordFundInflowMutationVariables['input']) {
  const response = await hub.request(RecordFundInflowDocument, { input }, { token: tokens.FINANCE, purpose: 'FUND_SUPERVISION' });
  expect(response.errors).toBeUndefined();
}

afterAll(async () => {
  await hub?.close();
});

type Table = StatisticsQuery['statistics'];
type Cell = Table['cells'][number];

async function statistics(agency: string, input: StatisticsInput): Promise<Table> {
  const response = await hub.request(StatisticsDocument, { input }, { token: tokens[agency], purpose: PURPOSE[agency] });
  expect(response.errors).toBeUndefined();
  return response.data!.statistics;
}

/** The family coordinates of a published cell: its region node and its one dimension value. */
function coordinates(table: Table, cell: Cell): { region: string; dimension: string | null; value: string | null } {
  const region = cell.region ?? table.regionPrefix;
  const dimension = table.by.find((d) => d !== 'REGION' && !cell.margin.includes(d)) ?? null;
  const value =
    dimension === 'CATEGORY'
      ? (cell.category ?? 'NONE')
      : dimension === 'MONTH'
        ? String(cell.month)
        : dimension === 'VISIT_TYPE'
          ? cell.visitType
          : dimension === 'OUTCOME'
            ? cell.outcome
            : dimension === 'FUND_LEVEL'
              ? cell.fundLevel
              : null;
  return { region, dimension, value };
}

function expectMatchesOracle(table: Table, all: Fact[]) {
  for (const cell of [...table.cells, table.total]) {
    const { region, dimension, value } = coordinates(table, cell);
    const expected = expectedCell(all, table.measure, region, dimension, value);
    expect({
      region,
      dimension,
      value,
      persons: cell.persons,
      value_: cell.value,
      numerator: cell.numerator,
      denominator: cell.denominator,
    }).toEqual({
      region,
      dimension,
      value,
      persons: expected.persons,
      value_: expected.value,
      numerator: expected.numerator,
      denominator: expected.denominator,
    });
  }
}

const CASES: [StatisticsMeasure, StatisticsDimension[]][] = [
  ['PERSONS', ['REGION', 'CATEGORY']],
  ['ASSISTED_PERSONS', ['REGION', 'VISIT_TYPE']],
  ['ASSISTANCE_PAID', ['REGION', 'MONTH']],
  ['TILT_PAID', ['CATEGORY']],
  ['OUT_OF_POCKET', ['REGION', 'CATEGORY']],
  ['SUBSIDY_PAID', ['REGION', 'MONTH']],
  ['SUBSIDY_PAID', ['CATEGORY']],
  ['ALERTS', ['REGION', 'OUTCOME']],
  ['ALERTS', ['MONTH']],
  ['COVERAGE_RATE', ['REGION', 'CATEGORY']],
  ['SUBSIDISED_ENROLLMENT_RATE', ['REGION']],
  ['PROTECTION_RATE', ['REGION', 'VISIT_TYPE']],
  ['BURDEN_RATE', ['MONTH']],
  ['FUND_INFLOW', ['REGION', 'FUND_LEVEL']],
  ['FUND_INFLOW', ['MONTH']],
  ['FUND_OUTFLOW', ['REGION', 'MONTH']],
  ['CARRY_OVER_RATE', ['REGION']],
];

describe('statistics for casework agencies', () => {
  it.each(CASES)('%s by %s matches the numbers computed again from the stored rows, margins and total included', async (measure, by) => {
    const table = await statistics('MEDICAL_INSURANCE', { measure, year: 2024, regionPrefix: '6207', by });
    expect(table.method).toMatch(/^none: casework/);
    expect(table.cells.length).toBeGreaterThan(0);
    expect(table.cells.some((cell) => cell.persons! > 0 || Number(cell.value) > 0)).toBe(true);
    expectMatchesOracle(table, facts(rows, measure, 2024, '2024-12-31'));
  });

  it('counts charity aid and commercial claims against the visits they name in out-of-pocket, protection and burden', async () => {
    const unpaid = { ...rows, partnerPayments: [] };
    for (const measure of ['OUT_OF_POCKET', 'PROTECTION_RATE', 'BURDEN_RATE'] as const) {
      const { total } = await statistics('MEDICAL_INSURANCE', { measure, year: 2024, regionPrefix: '6207', by: ['REGION'] });
      const withPartners = expectedCell(facts(rows, measure, 2024, '2024-12-31'), measure, '6207', null, null);
      const without = expectedCell(facts(unpaid, measure, 2024, '2024-12-31'), measure, '6207', null, null);
      expect(withPartners.value).not.toBe(without.value);
      expect(total.value).toBe(withPartners.value);
    }
  });

  it('counts on the state of a stated month end', async () => {
    const table = await statistics('MEDICAL_INSURANCE', {
      measure: 'ASSISTANCE_PAID',
      year: 2024,
      regionPrefix: '620702',
      by: ['MONTH'],
      asOf: '2024-06-30',
    });
    expect(table.cells.every((cell) => cell.month! <= 6)).toBe(true);
    expectMatchesOracle(table, facts(rows, 'ASSISTANCE_PAID', 2024, '2024-06-30'));
    const persons = await statistics('MEDICAL_INSURANCE', {
      measure: 'PERSONS',
      year: 2024,
      regionPrefix: '6207',
      by: ['CATEGORY'],
      asOf: '2024-03-31',
    });
    expectMatchesOracle(persons, facts(rows, 'PERSONS', 2024, '2024-03-31'));
  });

  it('states each rate with its numerator, denominator and target', async () => {
    const table = await statistics('MEDICAL_INSURANCE', { measure: 'BURDEN_RATE', year: 2024, regionPrefix: '6207', by: ['REGION'] });
    expect(table.target).toEqual({ comparator: 'AT_MOST', percent: '15.00', citation: expect.stringContaining('嘉政办发') });
    expect(table.numeratorDefinition).toBe('out-of-pocket');
    expect(table.denominatorDefinition).toBe('total cost');
    for (const cell of table.cells) expect(cell.meetsTarget).toBe(Number(cell.value) <= 15);
  });

  it('counts rural residents only for rural revitalization (its rows)', async () => {
    const table = await statistics('RURAL_REVITALIZATION', { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['REGION'] });
    expect(table.total.persons).toBe(rows.persons.filter((p) => p.region_code.startsWith('6207') && p.residence === 'RURAL').length);
    expect(table.total.persons).toBeLessThan(rows.persons.length);
    expectMatchesOracle(table, facts(rows, 'PERSONS', 2024, '2024-12-31', true));
  });

  it('shows casework agencies small cells, as the policy allows', async () => {
    const table = await statistics('MEDICAL_INSURANCE', {
      measure: 'PERSONS',
      year: 2024,
      regionPrefix: '6207',
      by: ['REGION', 'CATEGORY'],
    });
    expect(table.cells.some((cell) => cell.persons! >= 1 && cell.persons! <= 9)).toBe(true);
    expect(table.cells.every((cell) => !cell.suppressed)).toBe(true);
  });
});

describe('statistics for FINANCE and ANALYST', () => {
  it.each(CASES)('%s by %s publishes no cell of 1–9 persons, and the cells it publishes are the true ones', async (measure, by) => {
    for (const agency of ['ANALYST', 'FINANCE']) {
      const table = await statistics(agency, { measure, year: 2024, regionPrefix: '6207', by });
      expect(table.method).toMatch(/^fixed-groupings\/suppression-v1/);
      const all = facts(rows, measure, 2024, '2024-12-31');
      for (const cell of [...table.cells, table.total]) {
        const { region, dimension, value } = coordinates(table, cell);
        const truth = expectedCell(all, measure, region, dimension, value);
        if (cell.suppressed) {
          expect([cell.value, cell.persons, cell.numerator, cell.denominator]).toEqual([null, null, null, null]);
        } else {
          expect(cell.persons === 0 || cell.persons! >= 10).toBe(true);
          expect([cell.persons, cell.value]).toEqual([truth.persons, truth.value]);
        }
        // Every cell of 1–9 persons is hidden.
        if (truth.persons >= 1 && truth.persons <= 9) expect(cell.suppressed).toBe(true);
      }
    }
  });

  it('hides small cells in the tables an analyst would most want (persons by county and category)', async () => {
    const table = await statistics('ANALYST', { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['REGION', 'CATEGORY'] });
    expect(table.cells.filter((cell) => cell.suppressed).length).toBeGreaterThan(0);
    expect(table.cells.filter((cell) => !cell.suppressed && cell.persons! >= 10).length).toBeGreaterThan(0);
  });

  it('keeps every answer as a release named in the audit entry, with the cells published and no person', async () => {
    const { clientId, token } = await hub.client('ANALYST', '6207');
    const response = await hub.request(
      StatisticsDocument,
      { input: { measure: 'OUT_OF_POCKET', year: 2024, regionPrefix: '6207', by: ['REGION'] } },
      { token, purpose: 'POLICY_EVALUATION' },
    );
    const table = response.data!.statistics;
    const { rows: releases } = await hub.pool.query(
      'SELECT id, request, method, cells, digest FROM statistics_release WHERE client_id = $1',
      [clientId],
    );
    expect(releases).toHaveLength(1);
    const release = releases[0];
    expect(release.request).toMatchObject({ measure: 'OUT_OF_POCKET', regionPrefix: '6207', byRegion: true });
    expect(release.method).toBe(table.method);
    expect(release.cells).toHaveLength(table.cells.length + 1);
    const { rows: entries } = await hub.pool.query('SELECT fields, person_ids, outcome FROM audit_entry WHERE client_id = $1', [clientId]);
    expect(entries).toHaveLength(1);
    expect(entries[0].outcome).toBe('SUCCESS');
    expect(entries[0].person_ids).toEqual([]);
    expect(entries[0].fields).toContain(`StatisticsRelease:${release.id}:sha256=${release.digest}`);
    const text = JSON.stringify(release);
    for (const person of rows.persons) expect(text.includes(person.id)).toBe(false);
  });
});

describe('statistics refused', () => {
  async function refused(agency: string | null, input: StatisticsInput, purpose?: string) {
    const token = agency ? (tokens[agency] ?? (await hub.client(agency as never, '6207')).token) : undefined;
    return hub.request(StatisticsDocument, { input }, { token, purpose: purpose ?? PURPOSE[agency ?? ''] ?? 'MONITORING_FOLLOW_UP' });
  }
  const input: StatisticsInput = { measure: 'PERSONS', year: 2024, regionPrefix: '6207', by: ['REGION'] };

  // access-policy.md §1, aggregates row, transcribed by hand (not imported from the policy code).
  //                 MI CA RR HE CH IN AU FI AN HA
  const AGGREGATES = 'F F F - - - - F F -'.split(' ');
  it.each(AGENCY_ORDER.map((agency, i) => [agency, AGGREGATES[i]!] as const))(
    'answers %s as the policy row says (%s)',
    async (agency, access) => {
      const { token } = await hub.client(agency, '6207', agency === 'HUB_ADMIN' ? [] : undefined);
      const response = await hub.request(StatisticsDocument, { input }, { token, purpose: ownPurpose(agency) });
      if (access === 'F') {
        expect(response.errors).toBeUndefined();
        expect(response.data!.statistics.total.suppressed).toBe(false);
      } else {
        expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(response.data ?? null).toBeNull();
      }
    },
  );

  it('refuses a region prefix outside the jurisdiction, naming the argument', async () => {
    const response = await refused('ANALYST', { ...input, regionPrefix: '6208' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.regionPrefix' });
    const wider = await refused('ANALYST', { ...input, regionPrefix: '62' });
    expect(wider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.regionPrefix' });
  });

  it('refuses groupings outside the fixed ones: two dimensions besides REGION, a dimension the measure lacks, REGION below a county', async () => {
    for (const bad of [
      { ...input, by: ['CATEGORY', 'MONTH'] as StatisticsDimension[] },
      { ...input, by: ['VISIT_TYPE'] as StatisticsDimension[] },
      { ...input, regionPrefix: '620702' },
      { ...input, by: ['REGION', 'REGION'] as StatisticsDimension[] },
    ]) {
      const response = await refused('ANALYST', bad);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.by' });
    }
  });

  it('refuses a date that is not a month end of the year', async () => {
    for (const asOf of ['2024-06-15', '2023-12-31']) {
      const response = await refused('ANALYST', { ...input, asOf });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.asOf' });
    }
  });

  it('refuses a purpose that is not the client’s', async () => {
    const response = await refused('ANALYST', input, 'SETTLEMENT');
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('leaves analysts and finance without any way to read a person', async () => {
    for (const agency of ['ANALYST', 'FINANCE']) {
      for (const query of [
        '{ persons(first: 1) { totalCount } }',
        `{ person(id: "${rows.persons[0]!.id}") { id } }`,
        '{ household(id: "x") { id } }',
      ]) {
        const response = await hub.requestText(query, undefined, { token: tokens[agency], purpose: PURPOSE[agency] });
        expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      }
    }
  });
});
