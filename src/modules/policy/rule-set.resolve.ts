import type { Decimal } from 'decimal.js';
import { Money, roundFen } from '../../shared/money.js';
import { yearOf } from './policy.dates.js';
import { ParameterNotSetError, PolicyInputError } from './policy.errors.js';
import type { ActiveCategory, AssistanceCategory, IsoDate, RegionConfig, RuleSetId, VisitType } from './policy.types.js';
import {
  RULE_SETS,
  type AssistanceRule,
  type CapSpec,
  type ChildRule,
  type ClosedListRule,
  type CoverageRule,
  type DirectRule,
  type IncomeRule,
  type MonitoringRule,
  type OutOfCatalogRule,
  type RatioSpec,
  type RetroactiveRule,
  type RuleSetDefinition,
  type SubsidyRule,
  type ThresholdSpec,
  type TimingRule,
  type TopUpRule,
  type TreatedAsRule,
} from './rule-set.data.js';

/** Tilted assistance as it applies: stated by the rule set, configured by the region, or not configured. */
export type ResolvedTilt =
  | { readonly kind: 'tilt'; readonly above: Decimal; readonly share: Decimal; readonly citation: string }
  | { readonly kind: 'notSet'; readonly citation: string };

/** A rule set with its ancestors and the region's configuration, ready for the engines. */
export interface ResolvedRuleSet {
  readonly id: RuleSetId;
  readonly version: number;
  readonly effectiveFrom: IsoDate;
  readonly effectiveTo: IsoDate | null;
  readonly effectiveCitation: string;
  /** The rule set first, then its ancestors. */
  readonly chain: readonly RuleSetDefinition[];
  readonly config: RegionConfig;
  readonly base: { readonly citation: string };
  readonly highestApplies: string;
  readonly unreferred: string;
  readonly byCategory: string;
  /** Null for a rule set that assists every category it has rules for. */
  readonly assisted: ClosedListRule | null;
  readonly treatedAs: Partial<Record<AssistanceCategory, TreatedAsRule>>;
  readonly direct: DirectRule;
  readonly timing: TimingRule | null;
  readonly income: IncomeRule;
  readonly tilt: ResolvedTilt;
  readonly child: ChildRule | null;
  readonly topUps: readonly TopUpRule[];
  readonly retroactive: RetroactiveRule | null;
  readonly outOfCatalog: OutOfCatalogRule | null;
  readonly subsidies: readonly SubsidyRule[];
  readonly monitoring: readonly MonitoringRule[];
}

/** The numbers that settle one category for one visit type, each with its source. */
export interface AssistanceTerms {
  readonly category: AssistanceCategory;
  readonly class: number | null;
  readonly threshold: Decimal;
  readonly ratio: Decimal;
  readonly cap: Decimal;
  readonly citations: { readonly threshold: string; readonly ratio: string; readonly cap: string };
}

/** How a category's enrollment subsidy is computed, with its source. */
export type SubsidyTerms =
  | { readonly kind: 'full'; readonly citation: string }
  | { readonly kind: 'fixed'; readonly amount: Decimal; readonly citation: string }
  | { readonly kind: 'share'; readonly share: Decimal; readonly citation: string };

function chainOf(id: RuleSetId): RuleSetDefinition[] {
  const chain: RuleSetDefinition[] = [];
  for (let next: RuleSetId | undefined = id; next; next = RULE_SETS[next].inherits) chain.push(RULE_SETS[next]);
  return chain;
}

function nearest<K extends keyof RuleSetDefinition>(chain: readonly RuleSetDefinition[], key: K): RuleSetDefinition[K] | undefined {
  return chain.find((definition) => definition[key] !== undefined)?.[key];
}

function checkConfig(config: RegionConfig): void {
  const amounts: [string, Decimal | undefined][] = [
    ['config.income', config.income],
    ['config.monitoringThreshold', config.monitoringThreshold],
    ['config.tilt.threshold', config.tilt?.threshold],
  ];
  for (const key of ['thresholds', 'caps', 'subsidies'] as const) {
    for (const [category, value] of Object.entries(config[key] ?? {})) amounts.push([`config.${key}.${category}`, value]);
  }
  for (const [field, value] of amounts) {
    if (value && (value.isNegative() || value.decimalPlaces() > 2))
      throw new PolicyInputError(field, 'must be an amount ≥ 0 with at most two decimals');
  }
  const ratios: [string, Decimal][] = Object.entries(config.ratios ?? {}).map(([category, value]) => [`config.ratios.${category}`, value]);
  for (const [visitType, byCategory] of Object.entries(config.outpatientRatios ?? {})) {
    for (const [category, value] of Object.entries(byCategory ?? {}))
      ratios.push([`config.outpatientRatios.${visitType}.${category}`, value]);
  }
  if (config.tilt) ratios.push(['config.tilt.ratio', config.tilt.ratio]);
  for (const [field, value] of ratios) {
    if (value.isNegative() || value.greaterThan(1)) throw new PolicyInputError(field, 'must be between 0 and 1');
  }
}

function tiltOf(chain: readonly RuleSetDefinition[], config: RegionConfig): ResolvedTilt {
  const stated = nearest(chain, 'tilt')!;
  if (config.tilt) {
    return {
      kind: 'tilt',
      above: config.tilt.threshold,
      share: config.tilt.ratio,
      citation: `region configuration (source: ${stated.citation})`,
    };
  }
  if (stated.kind === 'notSet') return stated;
  return { kind: 'tilt', above: new Money(stated.above), share: new Money(stated.share), citation: stated.citation };
}

/**
 * Resolves a rule set with inheritance and the region's configuration.
 * Missing parameters are not reported here but when a category needs them
 * (`assistanceTerms`, `subsidyTerms`): a region configures only what its
 * people need.
 */
export function resolveRuleSet(id: RuleSetId, config: RegionConfig = {}): ResolvedRuleSet {
  checkConfig(config);
  const chain = chainOf(id);
  const leaf = chain[0]!;
  return {
    id,
    version: leaf.version,
    effectiveFrom: leaf.effectiveFrom,
    effectiveTo: leaf.effectiveTo ?? null,
    effectiveCitation: leaf.effectiveCitation,
    chain,
    config,
    // national-2021 defines these, so every chain has them.
    base: nearest(chain, 'base')!,
    highestApplies: nearest(chain, 'highestApplies')!,
    unreferred: nearest(chain, 'unreferred')!,
    byCategory: nearest(chain, 'byCategory')!,
    direct: nearest(chain, 'direct')!,
    income: nearest(chain, 'income')!,
    tilt: tiltOf(chain, config),
    assisted: nearest(chain, 'assisted') ?? null,
    treatedAs: leaf.treatedAs ?? {},
    timing: nearest(chain, 'timing') ?? null,
    child: nearest(chain, 'child') ?? null,
    topUps: nearest(chain, 'topUps') ?? [],
    retroactive: nearest(chain, 'retroactive') ?? null,
    outOfCatalog: nearest(chain, 'outOfCatalog') ?? null,
    subsidies: leaf.subsidies,
    monitoring: leaf.monitoring,
  };
}

/** Refuses a date outside the rule set's period of force. */
export function assertInForce(ruleSet: ResolvedRuleSet, date: IsoDate, field: string): void {
  if (date < ruleSet.effectiveFrom) {
    throw new PolicyInputError(
      field,
      `${date} is before ${ruleSet.id} takes effect on ${ruleSet.effectiveFrom} (${ruleSet.effectiveCitation})`,
    );
  }
  if (ruleSet.effectiveTo !== null && date > ruleSet.effectiveTo) {
    throw new PolicyInputError(field, `${date} is after ${ruleSet.id} ends on ${ruleSet.effectiveTo}`);
  }
}

/** Refuses a benefit year that ends before the rule set takes effect. */
export function assertYearInForce(ruleSet: ResolvedRuleSet, year: number, field: string): void {
  if (year < yearOf(ruleSet.effectiveFrom))
    throw new PolicyInputError(field, `${year} is before ${ruleSet.id} takes effect on ${ruleSet.effectiveFrom}`);
  if (ruleSet.effectiveTo !== null && year > yearOf(ruleSet.effectiveTo))
    throw new PolicyInputError(field, `${year} is after ${ruleSet.id} ends on ${ruleSet.effectiveTo}`);
}

function classMismatch(
  ruleSet: RuleSetId,
  category: AssistanceCategory,
  rules: readonly { classes?: readonly number[] }[],
): PolicyInputError {
  const classes = [...new Set(rules.flatMap((rule) => rule.classes ?? []))].sort().join(', ');
  return new PolicyInputError('categories.class', `${ruleSet} needs the class (${classes}) of ${category}`);
}

type SpecOf<P extends 'threshold' | 'ratio' | 'cap'> = NonNullable<AssistanceRule[P]>;

/**
 * The nearest rule set's definition of a parameter for this category, class
 * and visit type. Null only when the definition depends on a class the
 * category lacks and the region configures the parameter for every class.
 */
function lookup<P extends 'threshold' | 'ratio' | 'cap'>(
  ruleSet: ResolvedRuleSet,
  parameter: P,
  active: ActiveCategory,
  visitType: VisitType,
  configured: boolean,
): SpecOf<P> | null {
  const alias = ruleSet.treatedAs[active.category]?.as;
  for (const [depth, definition] of ruleSet.chain.entries()) {
    // The leaf states the category's own numbers; its ancestors are read for the category it is treated as.
    const category = depth > 0 && alias ? alias : active.category;
    const defining = definition.assistance.filter(
      (rule) => rule[parameter] && rule.categories.includes(category) && (!rule.visitTypes || rule.visitTypes.includes(visitType)),
    );
    if (defining.length === 0) continue;
    const match = defining.find((rule) => !rule.classes || (active.class != null && rule.classes.includes(active.class)));
    if (match) return match[parameter] as SpecOf<P>;
    // A class-dependent parameter with no matching class must not fall back to the parent's generic number.
    if (configured) return null;
    throw classMismatch(ruleSet.id, active.category, defining);
  }
  throw new ParameterNotSetError(ruleSet.id, active.category, parameter);
}

function configured(spec: { citation: string } | null, ruleSet: ResolvedRuleSet): string {
  return `region configuration (source: ${spec?.citation ?? ruleSet.id})`;
}

/** A region's value for the category, or for the category it is treated as when it has none of its own. */
function configuredFor<V>(
  ruleSet: ResolvedRuleSet,
  values: Partial<Record<AssistanceCategory, V>> | undefined,
  category: AssistanceCategory,
) {
  const alias = ruleSet.treatedAs[category]?.as;
  return values?.[category] ?? (alias ? values?.[alias] : undefined);
}

function threshold(ruleSet: ResolvedRuleSet, active: ActiveCategory, visitType: VisitType): [Decimal, string] {
  const override = configuredFor(ruleSet, ruleSet.config.thresholds, active.category);
  const spec = lookup(ruleSet, 'threshold', active, visitType, override !== undefined);
  if (override) return [override, configured(spec, ruleSet)];
  // lookup returns null only when an override exists.
  const stated: ThresholdSpec = spec!;
  if (stated.kind === 'notSet') throw new ParameterNotSetError(ruleSet.id, active.category, 'threshold');
  if (stated.kind === 'amount') return [new Money(stated.amount), stated.citation];
  const income = ruleSet.config.income;
  if (!income) throw new ParameterNotSetError(ruleSet.id, active.category, 'income');
  // A threshold is money: kept to the fen so the accumulators stay two-decimal.
  return [roundFen(income.times(stated.share)), `${stated.citation} × income ${income.toFixed(2)}`];
}

function ratio(ruleSet: ResolvedRuleSet, active: ActiveCategory, visitType: VisitType): [Decimal, string] {
  // Configured ratios replace the inpatient ratio only; outpatient ratios are configured per visit type (domain.md §5.1).
  const configuredRatios = visitType === 'INPATIENT' ? ruleSet.config.ratios : ruleSet.config.outpatientRatios?.[visitType];
  const override = configuredFor(ruleSet, configuredRatios, active.category);
  const spec = lookup(ruleSet, 'ratio', active, visitType, override !== undefined);
  if (override) {
    if (spec?.kind === 'ratio' && spec.atLeast && override.lessThan(spec.ratio)) {
      throw new PolicyInputError(
        visitType === 'INPATIENT' ? `config.ratios.${active.category}` : `config.outpatientRatios.${visitType}.${active.category}`,
        `${override.toString()} is below the floor ${spec.ratio} (${spec.citation})`,
      );
    }
    return [override, configured(spec, ruleSet)];
  }
  const stated: RatioSpec = spec!;
  if (stated.kind === 'notSet') throw new ParameterNotSetError(ruleSet.id, active.category, 'ratio', visitType);
  return [new Money(stated.ratio), stated.citation];
}

function cap(ruleSet: ResolvedRuleSet, active: ActiveCategory, visitType: VisitType): [Decimal, string] {
  const override = configuredFor(ruleSet, ruleSet.config.caps, active.category);
  const spec = lookup(ruleSet, 'cap', active, visitType, override !== undefined);
  if (override) return [override, configured(spec, ruleSet)];
  const stated: CapSpec = spec!;
  if (stated.kind === 'notSet') throw new ParameterNotSetError(ruleSet.id, active.category, 'cap');
  return [new Money(stated.amount), stated.citation];
}

/** False for a category outside the rule set's closed list: no candidate, never a missing parameter. */
export function isAssisted(ruleSet: ResolvedRuleSet, category: AssistanceCategory): boolean {
  return ruleSet.assisted === null || ruleSet.assisted.categories.includes(category);
}

/** The coverage restriction for a visit type, if a rule set in the chain states one. */
export function coverageFor(ruleSet: ResolvedRuleSet, visitType: VisitType): CoverageRule | null {
  return ruleSet.chain.find((definition) => definition.coverage?.[visitType])?.coverage?.[visitType] ?? null;
}

/**
 * The threshold, ratio and cap of a category for a visit type; null when the
 * rule set gives that category no assistance for that visit type. Throws
 * `ParameterNotSetError` (threshold, then ratio, then cap) when the source and
 * the configuration leave one unset.
 */
export function assistanceTerms(ruleSet: ResolvedRuleSet, active: ActiveCategory, visitType: VisitType): AssistanceTerms | null {
  if (!isAssisted(ruleSet, active.category)) return null;
  const coverage = coverageFor(ruleSet, visitType);
  if (coverage && !coverage.categories.includes(active.category)) return null;
  const [thresholdValue, thresholdCitation] = threshold(ruleSet, active, visitType);
  const [ratioValue, ratioCitation] = ratio(ruleSet, active, visitType);
  const [capValue, capCitation] = cap(ruleSet, active, visitType);
  return {
    category: active.category,
    class: active.class ?? null,
    threshold: thresholdValue,
    ratio: ratioValue,
    cap: capValue,
    citations: { threshold: thresholdCitation, ratio: ratioCitation, cap: capCitation },
  };
}

/**
 * How a category's enrollment subsidy for a benefit year is computed; null
 * when the rule set's table does not list the category (no subsidy). Throws
 * `ParameterNotSetError` when the table lists it but states no amount for
 * that year and the region has configured none.
 */
export function subsidyTerms(ruleSet: ResolvedRuleSet, active: ActiveCategory, year: number): SubsidyTerms | null {
  const override = ruleSet.config.subsidies?.[active.category];
  const listed = ruleSet.subsidies.filter((rule) => rule.categories.includes(active.category));
  const ofYear = (rule: SubsidyRule) => (rule.years?.from ?? -Infinity) <= year && year <= (rule.years?.to ?? Infinity);
  // A period that has ended (the transition period of monitored people after 2025) pays nothing, configured or not.
  if (listed.some((rule) => rule.subsidy.kind === 'none' && ofYear(rule))) return null;
  if (override) return { kind: 'fixed', amount: override, citation: configured(listed[0] ?? null, ruleSet) };
  if (listed.length === 0) return null;
  const ofClass = listed.filter((rule) => !rule.classes || (active.class != null && rule.classes.includes(active.class)));
  if (ofClass.length === 0) throw classMismatch(ruleSet.id, active.category, listed);
  const rule = ofClass.find(ofYear);
  if (!rule || rule.subsidy.kind === 'notSet' || rule.subsidy.kind === 'none')
    throw new ParameterNotSetError(ruleSet.id, active.category, 'subsidy');
  const { subsidy, citation } = rule;
  if (subsidy.kind === 'full') return { kind: 'full', citation };
  if (subsidy.kind === 'fixed') return { kind: 'fixed', amount: new Money(subsidy.amount), citation };
  return { kind: 'share', share: new Money(subsidy.share), citation };
}
