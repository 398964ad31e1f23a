import type pg from 'pg';
import { log } from '../../shared/log.js';
import { generateHouseholds, type SeedOptions } from './seed.generator.js';
import { seedPolicy } from './seed.policy.js';
import { SeedRepository, type SeedBatch } from './seed.repository.js';

const BATCH_PERSONS = 5_000;

/** What a seed run stored. */
export interface SeedReport {
  persons: number;
  statuses: number;
  enrollments: number;
  benefits: number;
  seconds: number;
}

/**
 * Generates and stores demo data in batches, each in its own transaction,
 * reporting progress on stderr. Re-running the same options stores nothing
 * twice, so an interrupted run can simply be run again.
 */
export async function seed(
  pool: pg.Pool,
  options: SeedOptions,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SeedReport> {
  const repository = new SeedRepository(pool);
  const started = performance.now();
  const report: SeedReport = { persons: 0, statuses: 0, enrollments: 0, benefits: 0, seconds: 0 };
  let batch = emptyBatch();
  const flush = async () => {
    await repository.insertBatch(batch);
    report.persons += batch.persons.length;
    report.statuses += batch.statuses.length;
    report.enrollments += batch.enrollments.length;
    report.benefits += batch.benefits.length;
    onProgress(report.persons, options.persons);
    batch = emptyBatch();
  };
  for (const generated of generateHouseholds(options)) {
    batch.households.push(generated.household);
    batch.persons.push(...generated.persons);
    batch.statuses.push(...generated.statuses);
    for (const person of generated.persons) {
      const statuses = generated.statuses.filter((s) => s.personId === person.id);
      batch.enrollments.push(
        ...generated.enrollments.filter((e) => e.personId === person.id).map((e) => seedPolicy.subsidize(person, statuses, e)),
      );
      batch.benefits.push(
        ...seedPolicy.settle(
          person,
          statuses,
          generated.visits.filter((v) => v.personId === person.id),
        ),
      );
    }
    if (batch.persons.length >= BATCH_PERSONS) await flush();
  }
  if (batch.persons.length > 0) await flush();
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function emptyBatch(): SeedBatch {
  return { households: [], persons: [], statuses: [], enrollments: [], benefits: [] };
}

/** The demo data loaded on a first start: two regions with their own rule sets. */
export const DEMO_DATA: SeedOptions[] = [
  { persons: 3_000, region: '620700', year: 2024, seed: 1 },
  { persons: 2_000, region: '330400', year: 2024, seed: 1 },
];

/** Loads the demo data when the database holds no person yet; true when it did. */
export async function seedIfEmpty(pool: pg.Pool): Promise<boolean> {
  if (!(await new SeedRepository(pool).isEmpty())) return false;
  for (const options of DEMO_DATA) {
    log.info(`loading demo data: ${options.persons} fictitious persons in ${options.region} for ${options.year}`);
    const report = await seed(pool, options);
    log.info(
      `stored ${report.persons} persons, ${report.statuses} statuses, ${report.enrollments} enrollments, ${report.benefits} benefit records in ${report.seconds.toFixed(1)} s`,
    );
  }
  return true;
}
