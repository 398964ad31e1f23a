import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDrafts } from '../../../src/modules/alert/alert.draft.js';
import { alertsForVisit, alertsForYear } from '../../../src/modules/policy/monitoring.engine.js';
import { parseRegionConfig } from '../../../src/modules/policy/policy-case.js';
import type { Accumulators, AssistanceCategory, Residence, VisitType } from '../../../src/modules/policy/policy.types.js';
import { configInForce, regionConfigJson, type RegionConfigVersion } from '../../../src/modules/policy/region-config.js';
import { governingRuleSet } from '../../../src/modules/policy/rule-set.data.js';
import { resolveRuleSet } from '../../../src/modules/policy/rule-set.resolve.js';
import { activeCategoriesOn, settle, type StatusRecord } from '../../../src/modules/policy/settlement.engine.js';
import { quoteSubsidy } from '../../../src/modules/policy/subsidy.engine.js';
import { DEMO_CONFIG_NOTE, demoRegionConfigs } from '../../../src/modules/seed/seed.config.js';
import type { SeedOptions } from '../../../src/modules/seed/seed.generator.js';
import { seed, type SeedReport } from '../../../src/modules/seed/seed.service.js';
import { formatMoney, Money, ZERO } from '../../../src/shared/money.js';
import { DEMO_APPLICATIONS } from '../../../src/modules/seed/seed.policy.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const ZHANGYE: SeedOptions = { persons: 20_000, region: '620700', year: 2024, seed: 11 };

const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];

async function freshPool(): Promise<pg.Pool> {
  const database = await createTestDatabase();
  databases.push(database);
  const pool = new pg.Pool({ connectionString: database.url });
  pools.push(pool);
  return pool;
}

let pool: pg.Pool;
let report: SeedReport;

beforeAll(async () => {
  pool = await freshPool();
  report = await seed(pool, ZHANGYE);
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(databases.map((d) => d.drop()));
});

async function counts(on: pg.Pool) {
  const { rows } = await on.query(`SELECT
    (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM household_status)::int AS statuses,
    (SELECT count(*) FROM enrollment)::int AS enrollments, (SELECT count(*) FROM benefit_record)::int AS benefits,
    (SELECT count(*) FROM alert)::int AS alerts, (SELECT count(*) FROM region_config)::int AS configs`);
  return rows[0] as Record<string, number>;
}

async function storedConfigs(on: pg.Pool): Promise<RegionConfigVersion[]> {
  const { rows } = await on.query(
    `SELECT id, region_code, year, effective_from::text AS effective_from, created_at, parameters FROM region_config`,
  );
  return rows.map((row) => ({
    id: row.id,
    regionCode: row.region_code,
    year: row.year,
    effectiveFrom: row.effective_from,
    createdAt: row.created_at,
    config: parseRegionConfig(row.parameters),
  }));
}

/** Rows of `sql` grouped by their `person_id`. */
async function byPerson<T extends { person_id: string }>(on: pg.Pool, sql: string): Promise<Map<string, T[]>> {
  const grouped = new Map<string, T[]>();
  for (const row of (await on.query<T>(sql)).rows) grouped.set(row.person_id, [...(grouped.get(row.person_id) ?? []), row]);
  return grouped;
}

interface StoredBenefit {
  person_id: string;
  id: string;
  claim_id: string;
  claim_jurisdiction: string;
  service_date: string;
  visit_type: VisitType;
  referral: 'LOCAL' | 'REFERRED' | 'UNREFERRED';
  in_province: boolean;
  diagnosis: string;
  total_cost: string;
  in_policy_cost: string;
  basic_paid: string;
  critical_paid: string;
  other_paid: string;
  assistance_paid: string;
  tilt_paid: string;
  out_of_pocket: string;
  threshold_applied: string;
  tilt_base: string;
  provider_borne: string;
  rule_set: string;
  rule_set_version: number;
  category: AssistanceCategory | null;
  class: number | null;
  region_config_id: string | null;
  explanation: unknown;
}

describe('seeding through the policy engine (Zhangye, gansu-2023)', () => {
  it('stores what the engine says: each sampled person settled again, in order, from the stored statuses and configuration', async () => {
    const configs = await storedConfigs(pool);
    const persons = (
      await pool.query<{ id: string; region_code: string; birth_date: string; residence: Residence }>(
        `SELECT id, region_code, birth_date::text AS birth_date, residence FROM person`,
      )
    ).rows;
    const statuses = await byPerson<StatusRecord & { person_id: string }>(
      pool,
      `SELECT person_id, category, class, valid_from::text AS "validFrom", valid_to::text AS "validTo",
         transition_until::text AS "transitionUntil", revoked_at AS "revokedAt", retroactive FROM household_status`,
    );
    const benefits = await byPerson<StoredBenefit>(
      pool,
      `SELECT person_id, id, claim_id, service_date::text AS service_date, visit_type, referral, in_province, diagnosis,
         total_cost::text, in_policy_cost::text, basic_paid::text, critical_paid::text, other_paid::text, assistance_paid::text,
         tilt_paid::text, out_of_pocket::text, threshold_applied::text, tilt_base::text, provider_borne::text, rule_set,
         rule_set_version, category, class, region_config_id, explanation, claim_jurisdiction
       FROM benefit_record ORDER BY person_id, service_date, claim_id`,
    );
    const alerts = await byPerson<{ person_id: string }>(
      pool,
      `SELECT person_id, rule, rule_set, measure, threshold::text, amount::text, targets::text[] AS targets, year, month, benefit_id, dedupe_key
       FROM alert ORDER BY dedupe_key`,
    );
    const enrollments = await byPerson<{ person_id: string; year: number; scheme: string; personal_contribution: string | null }>(
      pool,
      `SELECT person_id, year, scheme, personal_contribution::text, subsidy_amount::text, subsidy_category, rule_set
       FROM enrollment ORDER BY person_id, year`,
    );

    // Every person with a visit or a certification, and every 20th of the others.
    const sample = persons.filter((p, index) => benefits.has(p.id) || statuses.has(p.id) || index % 20 === 0);
    expect(sample.length).toBeGreaterThan(2_000);
    const stored: unknown[] = [];
    const expected: unknown[] = [];
    for (const person of sample) {
      const held = statuses.get(person.id) ?? [];
      let ytd: Accumulators = { assistancePaid: ZERO, thresholdUsed: ZERO, inPolicyOopAfterThreeTiers: ZERO, outOfPocket: ZERO };
      const raised = [];
      for (const row of benefits.get(person.id) ?? []) {
        const version = configInForce(configs, person.region_code, row.service_date);
        const ruleSet = resolveRuleSet(governingRuleSet(person.region_code, row.service_date), version?.config);
        const categories = activeCategoriesOn(held, row.service_date, ruleSet);
        const visit = {
          type: row.visit_type,
          referral: row.referral,
          inProvince: row.in_province,
          diagnosis: row.diagnosis,
          totalCost: new Money(row.total_cost),
          inPolicyCost: new Money(row.in_policy_cost),
          basicPaid: new Money(row.basic_paid),
          criticalPaid: new Money(row.critical_paid),
          otherPaid: new Money(row.other_paid),
        };
        const result = settle({
          ruleSet,
          serviceDate: row.service_date,
          birthDate: person.birth_date,
          categories,
          applications: DEMO_APPLICATIONS,
          ytd,
          visit,
        });
        stored.push(row);
        expected.push({
          ...row,
          assistance_paid: formatMoney(result.assistance),
          tilt_paid: formatMoney(result.tilt),
          out_of_pocket: formatMoney(result.outOfPocket),
          threshold_applied: formatMoney(result.thresholdApplied),
          tilt_base: formatMoney(result.ytd.inPolicyOopAfterThreeTiers.minus(ytd.inPolicyOopAfterThreeTiers)),
          provider_borne: formatMoney(result.providerBorne),
          rule_set: result.ruleSet,
          rule_set_version: result.ruleSetVersion,
          category: result.category,
          class: result.class,
          region_config_id: version?.id ?? null,
          explanation: result.explanation,
        });
        const found = [
          ...alertsForVisit(ruleSet, { residence: person.residence, categories }, visit, result),
          ...alertsForYear(ruleSet, { categories }, ytd.outOfPocket, result.ytd.outOfPocket),
        ];
        raised.push(
          ...alertDrafts(person.id, ruleSet.id, row.service_date, { jurisdiction: row.claim_jurisdiction, id: row.claim_id }, found).map(
            (draft) => ({
              person_id: person.id,
              rule: draft.rule,
              rule_set: draft.ruleSet,
              measure: draft.measure,
              threshold: formatMoney(draft.threshold),
              amount: formatMoney(draft.amount),
              targets: [...draft.targets],
              year: draft.year,
              month: draft.month,
              benefit_id: row.id,
              dedupe_key: draft.dedupeKey,
            }),
          ),
        );
        ytd = result.ytd;
      }
      stored.push(...(alerts.get(person.id) ?? []));
      expected.push(...raised.sort((a, b) => a.dedupe_key.localeCompare(b.dedupe_key)));

      for (const enrollment of enrollments.get(person.id) ?? []) {
        stored.push(enrollment);
        const date = `${enrollment.year}-01-01`;
        if (enrollment.scheme !== 'RESIDENT') {
          expected.push({ ...enrollment, subsidy_amount: null, subsidy_category: null, rule_set: null });
          continue;
        }
        const ruleSet = resolveRuleSet(
          governingRuleSet(person.region_code, date),
          configInForce(configs, person.region_code, date)?.config,
        );
        const quote = quoteSubsidy({
          ruleSet,
          year: enrollment.year,
          personalContribution: new Money(enrollment.personal_contribution!),
          categories: activeCategoriesOn(held, date, ruleSet),
        });
        expected.push({
          ...enrollment,
          subsidy_amount: formatMoney(quote.subsidy),
          subsidy_category: quote.category,
          rule_set: ruleSet.id,
        });
      }
    }
    expect(stored).toEqual(expected);
  }, 60_000);

  it('really applies the rules: assistance, tilted assistance, subsidies and alerts, not what insurance alone leaves', async () => {
    const { rows } = await pool.query(`SELECT
      (SELECT count(*) FROM benefit_record WHERE assistance_paid > 0 AND rule_set = 'gansu-2023')::int AS assisted,
      (SELECT count(*) FROM benefit_record WHERE tilt_paid > 0)::int AS tilted,
      (SELECT count(*) FROM benefit_record WHERE threshold_applied > 0)::int AS thresholds,
      (SELECT count(*) FROM benefit_record WHERE referral = 'UNREFERRED' AND assistance_paid + tilt_paid > 0)::int AS unreferred_paid,
      (SELECT count(*) FROM enrollment WHERE subsidy_amount > 0 AND year = 2024 AND rule_set = 'gansu-2023')::int AS subsidised,
      (SELECT count(*) FROM enrollment WHERE subsidy_amount = personal_contribution AND subsidy_category = 'EXTREME_POVERTY')::int AS full,
      (SELECT count(*) FROM alert WHERE rule_set = 'gansu-2023')::int AS alerts`);
    expect(rows[0]).toMatchObject({ unreferred_paid: 0 });
    for (const key of ['assisted', 'tilted', 'thresholds', 'subsidised', 'full', 'alerts']) expect(rows[0][key], key).toBeGreaterThan(0);
    expect(report.alerts).toBe(rows[0].alerts);
  });

  it('stores a demo configuration once per year and period, marked demo, and reuses it on a re-run', async () => {
    const demo = async () =>
      (
        await pool.query(
          `SELECT id, region_code, year, effective_from::text AS effective_from, parameters, demo, note, set_by_client_id
           FROM region_config ORDER BY year, effective_from`,
        )
      ).rows;
    const first = await demo();
    // 2024 for the visits and enrollments; 2023 for the previous year's enrollments, in two periods because
    // gansu-2023 takes effect on 1 July 2023 and the national rule set governs before.
    expect(first.map(({ region_code, year, effective_from, demo, note }) => ({ region_code, year, effective_from, demo, note }))).toEqual([
      { region_code: '6207', year: 2023, effective_from: '2023-01-01', demo: true, note: DEMO_CONFIG_NOTE },
      { region_code: '6207', year: 2023, effective_from: '2023-07-01', demo: true, note: DEMO_CONFIG_NOTE },
      { region_code: '6207', year: 2024, effective_from: '2024-01-01', demo: true, note: DEMO_CONFIG_NOTE },
    ]);
    expect(first[2].parameters).toEqual(regionConfigJson(demoRegionConfigs('620700', 2024)[0]!.config));
    const { rows: used } = await pool.query(`SELECT DISTINCT region_config_id FROM benefit_record`);
    expect(used).toEqual([{ region_config_id: first[2].id }]);

    const before = await counts(pool);
    await seed(pool, ZHANGYE);
    expect(await counts(pool)).toEqual(before);
    // Another seed of the region settles with the stored versions too.
    await seed(pool, { ...ZHANGYE, persons: 2_000, seed: 12 });
    expect(await demo()).toEqual(first);
    const { rows: usedAfter } = await pool.query(`SELECT DISTINCT region_config_id FROM benefit_record`);
    expect(usedAfter).toEqual(used);
  }, 120_000);
});

describe('seeding with a configuration an administrator set', () => {
  it('fails on a parameter the configuration lacks, naming rule set, category and parameter, and stores nothing', async () => {
    const admin = await freshPool();
    const { caps, ...rest } = regionConfigJson(demoRegionConfigs('620700', 2024)[0]!.config);
    const { MINIMUM_LIVING: _missing, ...otherCaps } = caps!;
    await admin.query(
      `INSERT INTO region_config (id, region_code, year, effective_from, parameters, note)
       VALUES (gen_random_uuid(), '6207', 2024, '2024-01-01', $1, 'set by hand')`,
      [{ ...rest, caps: otherCaps }],
    );
    await expect(seed(admin, { ...ZHANGYE, persons: 3_000 })).rejects.toThrow(
      /^PARAMETER_NOT_SET: cannot seed .* gansu-2023 sets no cap for MINIMUM_LIVING, and the region configuration \S+ \(6207, 2024, from 2024-01-01\) does not configure it/,
    );
    expect(await counts(admin)).toEqual({ persons: 0, statuses: 0, enrollments: 0, benefits: 0, alerts: 0, configs: 1 });
  }, 60_000);

  it('settles with a complete one as is, adding demo values only for a year it does not cover', async () => {
    const admin = await freshPool();
    const demo = regionConfigJson(demoRegionConfigs('620700', 2024)[0]!.config);
    const caps = Object.fromEntries(Object.keys(demo.caps!).map((category) => [category, '60000.00']));
    const { rows } = await admin.query(
      `INSERT INTO region_config (id, region_code, year, effective_from, parameters)
       VALUES (gen_random_uuid(), '62', 2024, '2024-01-01', $1) RETURNING id`,
      [{ ...demo, caps }],
    );
    await seed(admin, { ...ZHANGYE, persons: 2_000 });
    const { rows: configs } = await admin.query(`SELECT region_code, year, demo FROM region_config ORDER BY year, effective_from`);
    expect(configs).toEqual([
      { region_code: '6207', year: 2023, demo: true },
      { region_code: '6207', year: 2023, demo: true },
      { region_code: '62', year: 2024, demo: false },
    ]);
    const { rows: used } = await admin.query(`SELECT DISTINCT region_config_id FROM benefit_record`);
    expect(used).toEqual([{ region_config_id: rows[0].id }]);
    const { rows: capped } = await admin.query(`SELECT
      count(*) FILTER (WHERE explanation::text LIKE '%annual cap 60000.00%')::int AS administrator,
      count(*) FILTER (WHERE explanation::text NOT LIKE '%annual cap 60000.00%')::int AS other
      FROM benefit_record WHERE category IS NOT NULL`);
    expect(capped[0].administrator).toBeGreaterThan(0);
    expect(capped[0].other).toBe(0);
  }, 60_000);
});

describe('seeding a year the rule sets do not cover', () => {
  it('refuses a year that begins before national-2021 takes effect', async () => {
    await expect(seed(pool, { ...ZHANGYE, year: 2021 })).rejects.toThrow(
      /cannot seed 2021: .*before national-2021 takes effect on 2021-10-28/,
    );
  });

  it('settles a year in which a regional rule set takes effect with the version of each period', async () => {
    const mid = await freshPool();
    await seed(mid, { persons: 3_000, region: '620700', year: 2023, seed: 5 });
    const { rows } = await mid.query(
      `SELECT b.rule_set, c.effective_from::text AS effective_from, min(b.service_date)::text AS first, max(b.service_date)::text AS last
       FROM benefit_record b JOIN region_config c ON c.id = b.region_config_id GROUP BY 1, 2 ORDER BY 2`,
    );
    expect(rows).toMatchObject([
      { rule_set: 'national-2021', effective_from: '2023-01-01' },
      { rule_set: 'gansu-2023', effective_from: '2023-07-01' },
    ]);
    expect(rows[0].last < '2023-07-01' && rows[1].first >= '2023-07-01').toBe(true);
  }, 60_000);
});
