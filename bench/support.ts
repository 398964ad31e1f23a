import './production.js';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seed, type SeedReport } from '../src/modules/seed/seed.service.js';
import { openEmbeddedDatabase } from '../src/server/embedded-postgres.js';
import { migrateDatabase } from '../src/server/database.js';
import { createDb, type Db, type StatementCounter } from '../src/server/prisma.js';

/** What a benchmark runs against: a fresh embedded database with `persons` seeded (Zhangye, 2024) and analysed. */
export interface BenchDatabase {
  dir: string;
  db: Db;
  pool: pg.Pool;
  seeded: SeedReport;
  /** The serving role's and the owner's connection URLs (for servers the bench starts in processes of their own). */
  url: string;
  ownerUrl: string;
  /** Runs `work` on a connection of the tables' owner (the pool is the serving role's). */
  asOwner<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
}

/** The statements that switch the triggers keeping the statistics summaries current (migration statistics_summaries). */
export function summaryTriggers(action: 'ENABLE' | 'DISABLE'): string {
  const triggers: [string, string][] = [['benefit_record', 'stat_benefit_insert']];
  for (const [table, name] of [
    ['person', 'person'],
    ['charity_aid', 'charity'],
    ['commercial_claim', 'commercial'],
    ['enrollment', 'enrollment'],
    ['household_status', 'status'],
  ]) {
    for (const op of ['insert', 'update', 'delete']) triggers.push([table!, `stat_${name}_${op}`]);
  }
  return triggers.map(([table, trigger]) => `ALTER TABLE ${table} ${action} TRIGGER ${trigger};`).join('\n');
}

/** Runs `work` on a fresh, seeded embedded database and removes it afterwards. */
export async function withSeededDatabase(
  persons: number,
  work: (bench: BenchDatabase) => Promise<void>,
  counter?: StatementCounter,
  options: { benefitsPerPerson?: number; withoutSummaryTriggers?: boolean; preloadLibraries?: string[] } = {},
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-'));
  let database = await openEmbeddedDatabase(dir);
  if (options.preloadLibraries?.length) {
    // Libraries such as pg_stat_statements load at server start only: set them, then start again.
    await database.stop();
    const setting = `\nshared_preload_libraries = '${options.preloadLibraries.join(',')}'\n`;
    await appendFile(path.join(dir, 'postgres', 'postgresql.conf'), setting);
    database = await openEmbeddedDatabase(dir);
  }
  // The serving role owns no table: switching triggers is the owner's.
  const asOwner = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: database.ownerUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  try {
    await migrateDatabase(database);
    const { db, pool } = createDb(database.url, counter ? { counter } : {});
    try {
      // A bulk load rebuilds the statistics summaries once afterwards rather than keep them current batch by batch.
      if (options.withoutSummaryTriggers) await asOwner((client) => client.query(summaryTriggers('DISABLE')));
      const seeded = await seed(pool, { persons, region: '620700', year: 2024, seed: 1 }, (done, total) => {
        if (done === total || done % 20_000 < 5_006) process.stderr.write(`  seeded ${done}/${total}\r`);
      });
      if (options.benefitsPerPerson) await addBenefitCopies(pool, options.benefitsPerPerson);
      if (options.withoutSummaryTriggers) await asOwner((client) => client.query(summaryTriggers('ENABLE')));
      await pool.query('ANALYZE');
      await work({ dir, db, pool, seeded, asOwner, url: database.url, ownerUrl: database.ownerUrl });
    } finally {
      await db.$disconnect();
      await pool.end();
    }
  } finally {
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Brings the benefit records up to about `perPerson` per person by copying
 * the settled visits of the year into other months (the seeder's engine
 * settles about 0.66 visits per person, and settling millions more through
 * it would take the bench hours). The copies are volume for the statistics'
 * scans, not settlements: their amounts are their original's, so yearly caps
 * are not re-applied. Claim ids get a suffix, so they stay unique.
 */
export async function addBenefitCopies(pool: pg.Pool, perPerson: number): Promise<number> {
  const { rows } = await pool.query<{ persons: number; benefits: number }>(
    'SELECT (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM benefit_record)::int AS benefits',
  );
  const { persons, benefits } = rows[0]!;
  const copies = Math.ceil((perPerson * persons) / Math.max(1, benefits)) - 1;
  let added = 0;
  for (let copy = 1; copy <= copies; copy++) {
    process.stderr.write(`  copying benefit records ${copy}/${copies}\r`);
    const result = await pool.query(
      `INSERT INTO benefit_record (id, claim_id, kind, person_id, service_date, year, visit_type, referral, in_province, provider_code,
         diagnosis, total_cost, in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket,
         rule_set, category, threshold_applied, tilt_base, provider_borne, rule_set_version, class, region_config_id,
         claim_jurisdiction)
       SELECT gen_random_uuid(), left(claim_id, 56) || '-copy' || $1::int, kind, person_id,
         make_date(year, ((extract(month FROM service_date)::int - 1 + $1::int) % 12) + 1, least(extract(day FROM service_date)::int, 28)),
         year, visit_type, referral, in_province, provider_code, diagnosis, total_cost, in_policy_cost, basic_paid, critical_paid,
         other_paid, assistance_paid, tilt_paid, out_of_pocket, rule_set, category, threshold_applied, tilt_base, provider_borne,
         rule_set_version, class, region_config_id, claim_jurisdiction
       FROM benefit_record WHERE kind = 'SETTLEMENT' AND claim_id NOT LIKE '%-copy%'`,
      [copy],
    );
    added += result.rowCount ?? 0;
  }
  return added;
}
