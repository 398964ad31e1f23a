import { formatDate } from '../../shared/dates.js';
import { formatMoney, Money } from '../../shared/money.js';
import { parseRegionConfig } from '../policy/policy-case.js';
import { ParameterNotSetError } from '../policy/policy.errors.js';
import {
  VISIT_TYPES,
  type ActiveCategory,
  type AssistanceCategory,
  type IsoDate,
  type RegionConfig,
  type RuleSetId,
} from '../policy/policy.types.js';
import type { RegionConfigJson } from '../policy/region-config.js';
import { governingRuleSet } from '../policy/rule-set.data.js';
import { assistanceTerms, resolveRuleSet, subsidyTerms } from '../policy/rule-set.resolve.js';
import { CHILD_PREVALENCE, countiesOf, HOUSEHOLD_PREVALENCE, RURAL_HOUSEHOLD_PREVALENCE } from './seed.data.js';

/** The note every demo configuration carries, so that nobody mistakes its numbers for a region's policy. */
export const DEMO_CONFIG_NOTE = 'demo values for fictitious data, not policy';

/** A demo configuration and the day it takes effect. */
export interface DemoRegionConfig {
  readonly effectiveFrom: IsoDate;
  readonly config: RegionConfig;
}

/**
 * Fictitious previous-year per-capita disposable incomes, of the order of the
 * published ones so that income-based thresholds look like real ones: Zhejiang
 * well above the national figure, Gansu and Shanxi below it.
 */
const DEMO_INCOME: Readonly<Record<string, string>> = { '33': '68000.00', '62': '26000.00', '14': '30000.00' };
const DEMO_INCOME_ELSEWHERE = '40000.00';

/**
 * Demo numbers for the parameters a source leaves to the region: a threshold
 * of a tenth of the income and a ratio just below the national 70 %, as
 * national-2021 (五) sketches them for "other" categories; a cap, fixed
 * subsidy and annual-burden alert threshold of the order the regional sources
 * state for their own categories.
 */
const DEMO_THRESHOLD_SHARE = '0.10';
const DEMO_RATIO = '0.60';
const DEMO_CAP = '50000.00';
const DEMO_SUBSIDY = '200.00';
const DEMO_MONITORING_THRESHOLD = '10000.00';

/** Every category and MINIMUM_LIVING class the generator certifies (seed.generator.ts draws classes 1–4). */
const GENERATED: readonly ActiveCategory[] = (
  [
    ...Object.keys(HOUSEHOLD_PREVALENCE),
    ...Object.keys(RURAL_HOUSEHOLD_PREVALENCE),
    ...Object.keys(CHILD_PREVALENCE),
  ] as AssistanceCategory[]
).flatMap((category): ActiveCategory[] =>
  category === 'MINIMUM_LIVING' ? [1, 2, 3, 4].map((cls) => ({ category, class: cls })) : [{ category }],
);

/**
 * The prefix form of a region code (620700 → 6207, 140000 → 14): a
 * configuration applies to the codes it prefixes, and the counties of city
 * 620700 are 6207xx, not 620700xx.
 */
export function regionPrefix(regionCode: string): string {
  if (regionCode.endsWith('0000')) return regionCode.slice(0, 2);
  return regionCode.endsWith('00') ? regionCode.slice(0, 4) : regionCode;
}

/**
 * The days of `year` from which the rule sets governing `counties` change,
 * with those rule sets: a configuration states parameters for every rule set
 * of its period, so a rule set taking effect mid-year (gansu-2023 on 1 July)
 * needs a version of its own or the demo values filling its predecessor's
 * gaps would override what it states.
 */
function governingPeriods(counties: readonly string[], year: number): { from: IsoDate; ruleSets: RuleSetId[] }[] {
  const periods: { from: IsoDate; ruleSets: RuleSetId[] }[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    const date = formatDate(new Date(day));
    const ruleSets = [...new Set(counties.map((county) => governingRuleSet(county, date)))].sort();
    if (periods.at(-1)?.ruleSets.join() !== ruleSets.join()) periods.push({ from: date, ruleSets });
  }
  return periods;
}

/**
 * Fills the parameters the rule sets of one period leave unset for the
 * generated categories, classes and visit types (and, from 1 January, the
 * subsidies of that benefit year), by asking the engine what it misses until
 * it misses nothing. A parameter a rule set states is never added, so never
 * overridden.
 */
function fillPeriod(ruleSets: readonly RuleSetId[], province: string, subsidyYear: number | null): RegionConfig {
  const income = DEMO_INCOME[province] ?? DEMO_INCOME_ELSEWHERE;
  const json: RegionConfigJson = {};
  const add = ({ category, parameter, visitType }: ParameterNotSetError): void => {
    if (parameter === 'income') json.income = income;
    else if (parameter === 'threshold') (json.thresholds ??= {})[category] = formatMoney(new Money(income).times(DEMO_THRESHOLD_SHARE));
    else if (parameter === 'ratio' && visitType && visitType !== 'INPATIENT')
      ((json.outpatientRatios ??= {})[visitType] ??= {})[category] = DEMO_RATIO;
    else if (parameter === 'ratio') (json.ratios ??= {})[category] = DEMO_RATIO;
    else if (parameter === 'cap') (json.caps ??= {})[category] = DEMO_CAP;
    else (json.subsidies ??= {})[category] = DEMO_SUBSIDY;
  };
  const fillUntilSet = (probe: (config: RegionConfig) => unknown): void => {
    const filled = new Set<string>();
    for (;;) {
      try {
        probe(parseRegionConfig(json));
        return;
      } catch (error) {
        if (!(error instanceof ParameterNotSetError)) throw error;
        const key = `${error.category}/${error.parameter}/${error.visitType}`;
        // Adding the same parameter twice would loop forever: the engine then misses something the demo cannot give.
        if (filled.has(key)) throw error;
        filled.add(key);
        add(error);
      }
    }
  };
  for (const id of ruleSets) {
    for (const active of GENERATED) {
      for (const visitType of VISIT_TYPES) fillUntilSet((config) => assistanceTerms(resolveRuleSet(id, config), active, visitType));
      if (subsidyYear !== null) fillUntilSet((config) => subsidyTerms(resolveRuleSet(id, config), active, subsidyYear));
    }
    if (resolveRuleSet(id).monitoring.some((rule) => rule.kind === 'year' && typeof rule.threshold !== 'string'))
      json.monitoringThreshold = DEMO_MONITORING_THRESHOLD;
  }
  return parseRegionConfig(json);
}

/**
 * Demo configurations of `regionCode` for `year`: one version from 1 January,
 * and one more from each day a rule set takes effect during the year. Each
 * fills exactly what its rule sets leave to the region for the data the
 * generator produces; the numbers are fictitious ({@link DEMO_CONFIG_NOTE}).
 * Throws `PolicyInputError` for a year that begins before any rule set governs.
 */
export function demoRegionConfigs(regionCode: string, year: number): DemoRegionConfig[] {
  const province = regionCode.slice(0, 2);
  return governingPeriods(countiesOf(regionCode), year).map(({ from, ruleSets }, index) => ({
    effectiveFrom: from,
    // A benefit year's subsidy follows the rule set and configuration of its 1 January.
    config: fillPeriod(ruleSets, province, index === 0 ? year : null),
  }));
}
