import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../../src/modules/seed/seed.service.js';
import { MEASURES, type StatisticsMeasure, type ValueDimension } from '../../../src/modules/statistics/statistics.measures.js';
import {
  StatisticsRepository,
  usesSummaries,
  type FamilyQuery,
  type FamilyRow,
} from '../../../src/modules/statistics/statistics.repository.js';
import { startTestHub, type TestHub } from '../../support/hub.js';

let hub: TestHub;
let summaries: StatisticsRepository;

const SUMMARISED = (Object.keys(MEASURES) as StatisticsMeasure[]).filter(usesSummaries);
const ROOTS: { root: string; levels: number[] }[] = [
  { root: '6207', levels: [6] },
  { root: '', levels: [2, 4, 6] },
];
const AS_OF = ['2024-02-29', '2024-07-31', '2024-12-31'];

beforeAll(async () => {
  hub = await startTestHub();
  await seed(hub.pool, { persons: 1500, region: '620700', year: 2024, seed: 29 });
  summaries = new StatisticsRepository(hub.db);
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

/** A family's cells with amounts to the cent, sorted, so that two ways of computing it compare as values. */
function normalised(rows: FamilyRow[]) {
  return rows
    .map((row) => ({
      key: `${row.region}|${row.dimension ?? ''}|${row.value ?? ''}`,
      persons: row.persons,
      amount: new Decimal(row.amount).toFixed(2),
      numerator: new Decimal(row.numerator).toFixed(2),
      denominator: new Decimal(row.denominator).toFixed(2),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Every family of every summarised measure (each dimension, and none; two roots; three month-ends; all rows and rural
 * rows only) from the summaries and again from the stored rows (the SQL over the source tables, which reads no
 * summary): they must agree cell by cell. Returns how many cells were compared.
 */
async function expectSummariesToMatchRows(): Promise<number> {
  let compared = 0;
  for (const measure of SUMMARISED) {
    for (const dimensions of [[], ...MEASURES[measure].dimensions.map((d) => [d])] as ValueDimension[][]) {
      for (const { root, levels } of ROOTS) {
        for (const asOf of AS_OF) {
          for (const ruralOnly of [false, true]) {
            const query: FamilyQuery = { measure, year: 2024, asOf, root, levels, dimensions, ruralOnly };
            const fromSummaries = normalised(await summaries.family(query));
            const fromRows = normalised(await summaries.familyFromRows(query));
            expect(fromSummaries, JSON.stringify({ measure, dimensions, root, asOf, ruralOnly })).toEqual(fromRows);
            compared += fromRows.length;
          }
        }
      }
    }
  }
  return compared;
}

/** The summaries as stored (rows that add nothing left out), to compare trigger-kept ones with a rebuild. */
async function storedSummaries() {
  const amounts = await hub.pool.query(
    `SELECT source, year, region, rural, category, visit_type, month, from_month, records, assistance::text, tilt::text, oop::text,
       covered::text, insured::text, in_policy::text, total_cost::text, subsidy::text
     FROM stat_amount WHERE NOT (records = 0 AND assistance = 0 AND tilt = 0 AND oop = 0 AND covered = 0 AND insured = 0
       AND in_policy = 0 AND total_cost = 0 AND subsidy = 0)
     ORDER BY source, year, region, rural, category, visit_type, month, from_month`,
  );
  const persons = await hub.pool.query(
    `SELECT year, region, rural, condition, dimension, value, from_month, persons FROM stat_persons WHERE persons <> 0
     ORDER BY year, condition, dimension, region, rural, value, from_month`,
  );
  const months = await hub.pool.query(
    `SELECT year, month, region, rural, category, enrolled, subsidised, persons FROM stat_person_month WHERE persons <> 0
     ORDER BY year, month, region, rural, category, enrolled, subsidised`,
  );
  const years = await hub.pool.query('SELECT year FROM stat_person_year ORDER BY year');
  return { amounts: amounts.rows, persons: persons.rows, months: months.rows, years: years.rows };
}

describe('statistics summaries kept current by triggers', () => {
  it('agree with the numbers computed from the rows after the seeder wrote them', async () => {
    const { rows } = await hub.pool.query(
      'SELECT (SELECT count(*) FROM stat_amount)::int AS n, (SELECT count(*) FROM stat_person_month)::int AS m',
    );
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].m).toBeGreaterThan(0);
    expect(SUMMARISED).toEqual(expect.arrayContaining(['PERSONS', 'COVERAGE_RATE', 'SUBSIDISED_ENROLLMENT_RATE', 'ASSISTANCE_PAID']));
    expect(await expectSummariesToMatchRows()).toBeGreaterThan(1000);
  }, 180_000);

  it('agree again after visits are added, reversed and moved to another month', async () => {
    await hub.pool.query(
      `INSERT INTO benefit_record (id, claim_id, kind, person_id, service_date, year, visit_type, referral, in_province, total_cost,
         in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, category, claim_jurisdiction)
       SELECT gen_random_uuid(), 'extra-' || claim_id, kind, person_id, make_date(2024, 12 - extract(month FROM service_date)::int + 1, 1), year,
         visit_type, referral, in_province, total_cost, in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid + 10, tilt_paid,
         out_of_pocket, category, claim_jurisdiction
       FROM benefit_record WHERE kind = 'SETTLEMENT' AND ascii(right(claim_id, 1)) % 4 = 0`,
    );
    // Settled records are never edited (append-only): a correction is a reversal, as reverseClaim writes it, and a visit
    // moved to another month is a reversal and a new settlement.
    const reversed = await hub.pool.query(
      `INSERT INTO benefit_record (id, claim_id, kind, person_id, service_date, year, visit_type, referral, in_province, total_cost,
         in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, category, claim_jurisdiction,
         reverses_id)
       SELECT gen_random_uuid(), claim_id, 'REVERSAL', person_id, service_date, year, visit_type, referral, in_province, -total_cost,
         -in_policy_cost, -basic_paid, -critical_paid, -other_paid, -assistance_paid, -tilt_paid, -out_of_pocket, category,
         claim_jurisdiction, id
       FROM benefit_record WHERE claim_id LIKE 'extra-%' AND ascii(right(claim_id, 1)) % 3 = 0`,
    );
    expect(reversed.rowCount).toBeGreaterThan(0);
    await hub.pool.query(
      `INSERT INTO benefit_record (id, claim_id, kind, person_id, service_date, year, visit_type, referral, in_province, total_cost,
         in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, category, claim_jurisdiction)
       SELECT gen_random_uuid(), 'moved-' || claim_id, 'SETTLEMENT', person_id, greatest(service_date - 40, DATE '2024-01-01'), year,
         visit_type, referral, in_province, total_cost, in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid,
         out_of_pocket, category, claim_jurisdiction
       FROM benefit_record WHERE kind = 'REVERSAL' AND claim_id LIKE 'extra-%' AND ascii(right(claim_id, 2)) % 2 = 1`,
    );
    await expectSummariesToMatchRows();
  }, 180_000);

  it('agree again after charity aid and commercial claims are paid against visits in later months, changed and withdrawn', async () => {
    await hub.pool.query(
      `INSERT INTO charity_aid (id, person_id, client_id, amount, paid_on, reference, claim_id)
       SELECT gen_random_uuid(), person_id, '00000000-0000-7000-8000-00000000c4a1', round(out_of_pocket / 3, 2),
         least(service_date + 45, DATE '2024-12-31'), 'sum-aid-' || claim_id, claim_id
       FROM benefit_record WHERE kind = 'SETTLEMENT' AND out_of_pocket > 0 AND ascii(right(claim_id, 1)) % 3 = 0`,
    );
    await hub.pool.query(
      `INSERT INTO commercial_claim (id, person_id, client_id, claim_reference, paid_on, amount, related_claim_id)
       SELECT gen_random_uuid(), person_id, '00000000-0000-7000-8000-00000000c0e1', 'sum-cc-' || claim_id,
         least(service_date + 80, DATE '2024-12-31'), out_of_pocket, claim_id
       FROM benefit_record WHERE kind = 'SETTLEMENT' AND out_of_pocket > 0 AND ascii(right(claim_id, 1)) % 4 = 1`,
    );
    await hub.pool.query(
      `UPDATE charity_aid SET amount = amount * 4 WHERE reference LIKE 'sum-aid-%' AND ascii(right(reference, 1)) % 2 = 0`,
    );
    await hub.pool.query(`DELETE FROM commercial_claim WHERE claim_reference LIKE 'sum-cc-%' AND ascii(right(claim_reference, 1)) % 3 = 0`);
    const { rows } = await hub.pool.query(`SELECT count(*)::int AS n FROM charity_aid WHERE reference LIKE 'sum-aid-%'`);
    expect(rows[0].n).toBeGreaterThan(0);
    await expectSummariesToMatchRows();
  }, 180_000);

  it('agree again after enrollments, certifications and persons change (subsidy, its month, county, residence)', async () => {
    await hub.pool.query(
      `UPDATE enrollment SET subsidy_amount = subsidy_amount + 50 WHERE coalesce(subsidy_amount, 0) > 0 AND ascii(right(id::text, 1)) % 2 = 0`,
    );
    await hub.pool.query(`UPDATE enrollment SET status = 'TERMINATED' WHERE status = 'ENROLLED' AND ascii(right(id::text, 1)) % 7 = 0`);
    await hub.pool.query(
      `UPDATE household_status SET valid_to = DATE '2024-09-30' WHERE valid_to IS NULL AND ascii(right(id::text, 1)) % 7 = 1`,
    );
    await hub.pool.query(
      `UPDATE household_status SET valid_from = DATE '2024-06-15' WHERE valid_from < DATE '2024-06-15' AND ascii(right(id::text, 1)) % 3 = 0`,
    );
    // A bulk import's kind of write: new certifications in one statement, in the subsidy's category earlier in the year (its
    // month moves), in another category, closed in 2023, open-ended; then some revoked and some deleted.
    await hub.pool.query(
      `INSERT INTO household_status (id, person_id, category, class, certified_by, valid_from, valid_to, transition_until)
       SELECT gen_random_uuid(), s.person_id, CASE WHEN n % 2 = 0 THEN s.category ELSE 'ORPHAN' END::"AssistanceCategory", s.class,
         s.certified_by, CASE n WHEN 0 THEN DATE '2024-02-01' WHEN 1 THEN DATE '2023-03-01' ELSE DATE '2024-04-01' END,
         CASE n WHEN 1 THEN DATE '2023-08-31' WHEN 2 THEN NULL ELSE DATE '2024-10-31' END,
         CASE n WHEN 1 THEN DATE '2024-01-31' END
       FROM household_status s CROSS JOIN LATERAL (SELECT ascii(right(s.id::text, 1)) % 4 AS n) k
       WHERE ascii(right(s.id::text, 2)) % 2 = 0`,
    );
    await hub.pool.query(
      `UPDATE household_status SET revoked_at = TIMESTAMPTZ '2024-07-10 00:00+08' WHERE ascii(right(id::text, 1)) % 5 = 2`,
    );
    await hub.pool.query(
      `DELETE FROM household_status s WHERE ascii(right(s.id::text, 1)) % 9 = 4
         AND NOT EXISTS (SELECT 1 FROM household_status n WHERE n.supersedes_id = s.id)
         AND NOT EXISTS (SELECT 1 FROM subsidy_decision d WHERE d.status_id = s.id)`,
    );
    await hub.pool.query(
      `UPDATE person SET region_code = CASE WHEN region_code LIKE '620702%' THEN '620721' ELSE '620702' END,
         residence = CASE WHEN residence = 'RURAL' THEN 'URBAN' ELSE 'RURAL' END::"Residence"
       WHERE ascii(right(id::text, 1)) % 5 = 0`,
    );
    await expectSummariesToMatchRows();
  }, 180_000);

  it('count a year not kept from the rows, keep it from stat_add_years on, and follow its writes', async () => {
    const persons = (year: number): FamilyQuery => ({
      measure: 'COVERAGE_RATE',
      year,
      asOf: `${year}-12-31`,
      root: '6207',
      levels: [6],
      dimensions: ['CATEGORY'],
      ruralOnly: false,
    });
    await hub.pool.query(
      `INSERT INTO enrollment (id, person_id, year, scheme, status, personal_contribution, subsidy_amount, subsidy_category, rule_set)
       SELECT gen_random_uuid(), person_id, 2025, scheme, status, personal_contribution, subsidy_amount, subsidy_category, rule_set
       FROM enrollment WHERE year = 2024 AND ascii(right(id::text, 1)) % 2 = 0`,
    );
    const kept = async () => (await hub.pool.query('SELECT 1 FROM stat_person_year WHERE year = 2025')).rowCount;
    expect(await kept()).toBe(0);
    expect(normalised(await summaries.family(persons(2025)))).toEqual(normalised(await summaries.familyFromRows(persons(2025))));
    const { rows } = await hub.pool.query('SELECT stat_add_years(ARRAY[2025, 2024]) AS added');
    expect(rows[0].added).toEqual([2025]);
    expect(await kept()).toBe(1);
    await hub.pool.query(`UPDATE enrollment SET status = 'SUSPENDED' WHERE year = 2025 AND ascii(right(id::text, 1)) % 3 = 0`);
    const fromRows = normalised(await summaries.familyFromRows(persons(2025)));
    expect(fromRows.some((cell) => cell.numerator !== cell.denominator)).toBe(true);
    expect(normalised(await summaries.family(persons(2025)))).toEqual(fromRows);
  }, 180_000);

  it('hold, after all those writes, exactly what a rebuild from the rows computes', async () => {
    const kept = await storedSummaries();
    await hub.pool.query('SELECT stat_rebuild()');
    const rebuilt = await storedSummaries();
    expect(kept.amounts.length).toBeGreaterThan(0);
    expect(kept.months.length).toBeGreaterThan(0);
    expect(kept.years).toContainEqual({ year: 2024 });
    expect(kept).toEqual(rebuilt);
  }, 180_000);
});
