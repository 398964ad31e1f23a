import type { Decimal } from 'decimal.js';
import type { AssistanceCategory, IsoDate, OutpatientVisitType, RegionConfig, RuleSetId } from './policy.types.js';
import { RULE_SETS } from './rule-set.data.js';

/** A region configuration as JSON: decimal strings, never numbers, so no amount passes through a float. */
export interface RegionConfigJson {
  income?: string;
  thresholds?: Partial<Record<AssistanceCategory, string>>;
  caps?: Partial<Record<AssistanceCategory, string>>;
  ratios?: Partial<Record<AssistanceCategory, string>>;
  outpatientRatios?: Partial<Record<OutpatientVisitType, Partial<Record<AssistanceCategory, string>>>>;
  subsidies?: Partial<Record<AssistanceCategory, string>>;
  tilt?: { threshold: string; ratio: string };
  monitoringThreshold?: string;
}

const BY_CATEGORY = ['thresholds', 'caps', 'ratios', 'subsidies'] as const;

function texts(values: Partial<Record<AssistanceCategory, Decimal>>, ratio: boolean): Partial<Record<AssistanceCategory, string>> {
  return Object.fromEntries(Object.entries(values).map(([category, value]) => [category, ratio ? value.toString() : value.toFixed(2)]));
}

/** The JSON form of a configuration, the inverse of `parseRegionConfig` (amounts with two decimals). */
export function regionConfigJson(config: RegionConfig): RegionConfigJson {
  const json: RegionConfigJson = {};
  if (config.income) json.income = config.income.toFixed(2);
  for (const key of BY_CATEGORY) {
    const values = config[key];
    if (values && Object.keys(values).length > 0) json[key] = texts(values, key === 'ratios');
  }
  const outpatient = Object.entries(config.outpatientRatios ?? {}).filter(([, values]) => values && Object.keys(values).length > 0);
  if (outpatient.length > 0) json.outpatientRatios = Object.fromEntries(outpatient.map(([type, values]) => [type, texts(values!, true)]));
  if (config.tilt) json.tilt = { threshold: config.tilt.threshold.toFixed(2), ratio: config.tilt.ratio.toString() };
  if (config.monitoringThreshold) json.monitoringThreshold = config.monitoringThreshold.toFixed(2);
  return json;
}

/** One stored version of a region's configuration. */
export interface RegionConfigVersion {
  readonly id: string;
  /** Region-code prefix: 2, 4 or 6 digits. */
  readonly regionCode: string;
  readonly year: number;
  readonly effectiveFrom: IsoDate;
  readonly createdAt: Date;
  readonly config: RegionConfig;
}

/**
 * The version that governs `regionCode` on `date`: of the versions of the
 * date's year whose prefix matches, the most specific prefix wins (a city's
 * configuration over its province's, never merged: a region states its
 * parameters whole), then the latest `effectiveFrom` not after the date, then
 * the latest stored. Null when none does: every parameter is then unset.
 */
export function configInForce<V extends RegionConfigVersion>(versions: readonly V[], regionCode: string, date: IsoDate): V | null {
  const year = Number(date.slice(0, 4));
  let best: V | null = null;
  for (const version of versions) {
    if (version.year !== year || !regionCode.startsWith(version.regionCode) || version.effectiveFrom > date) continue;
    if (!best || rank(version) > rank(best)) best = version;
  }
  return best;
}

/** Which income a rule set's income-share thresholds use (domain.md §5.1): the pooling region's or the province's. */
export function incomeScope(ruleSet: RuleSetId): 'POOLING_REGION' | 'PROVINCE' {
  for (let id: RuleSetId | undefined = ruleSet; id; id = RULE_SETS[id].inherits) {
    const rule = RULE_SETS[id].income;
    if (rule) return rule.scope;
  }
  return 'POOLING_REGION';
}

/**
 * The version that governs `regionCode` on `date` under `ruleSet`, as the engine must read it. A rule set whose
 * thresholds use the provincial income (shanxi-2022 全省上年居民人均可支配收入) takes the income from the
 * province's version in force, never from a city's or county's: without one the income is not set.
 */
export function configForRuleSet<V extends RegionConfigVersion>(
  versions: readonly V[],
  regionCode: string,
  date: IsoDate,
  ruleSet: RuleSetId,
): V | null {
  const version = configInForce(versions, regionCode, date);
  if (!version || version.regionCode.length === 2 || incomeScope(ruleSet) !== 'PROVINCE') return version;
  const province = configInForce(
    versions.filter((candidate) => candidate.regionCode.length === 2),
    regionCode,
    date,
  );
  const { income: _local, ...rest } = version.config;
  return { ...version, config: province?.config.income ? { ...rest, income: province.config.income } : rest };
}

function rank(version: RegionConfigVersion): string {
  return `${version.regionCode.length}|${version.effectiveFrom}|${version.createdAt.toISOString()}`;
}
