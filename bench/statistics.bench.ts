/**
 * Times statistics over a seeded embedded PostgreSQL: for each measure, the
 * answer an ANALYST client (jurisdiction Zhangye 6207, protected: the whole
 * measure group's families and the disclosure audit) and a medical-insurance
 * client (unprotected: one family) get for `by: [REGION]`, p50 and p95 over
 * the iterations, at each size; then how the p50 grows from the smallest
 * size to the largest. Prints figures; asserts nothing (machines are noisy).
 *
 *   npm run bench:statistics -- [--persons 100000,1000000] [--iterations 7]
 */
import { parseArgs } from 'node:util';
import type { Principal } from '../src/auth/principal.js';
import { AuditKeyRing } from '../src/modules/audit/audit.keys.js';
import { AuditWriter } from '../src/modules/audit/audit.writer.js';
import { MEASURES, type StatisticsMeasure } from '../src/modules/statistics/statistics.measures.js';
import { StatisticsRepository } from '../src/modules/statistics/statistics.repository.js';
import { StatisticsService } from '../src/modules/statistics/statistics.service.js';
import { createRepositories } from '../src/server/context.js';
import { withSeededDatabase } from './support.js';

const { values } = parseArgs({
  options: { persons: { type: 'string', default: '100000,1000000' }, iterations: { type: 'string', default: '7' } },
});
const sizes = values.persons.split(',').map(Number);
const iterations = Number(values.iterations);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const results = new Map<string, Map<number, { p50: number; p95: number }>>();

for (const persons of sizes) {
  await withSeededDatabase(persons, async ({ db, pool, seeded }) => {
    const { rows } = await pool.query('SELECT (SELECT count(*) FROM benefit_record)::int AS benefits');
    console.log(`\n${seeded.persons} persons, ${rows[0].benefits} benefit records (seeded in ${seeded.seconds.toFixed(0)} s)`);
    const repositories = createRepositories(db, AuditKeyRing.generate());
    const repository = new StatisticsRepository(db);
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
    console.log('measure                      agency             p50 ms   p95 ms');
    for (const measure of Object.keys(MEASURES) as StatisticsMeasure[]) {
      for (const agency of ['MEDICAL_INSURANCE', 'ANALYST'] as const) {
        const times: number[] = [];
        for (let i = 0; i < iterations; i++) {
          const started = performance.now();
          await service(agency).table({ measure, year: 2024, regionPrefix: '6207', by: ['REGION'] });
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const figures = { p50: percentile(times, 50), p95: percentile(times, 95) };
        const key = `${measure.padEnd(28)} ${agency.padEnd(18)}`;
        if (!results.has(key)) results.set(key, new Map());
        results.get(key)!.set(persons, figures);
        console.log(`${key} ${figures.p50.toFixed(0).padStart(6)}   ${figures.p95.toFixed(0).padStart(6)}`);
      }
    }
  });
}

if (sizes.length > 1) {
  const [small, large] = [sizes[0]!, sizes.at(-1)!];
  console.log(`\np50 growth from ${small} to ${large} persons (×${(large / small).toFixed(0)} data)`);
  for (const [key, bySize] of results) {
    console.log(`${key} ×${(bySize.get(large)!.p50 / bySize.get(small)!.p50).toFixed(1)}`);
  }
}
