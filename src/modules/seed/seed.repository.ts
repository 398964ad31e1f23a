import type pg from 'pg';
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
  ruleSet: string | null;
  category: string | null;
  explanation: string | null;
}

/** One batch of generated data. */
export interface SeedBatch {
  households: { id: string; regionCode: string }[];
  persons: PersonRow[];
  statuses: StatusRow[];
  enrollments: EnrollmentRow[];
  benefits: BenefitRow[];
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

  /** Writes one batch in one transaction: a batch is stored whole or not at all. */
  async insertBatch(batch: SeedBatch): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO household (id, region_code) SELECT * FROM unnest($1::uuid[], $2::varchar[]) ON CONFLICT DO NOTHING`, [
        column(batch.households, 'id'),
        column(batch.households, 'regionCode'),
      ]);
      const p = batch.persons;
      await client.query(
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
      await client.query(
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
      await client.query(
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
      await client.query(
        `INSERT INTO benefit_record (id, claim_id, person_id, service_date, year, visit_type, referral, in_province, provider_code, diagnosis,
           total_cost, in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, rule_set, category, explanation)
         SELECT u.id, u.claim_id, u.person_id, u.service_date, extract(year FROM u.service_date)::smallint, u.visit_type, u.referral, u.in_province,
           u.provider_code, u.diagnosis, u.total_cost, u.in_policy_cost, u.basic_paid, u.critical_paid, u.other_paid, u.assistance_paid,
           u.tilt_paid, u.out_of_pocket, u.rule_set, u.category, u.explanation
         FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::date[], $5::"VisitType"[], $6::"Referral"[], $7::boolean[], $8::varchar[], $9::varchar[],
           $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[], $17::numeric[],
           $18::varchar[], $19::"AssistanceCategory"[], $20::jsonb[])
           AS u(id, claim_id, person_id, service_date, visit_type, referral, in_province, provider_code, diagnosis, total_cost, in_policy_cost,
             basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, rule_set, category, explanation)
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
          column(b, 'ruleSet'),
          column(b, 'category'),
          column(b, 'explanation'),
        ],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /** Whether the database holds any person (first start loads demo data only when it does not). */
  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM person LIMIT 1');
    return rowCount === 0;
  }
}
