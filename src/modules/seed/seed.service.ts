import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { log } from '../../shared/log.js';
import { PolicyInputError } from '../policy/policy.errors.js';
import type { RegionConfig } from '../policy/policy.types.js';
import { incomeScope, regionConfigJson, type RegionConfigVersion } from '../policy/region-config.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { DEMO_CONFIG_NOTE, demoRegionConfigs, regionPrefix } from './seed.config.js';
import { countiesOf } from './seed.data.js';
import { generateHouseholds, type SeedOptions } from './seed.generator.js';
import { enginePolicy, ruleSetOn, uuidV7 } from './seed.policy.js';
import { SeedRepository, type RegionConfigRow, type SeedBatch } from './seed.repository.js';

const BATCH_PERSONS = 5_000;

/**
 * What a seed run stored: rows inserted, not rows generated (`generated`),
 * so that a second identical run reports zeros.
 */
export interface SeedReport {
  /** Persons the options generate, stored now or by an earlier run. */
  generated: number;
  persons: number;
  statuses: number;
  enrollments: number;
  benefits: number;
  alerts: number;
  seconds: number;
}

/** Refuses a year whose visits could fall before any rule set of the hub governs. */
function assertGoverned(counties: readonly string[], year: number): void {
  try {
    for (const county of counties) governingRuleSet(county, `${year}-01-01`);
  } catch (error) {
    if (error instanceof PolicyInputError)
      throw new Error(`cannot seed ${year}: ${error.reason}, so its visits could not be settled; choose a later --year`, { cause: error });
    throw error;
  }
}

function usesProvincialIncome(county: string, date: string): boolean {
  const ruleSet = ruleSetOn(county, date);
  return ruleSet !== null && incomeScope(ruleSet) === 'PROVINCE';
}

/**
 * The configuration versions the seed settles with: those stored for the
 * seed's counties, for the year and for the previous one (whose enrollments
 * the generator also makes), plus demo versions for a year in which some
 * county has none. The demo versions are returned apart, to be stored with
 * the first batch: a seed that fails stores nothing, not even them.
 */
async function regionConfigsFor(
  repository: SeedRepository,
  { region, year }: SeedOptions,
  counties: readonly string[],
): Promise<{ versions: RegionConfigVersion[]; added: RegionConfigRow[] }> {
  const years = [year - 1, year].filter((y) => counties.every((county) => ruleSetOn(county, `${y}-01-01`) !== null));
  const versions = await repository.regionConfigs(counties, years);
  const added: RegionConfigRow[] = [];
  for (const y of years) {
    if (counties.every((county) => versions.some((v) => v.year === y && county.startsWith(v.regionCode)))) continue;
    const regionCode = regionPrefix(region);
    log.info(
      `no region configuration for ${regionCode} in ${y}: settling with a demo one, stored with the first batch (${DEMO_CONFIG_NOTE})`,
    );
    const add = (code: string, effectiveFrom: string, config: RegionConfig) => {
      const id = uuidV7(Date.now(), randomBytes(10));
      versions.push({ id, regionCode: code, year: y, effectiveFrom, createdAt: new Date(), config });
      added.push({ id, regionCode: code, year: y, effectiveFrom, parameters: regionConfigJson(config), note: DEMO_CONFIG_NOTE });
    };
    for (const { effectiveFrom, config } of demoRegionConfigs(region, y)) {
      const { income, ...local } = config;
      const provincial =
        regionCode.length > 2 && income !== undefined && counties.some((county) => usesProvincialIncome(county, effectiveFrom));
      if (!provincial) {
        add(regionCode, effectiveFrom, config);
        continue;
      }
      // The rule set reads the income from the province's version only (shanxi-2022): a city's would be ignored.
      add(regionCode, effectiveFrom, local);
      const province = regionCode.slice(0, 2);
      if (!versions.some((version) => version.regionCode === province && version.year === y)) add(province, effectiveFrom, { income });
    }
  }
  return { versions, added };
}

/**
 * Generates and stores demo data in batches, each in its own transaction,
 * reporting progress on stderr. Subsidies, settlements and alerts are the
 * policy engine's, with the region's configuration (a demo one when the
 * region has none). Re-running the same options stores nothing twice, so an
 * interrupted run can simply be run again.
 */
export async function seed(
  pool: pg.Pool,
  options: SeedOptions,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SeedReport> {
  const repository = new SeedRepository(pool);
  const started = performance.now();
  const counties = countiesOf(options.region);
  assertGoverned(counties, options.year);
  const { versions, added } = await regionConfigsFor(repository, options, counties);
  const policy = enginePolicy(versions);
  const report: SeedReport = { generated: 0, persons: 0, statuses: 0, enrollments: 0, benefits: 0, alerts: 0, seconds: 0 };
  let batch = { ...emptyBatch(), regionConfigs: added };
  let writing = Promise.resolve();
  const flush = async () => {
    const full = batch;
    batch = emptyBatch();
    // One batch is written while the next is generated and settled, so that the database and the engine work at once.
    await writing;
    writing = repository.insertBatch(full).then((inserted) => {
      report.generated += full.persons.length;
      report.persons += inserted.persons;
      report.statuses += inserted.statuses;
      report.enrollments += inserted.enrollments;
      report.benefits += inserted.benefits;
      report.alerts += inserted.alerts;
      onProgress(report.generated, options.persons);
    });
    // Awaited before the next batch or the end; until then a failure must not count as unhandled.
    writing.catch(() => {});
  };
  try {
    let households = 0;
    for (const generated of generateHouseholds(options)) {
      batch.households.push(generated.household);
      batch.persons.push(...generated.persons);
      batch.statuses.push(...generated.statuses);
      for (const person of generated.persons) {
        const statuses = generated.statuses.filter((s) => s.personId === person.id);
        batch.enrollments.push(
          ...generated.enrollments.filter((e) => e.personId === person.id).map((e) => policy.subsidize(person, statuses, e)),
        );
        const settled = policy.settle(
          person,
          statuses,
          generated.visits.filter((v) => v.personId === person.id),
        );
        batch.benefits.push(...settled.benefits);
        batch.alerts.push(...settled.alerts);
      }
      if (batch.persons.length >= BATCH_PERSONS) await flush();
      // Generating never waits otherwise: this lets the batch being written send its next statement.
      else if ((households += 1) % 64 === 0) await new Promise(setImmediate);
    }
    if (batch.persons.length > 0) await flush();
  } catch (error) {
    // What stopped the generation is the error to report; the batch being written ends first, stored or not.
    await writing.catch(() => {});
    throw error;
  }
  await writing;
  await repository.keepStatisticsYears();
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function emptyBatch(): SeedBatch {
  return { regionConfigs: [], households: [], persons: [], statuses: [], enrollments: [], benefits: [], alerts: [] };
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
      `stored ${report.persons} persons, ${report.statuses} statuses, ${report.enrollments} enrollments, ${report.benefits} benefit records, ${report.alerts} alerts in ${report.seconds.toFixed(1)} s`,
    );
  }
  return true;
}
