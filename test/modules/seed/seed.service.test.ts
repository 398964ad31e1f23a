import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../../src/modules/seed/seed.service.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

async function counts() {
  const { rows } = await pool.query(`SELECT
    (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM household_status)::int AS statuses,
    (SELECT count(*) FROM enrollment)::int AS enrollments, (SELECT count(*) FROM benefit_record)::int AS benefits,
    (SELECT count(*) FROM alert)::int AS alerts, (SELECT count(*) FROM region_config)::int AS configs`);
  return rows[0];
}

describe('seeding', () => {
  it('stores what it generated, reporting progress', async () => {
    const progress: number[] = [];
    const report = await seed(pool, { persons: 12_000, region: '330400', year: 2024, seed: 3 }, (done) => progress.push(done));
    // Batches close on whole households, just past every 5 000 persons.
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toBe(12_000);
    expect(progress[0]).toBeGreaterThanOrEqual(5_000);
    expect(progress[0]).toBeLessThan(5_006);
    expect(report).toMatchObject({ generated: 12_000, persons: 12_000 });
    expect(await counts()).toEqual({
      persons: 12_000,
      statuses: report.statuses,
      enrollments: report.enrollments,
      benefits: report.benefits,
      alerts: report.alerts,
      // Demo configurations of Jiaxing for 2024 and for 2023 (the previous year's enrollments).
      configs: 2,
    });
  }, 120_000);

  it('stores nothing twice when run again with the same options, and reports that it inserted nothing', async () => {
    const before = await counts();
    const again = await seed(pool, { persons: 12_000, region: '330400', year: 2024, seed: 3 });
    expect(await counts()).toEqual(before);
    expect(again).toMatchObject({ generated: 12_000, persons: 0, statuses: 0, enrollments: 0, benefits: 0, alerts: 0 });
  }, 120_000);

  it('keeps benefit amounts consistent in the database: payments and out-of-pocket add up to the total', async () => {
    const { rows } = await pool.query(`SELECT count(*)::int AS bad FROM benefit_record
      WHERE basic_paid + critical_paid + other_paid + assistance_paid + tilt_paid + provider_borne + out_of_pocket <> total_cost`);
    expect(rows[0].bad).toBe(0);
  });

  it("stores loaded claims in their city's claim-id namespace, the settlement system that numbered them", async () => {
    const { rows: namespaces } = await pool.query(`SELECT DISTINCT claim_jurisdiction AS namespace FROM benefit_record`);
    expect(namespaces).toEqual([{ namespace: '3304' }]);
  });

  it('settles under jiaxing-2023: assistance for category holders, yearly out-of-pocket alerts once per person', async () => {
    const { rows } = await pool.query(`SELECT
      (SELECT count(*) FROM benefit_record WHERE assistance_paid > 0)::int AS assisted,
      (SELECT count(*) FROM benefit_record WHERE tilt_paid > 0 OR rule_set <> 'jiaxing-2023')::int AS foreign,
      (SELECT count(*) FROM alert WHERE rule = 'jiaxing-2023/annual-out-of-pocket')::int AS alerts,
      (SELECT count(DISTINCT person_id) FROM alert)::int AS alerted,
      (SELECT count(*) FROM enrollment WHERE year = 2024 AND subsidy_amount = personal_contribution AND subsidy_amount > 0)::int AS full`);
    expect(rows[0]).toMatchObject({ foreign: 0 });
    expect(rows[0].assisted).toBeGreaterThan(0);
    expect(rows[0].full).toBeGreaterThan(0);
    expect(rows[0].alerts).toBeGreaterThan(0);
    expect(rows[0].alerted).toBe(rows[0].alerts);
  });

  it('keeps a Shanxi city’s demo income in the province’s version, where shanxi-2022 reads it, and settles its thresholds', async () => {
    await seed(pool, { persons: 3_000, region: '140100', year: 2024, seed: 5 });
    const { rows: configs } = await pool.query(
      `SELECT region_code, parameters ? 'income' AS has_income FROM region_config WHERE region_code LIKE '14%' AND year = 2024 ORDER BY region_code`,
    );
    expect(configs).toEqual([
      { region_code: '14', has_income: true },
      { region_code: '1401', has_income: false },
    ]);
    const { rows } = await pool.query(`SELECT count(*)::int AS thresholds FROM benefit_record b JOIN person p ON p.id = b.person_id
      WHERE p.region_code LIKE '1401%' AND b.year = 2024 AND b.threshold_applied > 0`);
    expect(rows[0].thresholds).toBeGreaterThan(0);
  });
});
