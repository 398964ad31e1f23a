import type { Decimal } from 'decimal.js';
import { formatMoney, isAmount, Money, ZERO } from '../../shared/money.js';
import { alertsForSettlement } from './monitoring.engine.js';
import { isIsoDate } from './policy.dates.js';
import { ParameterNotSetError, PolicyInputError } from './policy.errors.js';
import {
  ASSISTANCE_CATEGORIES,
  PROVIDER_FEE_CLASSES,
  REFERRALS,
  RESIDENCES,
  RULE_SET_IDS,
  VISIT_TYPES,
  type Accumulators,
  type ActiveCategory,
  type Applications,
  type AssistanceCategory,
  type IsoDate,
  type RegionConfig,
  type Residence,
  type RuleSetId,
  type Visit,
} from './policy.types.js';
import { isRuleSetId } from './rule-set.data.js';
import { resolveRuleSet, type ResolvedRuleSet } from './rule-set.resolve.js';
import { activeCategoriesOn, settle } from './settlement.engine.js';
import { quoteSubsidy } from './subsidy.engine.js';

/** A policy case file that does not follow `policy-cases/README.md`; the message starts with the field at fault. */
export class PolicyCaseError extends Error {
  /**
   * @param field  path of the offending field, e.g. `visit.totalCost`
   * @param reason what is wrong with it
   */
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PolicyCaseError';
  }
}

/** A category a case's person holds, as the case states it. */
export interface CaseCategory extends ActiveCategory {
  /** The certification's valid-from date; absent: the category counts as active on the case's date. */
  readonly validFrom?: IsoDate;
  /** Certified because of illness spending, with the rule set's retroactive window (jiaxing-2023 二(二)7). */
  readonly retroactive?: boolean;
  /** Whether an approved application covers the service date; the format's default is true. */
  readonly applicationApproved: boolean;
}

/** The person of a case. */
export interface CasePerson {
  readonly birthDate: IsoDate;
  readonly residence: Residence;
  readonly categories: readonly CaseCategory[];
}

/** A validated settlement case (domain.md §5). */
export interface SettlementCase {
  readonly kind: 'settlement';
  readonly name: string;
  readonly ruleSet: RuleSetId;
  readonly serviceDate: IsoDate;
  readonly person: CasePerson;
  readonly ytd: Accumulators;
  readonly visit: Visit;
  readonly config: RegionConfig;
}

/** A validated subsidy case (domain.md §4). */
export interface SubsidyCase {
  readonly kind: 'subsidy';
  readonly name: string;
  readonly ruleSet: RuleSetId;
  readonly year: number;
  readonly personalContribution: Decimal;
  readonly person: CasePerson;
  readonly config: RegionConfig;
}

/** A validated policy case. */
export type PolicyCase = SettlementCase | SubsidyCase;

/** What `hub quote` prints for a case: the keys of the case's `expect`. */
export type CaseOutcome =
  | {
      readonly name: string;
      readonly category: AssistanceCategory | null;
      readonly assistance: string;
      readonly tilt: string;
      readonly outOfPocket: string;
      readonly alert: boolean;
    }
  | { readonly name: string; readonly category: AssistanceCategory | null; readonly subsidy: string }
  | { readonly name: string; readonly error: 'PARAMETER_NOT_SET'; readonly message: string };

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function object(value: unknown, field: string, allowed: readonly string[] | null, what = 'field'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicyCaseError(field, `not an object: ${describe(value)}`);
  // Nested objects are strict so that a misspelt key cannot silently read as 0.00 or "not configured".
  const unknown = allowed && Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown) throw new PolicyCaseError(`${field}.${unknown}`, `unknown ${what} (expected one of ${allowed.join(', ')})`);
  return value as Json;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PolicyCaseError(field, `not a non-empty string: ${describe(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new PolicyCaseError(field, `unknown ${what} ${describe(value)} (expected one of ${allowed.join(', ')})`);
  }
  return value as T;
}

function amount(value: unknown, field: string): Decimal {
  if (typeof value !== 'string' || !isAmount(value) || value.startsWith('-')) {
    throw new PolicyCaseError(field, `not an amount (a string of digits with at most two decimals, e.g. "1200.00"): ${describe(value)}`);
  }
  return new Money(value);
}

function date(value: unknown, field: string): IsoDate {
  if (typeof value !== 'string' || !isIsoDate(value)) throw new PolicyCaseError(field, `not a date YYYY-MM-DD: ${describe(value)}`);
  return value;
}

function byCategory(
  value: unknown,
  field: string,
  parse: (v: unknown, f: string) => Decimal,
): Partial<Record<AssistanceCategory, Decimal>> {
  const entries = Object.entries(object(value, field, ASSISTANCE_CATEGORIES, 'category'));
  return Object.fromEntries(entries.map(([category, v]) => [category, parse(v, `${field}.${category}`)]));
}

function ratio(value: unknown, field: string): Decimal {
  if (typeof value !== 'string' || !/^(0(\.\d+)?|1(\.0+)?)$/.test(value))
    throw new PolicyCaseError(field, `not a ratio between "0" and "1": ${describe(value)}`);
  return new Money(value);
}

function outpatientRatios(value: unknown): NonNullable<RegionConfig['outpatientRatios']> {
  const types = VISIT_TYPES.filter((type) => type !== 'INPATIENT');
  const raw = object(value, 'config.outpatientRatios', types, 'outpatient visit type');
  return Object.fromEntries(
    Object.entries(raw).map(([type, byType]) => [type, byCategory(byType, `config.outpatientRatios.${type}`, ratio)]),
  );
}

function tilt(value: unknown): NonNullable<RegionConfig['tilt']> {
  const raw = object(value, 'config.tilt', ['threshold', 'ratio']);
  return { threshold: amount(raw.threshold, 'config.tilt.threshold'), ratio: ratio(raw.ratio, 'config.tilt.ratio') };
}

/**
 * Reads a region configuration in the JSON form of policy cases (amounts and
 * ratios as decimal strings, keyed by category), as stored in `region_config`.
 */
export function parseRegionConfig(value: unknown): RegionConfig {
  if (value === undefined) return {};
  const raw = object(value, 'config', [
    'income',
    'thresholds',
    'caps',
    'ratios',
    'outpatientRatios',
    'subsidies',
    'tilt',
    'monitoringThreshold',
  ]);
  return {
    ...(raw.income !== undefined && { income: amount(raw.income, 'config.income') }),
    ...(raw.thresholds !== undefined && { thresholds: byCategory(raw.thresholds, 'config.thresholds', amount) }),
    ...(raw.caps !== undefined && { caps: byCategory(raw.caps, 'config.caps', amount) }),
    ...(raw.ratios !== undefined && { ratios: byCategory(raw.ratios, 'config.ratios', ratio) }),
    ...(raw.outpatientRatios !== undefined && { outpatientRatios: outpatientRatios(raw.outpatientRatios) }),
    ...(raw.tilt !== undefined && { tilt: tilt(raw.tilt) }),
    ...(raw.subsidies !== undefined && { subsidies: byCategory(raw.subsidies, 'config.subsidies', amount) }),
    ...(raw.monitoringThreshold !== undefined && { monitoringThreshold: amount(raw.monitoringThreshold, 'config.monitoringThreshold') }),
  };
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new PolicyCaseError(field, `not true or false: ${describe(value)}`);
  return value;
}

function category(value: unknown, field: string): CaseCategory {
  const raw = object(value, field, ['category', 'class', 'validFrom', 'retroactive', 'applicationApproved']);
  const code = oneOf(raw.category, `${field}.category`, ASSISTANCE_CATEGORIES, 'category');
  const dates = {
    ...(raw.validFrom !== undefined && { validFrom: date(raw.validFrom, `${field}.validFrom`) }),
    ...(raw.retroactive !== undefined && { retroactive: flag(raw.retroactive, `${field}.retroactive`, false) }),
    applicationApproved: flag(raw.applicationApproved, `${field}.applicationApproved`, true),
  };
  if (raw.class === undefined || raw.class === null) return { category: code, ...dates };
  if (code !== 'MINIMUM_LIVING') throw new PolicyCaseError(`${field}.class`, 'only MINIMUM_LIVING has a class');
  if (typeof raw.class !== 'number' || !Number.isInteger(raw.class) || raw.class < 1 || raw.class > 4) {
    throw new PolicyCaseError(`${field}.class`, `not a class 1–4: ${describe(raw.class)}`);
  }
  return { category: code, class: raw.class, ...dates };
}

/**
 * The categories of a case active on `date` under the rule set: one without `validFrom` is active, one with it
 * counts as a certification from that day (with the rule set's timing and retroactive rules).
 */
export function caseCategoriesOn(categories: readonly CaseCategory[], date: IsoDate, ruleSet: ResolvedRuleSet): ActiveCategory[] {
  return categories.flatMap((held): ActiveCategory[] => {
    const active: ActiveCategory = { category: held.category, class: held.class ?? null, retroactive: false };
    if (held.validFrom === undefined) return [active];
    const record = {
      category: held.category,
      class: held.class ?? null,
      validFrom: held.validFrom,
      retroactive: held.retroactive ?? false,
    };
    return activeCategoriesOn([record], date, ruleSet);
  });
}

function person(value: unknown): CasePerson {
  const raw = object(value, 'person', ['birthDate', 'residence', 'categories']);
  if (!Array.isArray(raw.categories)) throw new PolicyCaseError('person.categories', `not a list: ${describe(raw.categories)}`);
  return {
    birthDate: date(raw.birthDate, 'person.birthDate'),
    residence: oneOf(raw.residence, 'person.residence', RESIDENCES, 'residence'),
    categories: raw.categories.map((entry, index) => category(entry, `person.categories[${index}]`)),
  };
}

function ytd(value: unknown): Accumulators {
  const keys = ['assistancePaid', 'thresholdUsed', 'inPolicyOopAfterThreeTiers', 'outOfPocket'] as const;
  const raw = value === undefined ? {} : object(value, 'ytd', keys);
  const read = (key: (typeof keys)[number]) => (raw[key] === undefined ? ZERO : amount(raw[key], `ytd.${key}`));
  return {
    assistancePaid: read('assistancePaid'),
    thresholdUsed: read('thresholdUsed'),
    inPolicyOopAfterThreeTiers: read('inPolicyOopAfterThreeTiers'),
    outOfPocket: read('outOfPocket'),
  };
}

function visit(value: unknown): Visit {
  const raw = object(value, 'visit', [
    'type',
    'referral',
    'inProvince',
    'providerFeeClass',
    'diagnosis',
    'totalCost',
    'inPolicyCost',
    'basicPaid',
    'criticalPaid',
    'otherPaid',
  ]);
  if (typeof raw.inProvince !== 'boolean') throw new PolicyCaseError('visit.inProvince', `not true or false: ${describe(raw.inProvince)}`);
  const diagnosis = text(raw.diagnosis, 'visit.diagnosis');
  if (!/^[A-Za-z]\d\d/.test(diagnosis)) throw new PolicyCaseError('visit.diagnosis', `not an ICD-10 code: ${describe(diagnosis)}`);
  return {
    type: oneOf(raw.type, 'visit.type', VISIT_TYPES, 'visit type'),
    referral: oneOf(raw.referral, 'visit.referral', REFERRALS, 'referral'),
    inProvince: raw.inProvince,
    providerFeeClass:
      raw.providerFeeClass === undefined ? null : oneOf(raw.providerFeeClass, 'visit.providerFeeClass', PROVIDER_FEE_CLASSES, 'fee class'),
    diagnosis,
    totalCost: amount(raw.totalCost, 'visit.totalCost'),
    inPolicyCost: amount(raw.inPolicyCost, 'visit.inPolicyCost'),
    basicPaid: amount(raw.basicPaid, 'visit.basicPaid'),
    criticalPaid: amount(raw.criticalPaid, 'visit.criticalPaid'),
    otherPaid: amount(raw.otherPaid, 'visit.otherPaid'),
  };
}

/**
 * Validates a policy case object (`policy-cases/README.md`). Top-level keys
 * other than the format's (e.g. `note`, `expect`) are ignored; nested objects
 * are strict. Throws `PolicyCaseError` naming the field at fault.
 */
export function parsePolicyCase(value: unknown): PolicyCase {
  const raw = object(value, 'case', null);
  const name = text(raw.name, 'name');
  const kind = oneOf(raw.kind, 'kind', ['settlement', 'subsidy'] as const, 'kind');
  if (!isRuleSetId(raw.ruleSet))
    throw new PolicyCaseError('ruleSet', `unknown rule set ${describe(raw.ruleSet)} (expected one of ${RULE_SET_IDS.join(', ')})`);
  const common = { name, ruleSet: raw.ruleSet, person: person(raw.person), config: parseRegionConfig(raw.config) };
  if (kind === 'subsidy') {
    if (typeof raw.year !== 'number' || !Number.isInteger(raw.year) || raw.year < 1900 || raw.year > 9999) {
      throw new PolicyCaseError('year', `not a year: ${describe(raw.year)}`);
    }
    return { kind, ...common, year: raw.year, personalContribution: amount(raw.personalContribution, 'personalContribution') };
  }
  return { kind, ...common, serviceDate: date(raw.serviceDate, 'serviceDate'), ytd: ytd(raw.ytd), visit: visit(raw.visit) };
}

/** A case's applications: tracked, one approved for each category whose `applicationApproved` is true (the default). */
export function caseApplications(policyCase: PolicyCase): Applications {
  const approved = policyCase.person.categories.filter((held) => held.applicationApproved);
  return {
    tracked: true,
    approved: Object.fromEntries(approved.map((held) => [held.category, { reference: `case ${policyCase.name}` }])),
  };
}

function evaluateParsed(policyCase: PolicyCase): CaseOutcome {
  const ruleSet = resolveRuleSet(policyCase.ruleSet, policyCase.config);
  const { name, person: who } = policyCase;
  if (policyCase.kind === 'subsidy') {
    const quote = quoteSubsidy({
      ruleSet,
      year: policyCase.year,
      personalContribution: policyCase.personalContribution,
      categories: who.categories,
    });
    return { name, category: quote.category, subsidy: formatMoney(quote.subsidy) };
  }
  const { serviceDate, ytd: before, visit: claim } = policyCase;
  const categories = caseCategoriesOn(who.categories, serviceDate, ruleSet);
  const result = settle({
    ruleSet,
    serviceDate,
    birthDate: who.birthDate,
    categories,
    applications: caseApplications(policyCase),
    ytd: before,
    visit: claim,
  });
  const alerts = alertsForSettlement(ruleSet, { residence: who.residence, categories }, claim, before, result);
  return {
    name,
    category: result.category,
    assistance: formatMoney(result.assistance),
    tilt: formatMoney(result.tilt),
    outOfPocket: formatMoney(result.outOfPocket),
    alert: alerts.length > 0,
  };
}

/**
 * Evaluates a policy case object as `hub quote` does. A parameter the rule
 * set and configuration leave unset is an outcome (`error: PARAMETER_NOT_SET`);
 * an invalid case throws `PolicyCaseError`.
 */
export function evaluateCase(value: unknown): CaseOutcome {
  const policyCase = parsePolicyCase(value);
  try {
    return evaluateParsed(policyCase);
  } catch (error) {
    if (error instanceof ParameterNotSetError) return { name: policyCase.name, error: error.code, message: error.message };
    if (error instanceof PolicyInputError) throw new PolicyCaseError(error.field, error.reason);
    throw error;
  }
}
