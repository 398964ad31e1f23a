/**
 * Times statistics over a seeded embedded PostgreSQL: for each measure, the
 * answer an ANALYST client (jurisdiction Zhangye 6207, protected: the whole
 * measure group's families and the disclosure audit) and a medical-insurance
 * client (unprotected: one family) get for `by: [REGION]`, p50 and p95 over
 * the iterations, at each size; then how the p50 grows from the smallest
 * size to the largest. Prints figures; asserts nothing (machines are noisy).
 *
 *   npm run bench:statistics -- [--persons 100000,1000000] [--iterations 7] [--benefits-per-person 5]
 *     [--measures ASSISTANCE_PAID,PERSONS] [--agencies ANALYST]
 *
 * `--benefits-per-person` copies the seeded visits into other months until
 * there are about that many benefit records per person (the seeder settles
 * about 0.66): 5 gives the 5 000 000 records of 1 000 000 persons.
 *
 * `--paths summaries,rows` times each request both ways in the same run: the
 * BENEFIT group's families read from the summaries (the default), and every
 * family computed from the rows (the baseline before the summaries). With
 * summaries, the load runs with their triggers off and then rebuilds them
 * once (timed); then it times what the triggers add to one write: a single
 * settled visit inserted, with and without them.
 */
import './production.js';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { Principal } from '../src/auth/principal.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { AuditWriter } from '../src/modules/audit/audit.writer.js';
import { MEASURES, type StatisticsMeasure } from '../src/modules/statistics/statistics.measures.js';
import { StatisticsRepository } from '../src/modules/statistics/statistics.repository.js';
import { StatisticsService } from '../src/modules/statistics/statistics.service.js';
import { createRepositories } from '../src/server/context.js';
import { withSeededDatabase, type BenchDatabase } from './support.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000,1000000' },
    iterations: { type: 'string', default: '7' },
    'benefits-per-person': { type: 'string', default: '0' },
    measures: { type: 'string', default: Object.keys(MEASURES).join(',') },
    agencies: { type: 'string', default: 'MEDICAL_INSURANCE,ANALYST' },
    paths: { type: 'string', default: 'summaries' },
  },
});
const sizes = values.persons.split(',').map(Number);
const iterations = Number(values.iterations);
const benefitsPerPerson = Number(values['benefits-per-person']);
const measures = values.measures.split(',') as StatisticsMeasure[];
const agencies = values.agencies.split(',') as ('MEDICAL_INSURANCE' | 'ANALYST')[];
const paths = values.paths.split(',') as ('summaries' | 'rows')[];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const results = new Map<string, Map<number, { p50: number; p95: number }>>();

for (const persons of sizes) {
  await withSeededDatabase(
    persons,
    async ({ db, pool, seeded, asOwner }) => {
      const { rows } = await pool.query('SELECT (SELECT count(*) FROM benefit_record)::int AS benefits');
      console.log(`\n${seeded.persons} persons, ${rows[0].benefits} benefit records (seeded in ${seeded.seconds.toFixed(0)} s)`);
      const repositories = createRepositories(db, AuditKeyRing.generate());
      if (paths.includes('summaries')) {
        const started = performance.now();
        await pool.query('SELECT stat_rebuild()');
        await pool.query('ANALYZE stat_amount, stat_persons');
        const { rows: sizes } = await pool.query(
          'SELECT (SELECT count(*) FROM stat_amount)::int AS amounts, (SELECT count(*) FROM stat_persons)::int AS persons',
        );
        console.log(
          `summaries rebuilt from the rows in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
            `(${sizes[0].amounts} stat_amount rows, ${sizes[0].persons} stat_persons rows)`,
        );
        console.log(`one settled visit inserted: ${await insertCost(pool, asOwner)}`);
      }
      const repositories_ = { summaries: new StatisticsRepository(db), rows: new StatisticsRepository(db, { summaries: false }) };
      let repository = repositories_.summaries;
      const service = (agency: 'ANALYST' | 'MEDICAL_INSURANCE') => {
        const principal: Principal = {
          clientId: '00000000-0000-7000-8000-000000000000',
          agency,
          jurisdiction: '6207',
          purposes: [],
          jti: 'bench',
        };
        const writer = new AuditWriter(repositories.audit, {
          clientId: null,
          agency,
          jti: null,
          purpose: null,
          operationName: 'bench',
          documentHash: null,
        });
        return new StatisticsService(repository, principal, writer);
      };
      console.log('measure                      agency             path        p50 ms   p95 ms');
      for (const measure of measures) {
        for (const agency of agencies) {
          for (const path of paths) {
            repository = repositories_[path];
            const times: number[] = [];
            for (let i = 0; i < iterations; i++) {
              const started = performance.now();
              await service(agency).table({ measure, year: 2024, regionPrefix: '6207', by: ['REGION'] });
              times.push(performance.now() - started);
            }
            times.sort((a, b) => a - b);
            const figures = { p50: percentile(times, 50), p95: percentile(times, 95) };
            const key = `${measure.padEnd(28)} ${agency.padEnd(18)} ${path.padEnd(10)}`;
            if (!results.has(key)) results.set(key, new Map());
            results.get(key)!.set(persons, figures);
            console.log(`${key} ${figures.p50.toFixed(0).padStart(6)}   ${figures.p95.toFixed(0).padStart(6)}`);
          }
        }
      }
    },
    undefined,
    { benefitsPerPerson, withoutSummaryTriggers: paths.includes('summaries') },
  );
}

if (sizes.length > 1) {
  const [small, large] = [sizes[0]!, sizes.at(-1)!];
  console.log(`\np50 growth from ${small} to ${large} persons (×${(large / small).toFixed(0)} data)`);
  for (const [key, bySize] of results) {
    console.log(`${key} ×${(bySize.get(large)!.p50 / bySize.get(small)!.p50).toFixed(1)}`);
  }
}

/**
 * What keeping the summaries current costs one write: p50 of inserting one
 * settled visit (a copy of a seeded one, each its own statement), with the
 * summaries' trigger, and without it in a transaction rolled back (so the
 * summaries stay whole without a rebuild).
 */
async function insertCost(pool: pg.Pool, asOwner: BenchDatabase['asOwner']): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id FROM benefit_record WHERE kind = 'SETTLEMENT' AND claim_id NOT LIKE '%-copy%' ORDER BY id LIMIT 40",
  );
  const time = async (client: pg.Pool | pg.Client, ids: string[], tag: string) => {
    const times: number[] = [];
    for (const id of ids) {
      const started = performance.now();
      await client.query(
        `INSERT INTO benefit_record (id, claim_id, kind, person_id, service_date, year, visit_type, referral, in_province, total_cost,
           in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, category, claim_jurisdiction)
         SELECT gen_random_uuid(), left(claim_id, 50) || '-' || $2, kind, person_id, service_date, year, visit_type, referral, in_province,
           total_cost, in_policy_cost, basic_paid, critical_paid, other_paid, assistance_paid, tilt_paid, out_of_pocket, category,
           claim_jurisdiction
         FROM benefit_record WHERE id = $1`,
        [id, tag],
      );
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return percentile(times, 50);
  };
  const withTrigger = await time(
    pool,
    rows.slice(0, 20).map((row) => row.id),
    'on',
  );
  const without = await asOwner(async (client) => {
    await client.query('BEGIN');
    try {
      await client.query('ALTER TABLE benefit_record DISABLE TRIGGER stat_benefit_insert');
      return await time(
        client,
        rows.slice(20).map((row) => row.id),
        'off',
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });
  return `p50 ${withTrigger.toFixed(1)} ms with the summaries' trigger, ${without.toFixed(1)} ms without`;
}
