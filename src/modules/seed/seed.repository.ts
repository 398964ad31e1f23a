import type pg from 'pg';
import { parseRegionConfig } from '../policy/policy-case.js';
import type { RegionConfigJson, RegionConfigVersion } from '../policy/region-config.js';
import type { PersonRow, StatusRow, VisitDraft } from './seed.generator.js';

/** An enrollment ready to store, with its computed subsidy. */
export interface EnrollmentRow {
  id: string;
  personId: string;
  year: number;
  scheme: 'RESIDENT' | 'EMPLOYEE';
  personalContribution: string | null;
  subsidyAmount: string | null;
  subsidyCategory: string | null;
  ruleSet: string | null;
}

/** A settled visit ready to store: the visit and what the settlement added. */
export interface BenefitRow extends VisitDraft {
  assistancePaid: string;
  tiltPaid: string;
  outOfPocket: string;
  thresholdApplied: string;
  /** base − assistance (0 when unreferred): what the visit added to the tilt's yearly base. */
  tiltBase: string;
  providerBorne: string;
  ruleSet: string;
  ruleSetVersion: number;
  category: string | null;
  class: number | null;
  regionConfigId: string | null;
  /** The explanation steps as JSON. */
  explanation: string;
}

/** A high-cost alert ready to store, raised by the settlement of the visit `benefitId`. */
export interface AlertRow {
  id: string;
  personId: string;
  rule: string;
  ruleSet: string;
  citation: string;
  measure: string;
  threshold: string;
  amount: string;
  targets: string[];
  year: number;
  month: string;
  benefitId: string;
  dedupeKey: string;
}

/** A demo configuration version the seeder adds for a region that has none. */
export interface RegionConfigRow {
  id: string;
  regionCode: string;
  year: number;
  effectiveFrom: string;
  parameters: RegionConfigJson;
  note: string;
}

/** Rows one batch added, table by table. */
export interface InsertedRows {
  persons: number;
  statuses: number;
  enrollments: number;
  benefits: number;
  alerts: number;
}

/** One batch of generated data, with the demo configurations its settlements used when they are new. */
export interface SeedBatch {
  regionConfigs: RegionConfigRow[];
  households: { id: string; regionCode: string }[];
  persons: PersonRow[];
  statuses: StatusRow[];
  enrollments: EnrollmentRow[];
  benefits: BenefitRow[];
  alerts: AlertRow[];
}

function column<T, K extends keyof T>(rows: T[], key: K): T[K][] {
  return rows.map((row) => row[key]);
}

/**
 * Bulk writes for the seeder: one `INSERT … SELECT FROM unnest(arrays)` per
 * table and batch, which PostgreSQL takes at tens of thousands of rows per
 * second. Rows that exist already (a re-run of the same seed) are skipped, and
 * dependents of a skipped person join on `person` so that none is orphaned.
 */
export class SeedRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Has the statistics' person summary kept for the years enrolled in (a new
   * year is built once, for everyone, and counted from the rows until then).
   */
  async keepStatisticsYears(): Promise<void> {
    await this.pool.query('SELECT stat_add_years(ARRAY(SELECT DISTINCT year::int FROM enrollment))');
  }

  /**
   * Writes one batch in one transaction: a batch is stored whole or not at
   * all. Returns the rows each table took (rows already there are not counted).
   */
  async insertBatch(batch: SeedBatch): Promise<InsertedRows> {
    const client = await this.pool.connect();
    const inserted: InsertedRows = { persons: 0, statuses: 0, enrollments: 0, benefits: 0, alerts: 0 };
    const insert = async (sql: string, values: unknown[]) => (await client.query(sql, values)).rowCount ?? 0;
    try {
      await client.query('BEGIN');
      const c = batch.regionConfigs;
      await client.query(
        `INSERT INTO region_config (id, region_code, year, effective_from, parameters, demo, note)
         SELECT u.id, u.region_code, u.year, u.effective_from, u.parameters, true, u.note
         FROM unnest($1::uuid[], $2::varchar[], $3::smallint[], $4::date[], $5::jsonb[], $6::varchar[])
           AS u(id, region_code, year, effective_from, parameters, note)
         ON CONFLICT DO NOTHING`,
        [
          column(c, 'id'),
          column(c, 'regionCode'),
          column(c, 'year'),
          column(c, 'effectiveFrom'),
          c.map((row) => JSON.stringify(row.parameters)),
          column(c, 'note'),
        ],
      );
      await client.query(`INSERT INTO household (id, region_code) SELECT * FROM unnest($1::uuid[], $2::varchar[]) ON CONFLICT DO NOTHING`, [
        column(batch.households, 'id'),
        column(batch.households, 'regionCode'),
      ]);
      const p = batch.persons;
      inserted.persons = await insert(
        `INSERT INTO person (id, id_number, name, gender, birth_date, residence, region_code, phone, household_id)
         SELECT * FROM unnest($1::uuid[], $2::char(18)[], $3::varchar[], $4::"Gender"[], $5::date[], $6::"Residence"[], $7::varchar[], $8::varchar[], $9::uuid[])
         ON CONFLICT DO NOTHING`,
        [
          column(p, 'id'),
          column(p, 'idNumber'),
          column(p, 'name'),
          column(p, 'gender'),
          column(p, 'birthDate'),
          column(p, 'residence'),
          column(p, 'regionCode'),
          column(p, 'phone'),
          column(p, 'householdId'),
        ],
      );
      const s = batch.statuses;
      inserted.statuses = await insert(
        `INSERT INTO household_status (id, person_id, category, class, certified_by, document_no, valid_from, valid_to, transition_until, retroactive, revoked_at, revoke_reason)
         SELECT u.* FROM unnest($1::uuid[], $2::uuid[], $3::"AssistanceCategory"[], $4::smallint[], $5::"Agency"[], $6::varchar[], $7::date[], $8::date[], $9::date[], $10::boolean[], $11::timestamptz[], $12::varchar[])
           AS u(id, person_id, category, class, certified_by, document_no, valid_from, valid_to, transition_until, retroactive, revoked_at, revoke_reason)
         JOIN person ON person.id = u.person_id
         ON CONFLICT DO NOTHING`,
        [
          column(s, 'id'),
          column(s, 'personId'),
          column(s, 'category'),
          column(s, 'class'),
          column(s, 'certifiedBy'),
          column(s, 'documentNo'),
          column(s, 'validFrom'),
          column(s, 'validTo'),
          column(s, 'transitionUntil'),
          column(s, 'retroactive'),
          column(s, 'revokedAt'),
          column(s, 'revokeReason'),
        ],
      );
      const e = batch.enrollments;
      inserted.enrollments = await insert(
        `INSERT INTO enrollment (id, person_id, year, scheme, status, personal_contribution, subsidy_amount, subsidy_category, rule_set)
         SELECT u.id, u.person_id, u.year, u.scheme, 'ENROLLED', u.personal_contribution, u.subsidy_amount, u.subsidy_category, u.rule_set
         FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::"Scheme"[], $5::numeric[], $6::numeric[], $7::"AssistanceCategory"[], $8::varchar[])
           AS u(id, person_id, year, scheme, personal_contribution, subsidy_amount, subsidy_category, rule_set)
         JOIN person ON person.id = u.person_id
         ON CONFLICT DO NOTHING`,
        [
          column(e, 'id'),
          column(e, 'personId'),
          column(e, 'year'),
          column(e, 'scheme'),
          column(e, 'personalContribution'),
          column(e, 'subsidyAmount'),
          column(e, 'subsidyCategory'),
          column(e, 'ruleSet'),
        ],
      );
      const b = batch.benefits;
      inserted.benefits = await insert(
        `INSERT INTO benefit_record (id, claim_id, person_id, service_date, year, visit_type, referral, in_province, provider_code, diagnosis,
           total_cost, in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, threshold_applied,
           tilt_base, provider_borne, rule_set, rule_set_version, category, class, region_config_id, explanation, claim_jurisdiction)
         SELECT u.id, u.claim_id, u.person_id, u.service_date, extract(year FROM u.service_date)::smallint, u.visit_type, u.referral, u.in_province,
           u.provider_code, u.diagnosis, u.total_cost, u.in_policy_cost, u.basic_paid, u.critical_paid, u.other_paid, u.assistance_paid,
           u.tilt_paid, u.out_of_pocket, u.threshold_applied, u.tilt_base, u.provider_borne, u.rule_set, u.rule_set_version, u.category,
           u.class, u.region_config_id, u.explanation, left(person.region_code, 4)
         FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::date[], $5::"VisitType"[], $6::"Referral"[], $7::boolean[], $8::varchar[], $9::varchar[],
           $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[], $17::numeric[],
           $18::numeric[], $19::numeric[], $20::numeric[], $21::varchar[], $22::smallint[], $23::"AssistanceCategory"[], $24::smallint[],
           $25::uuid[], $26::jsonb[])
           AS u(id, claim_id, person_id, service_date, visit_type, referral, in_province, provider_code, diagnosis, total_cost, in_policy_cost,
             basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, threshold_applied, tilt_base, provider_borne,
             rule_set, rule_set_version, category, class, region_config_id, explanation)
         JOIN person ON person.id = u.person_id
         ON CONFLICT DO NOTHING`,
        [
          column(b, 'id'),
          column(b, 'claimId'),
          column(b, 'personId'),
          column(b, 'serviceDate'),
          column(b, 'visitType'),
          column(b, 'referral'),
          column(b, 'inProvince'),
          column(b, 'providerCode'),
          column(b, 'diagnosis'),
          column(b, 'totalCost'),
          column(b, 'inPolicyCost'),
          column(b, 'basicPaid'),
          column(b, 'criticalPaid'),
          column(b, 'otherPaid'),
          column(b, 'assistancePaid'),
          column(b, 'tiltPaid'),
          column(b, 'outOfPocket'),
          column(b, 'thresholdApplied'),
          column(b, 'tiltBase'),
          column(b, 'providerBorne'),
          column(b, 'ruleSet'),
          column(b, 'ruleSetVersion'),
          column(b, 'category'),
          column(b, 'class'),
          column(b, 'regionConfigId'),
          column(b, 'explanation'),
        ],
      );
      const a = batch.alerts;
      // Joined on the benefit record, so that an alert of a visit that was not stored (its person skipped) is not either.
      inserted.alerts = await insert(
        `INSERT INTO alert (id, person_id, rule, rule_set, citation, measure, threshold, amount, targets, year, month, benefit_id, dedupe_key)
         SELECT u.id, u.person_id, u.rule, u.rule_set, u.citation, u.measure, u.threshold, u.amount,
           string_to_array(u.targets, ',')::"Agency"[], u.year, u.month, u.benefit_id, u.dedupe_key
         FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::numeric[], $8::numeric[],
           $9::text[], $10::smallint[], $11::char(7)[], $12::uuid[], $13::varchar[])
           AS u(id, person_id, rule, rule_set, citation, measure, threshold, amount, targets, year, month, benefit_id, dedupe_key)
         JOIN benefit_record ON benefit_record.id = u.benefit_id
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [
          column(a, 'id'),
          column(a, 'personId'),
          column(a, 'rule'),
          column(a, 'ruleSet'),
          column(a, 'citation'),
          column(a, 'measure'),
          column(a, 'threshold'),
          column(a, 'amount'),
          a.map((row) => row.targets.join(',')),
          column(a, 'year'),
          column(a, 'month'),
          column(a, 'benefitId'),
          column(a, 'dedupeKey'),
        ],
      );
      await client.query('COMMIT');
      return inserted;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The configuration versions of `years` that apply to any of `counties`:
   * those whose region code is a prefix of one (a province's, a city's, a
   * county's own).
   */
  async regionConfigs(counties: readonly string[], years: readonly number[]): Promise<RegionConfigVersion[]> {
    const { rows } = await this.pool.query<{
      id: string;
      region_code: string;
      year: number;
      effective_from: string;
      created_at: Date;
      parameters: unknown;
    }>(
      `SELECT id, region_code, year, effective_from::text AS effective_from, created_at, parameters FROM region_config
       WHERE year = ANY($2::smallint[]) AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS county WHERE starts_with(county, region_code))`,
      [counties, years],
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

  /** Whether the database holds any person (first start loads demo data only when it does not). */
  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM person LIMIT 1');
    return rowCount === 0;
  }
}
