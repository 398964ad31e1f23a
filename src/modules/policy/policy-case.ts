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
import { householdResidual, type PartnerPayment, type ResidualMember, type ResidualVisit } from './residual.engine.js';
import { activeCategoriesOn, settle, type StatusRecord } from './settlement.engine.js';
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

/** A visit of a residual case: a claim settled in date order under the case's rule set. */
export interface ResidualCaseVisit extends Visit {
  readonly claimId: string;
  readonly serviceDate: IsoDate;
}

/** A member of a residual case's household. */
export interface ResidualCaseMember {
  /** The member's name within the case, e.g. `head`. */
  readonly person: string;
  readonly birthDate: IsoDate;
  readonly residence: Residence;
  readonly categories: readonly CaseCategory[];
  readonly visits: readonly ResidualCaseVisit[];
  readonly payments: readonly PartnerPayment[];
}

/** A validated residual case (jiaxing-2023 二(二)12 动态清零; test/fixtures/hub-policy-cases/README.md). */
export interface ResidualCase {
  readonly kind: 'residual';
  readonly name: string;
  readonly ruleSet: RuleSetId;
  readonly year: number;
  readonly members: readonly ResidualCaseMember[];
  readonly config: RegionConfig;
}

/** What `hub quote` prints for a residual case. */
export interface ResidualOutcome {
  readonly name: string;
  readonly persons: readonly {
    readonly person: string;
    readonly outOfPocket: string;
    readonly partnerPaid: string;
    readonly residual: string;
    readonly excess: string;
  }[];
  readonly residual: string;
  readonly excess: string;
  readonly fundCovers: string;
}

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
  | { readonly name: string; readonly error: 'PARAMETER_NOT_SET'; readonly message: string }
  | ResidualOutcome;

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

function year(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1900 || value > 9999) {
    throw new PolicyCaseError('year', `not a year: ${describe(value)}`);
  }
  return value;
}

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new PolicyCaseError(field, `not a list: ${describe(value)}`);
  return value;
}

function payment(value: unknown, field: string): PartnerPayment {
  const raw = object(value, field, ['kind', 'amount', 'paidOn', 'claimId']);
  return {
    kind: oneOf(raw.kind, `${field}.kind`, ['CHARITY', 'COMMERCIAL'] as const, 'payment kind'),
    amount: amount(raw.amount, `${field}.amount`),
    paidOn: date(raw.paidOn, `${field}.paidOn`),
    claimId: raw.claimId === undefined || raw.claimId === null ? null : text(raw.claimId, `${field}.claimId`),
  };
}

function member(value: unknown, field: string): ResidualCaseMember {
  const raw = object(value, field, ['person', 'birthDate', 'residence', 'categories', 'visits', 'payments']);
  return {
    person: text(raw.person, `${field}.person`),
    birthDate: date(raw.birthDate, `${field}.birthDate`),
    residence: oneOf(raw.residence, `${field}.residence`, RESIDENCES, 'residence'),
    categories: list(raw.categories, `${field}.categories`).map((entry, index) => category(entry, `${field}.categories[${index}]`)),
    visits: list(raw.visits, `${field}.visits`).map((entry, index) => {
      const where = `${field}.visits[${index}]`;
      const { claimId, serviceDate, ...rest } = object(entry, where, null);
      return {
        ...visit(rest, where),
        claimId: text(claimId, `${where}.claimId`),
        serviceDate: date(serviceDate, `${where}.serviceDate`),
      };
    }),
    payments:
      raw.payments === undefined
        ? []
        : list(raw.payments, `${field}.payments`).map((entry, index) => payment(entry, `${field}.payments[${index}]`)),
  };
}

/** Validates a residual case (test/fixtures/hub-policy-cases/README.md); throws `PolicyCaseError` naming the field at fault. */
export function parseResidualCase(value: unknown): ResidualCase {
  const raw = object(value, 'case', null);
  const name = text(raw.name, 'name');
  oneOf(raw.kind, 'kind', ['residual'] as const, 'kind');
  if (!isRuleSetId(raw.ruleSet))
    throw new PolicyCaseError('ruleSet', `unknown rule set ${describe(raw.ruleSet)} (expected one of ${RULE_SET_IDS.join(', ')})`);
  const members = list(raw.members, 'members').map((entry, index) => member(entry, `members[${index}]`));
  if (members.length === 0) throw new PolicyCaseError('members', 'a household has at least one member');
  const names = members.map((m) => m.person);
  const twice = names.find((who, index) => names.indexOf(who) !== index);
  if (twice) throw new PolicyCaseError('members', `${JSON.stringify(twice)} is listed twice`);
  const claims = members.flatMap((m) => m.visits.map((v) => v.claimId));
  const reused = claims.find((claim, index) => claims.indexOf(claim) !== index);
  if (reused) throw new PolicyCaseError('members', `claim ${JSON.stringify(reused)} is listed twice`);
  return { kind: 'residual', name, ruleSet: raw.ruleSet, year: year(raw.year), members, config: parseRegionConfig(raw.config) };
}

/**
 * The certifications of a residual case's member: from a category's `validFrom`, else from the start of the year
 * before the case's year (certified well before it).
 */
export function memberStatuses(held: readonly CaseCategory[], caseYear: number): StatusRecord[] {
  return held.map((c) => ({
    category: c.category,
    class: c.class ?? null,
    validFrom: c.validFrom ?? `${caseYear - 1}-01-01`,
    retroactive: c.retroactive ?? false,
  }));
}

function evaluateResidual(policyCase: ResidualCase): ResidualOutcome {
  const ruleSet = resolveRuleSet(policyCase.ruleSet, policyCase.config);
  const members: ResidualMember[] = policyCase.members.map((who) => {
    const statuses = memberStatuses(who.categories, policyCase.year);
    const applications: Applications = {
      tracked: true,
      approved: Object.fromEntries(
        who.categories.filter((held) => held.applicationApproved).map((held) => [held.category, { reference: `case ${policyCase.name}` }]),
      ),
    };
    let accumulators: Accumulators = { assistancePaid: ZERO, thresholdUsed: ZERO, inPolicyOopAfterThreeTiers: ZERO, outOfPocket: ZERO };
    const ordered = [...who.visits].sort((a, b) => a.serviceDate.localeCompare(b.serviceDate) || a.claimId.localeCompare(b.claimId));
    const visits: ResidualVisit[] = ordered.map(({ claimId, serviceDate, ...claim }) => {
      const categories = activeCategoriesOn(statuses, serviceDate, ruleSet);
      const result = settle({ ruleSet, serviceDate, birthDate: who.birthDate, categories, applications, ytd: accumulators, visit: claim });
      accumulators = result.ytd;
      return { claimId, serviceDate, referral: claim.referral, ruleSet: ruleSet.id, outOfPocket: result.outOfPocket };
    });
    return { personId: who.person, statuses, visits, payments: who.payments };
  });
  const household = householdResidual(members, policyCase.year);
  return {
    name: policyCase.name,
    persons: household.members.map((person) => ({
      person: person.personId,
      outOfPocket: formatMoney(person.outOfPocket),
      partnerPaid: formatMoney(person.partnerPaid),
      residual: formatMoney(person.residual),
      excess: formatMoney(person.excess),
    })),
    residual: formatMoney(household.residual),
    excess: formatMoney(household.excess),
    fundCovers: formatMoney(household.fundCovers),
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

function visit(value: unknown, field = 'visit'): Visit {
  const raw = object(value, field, [
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
  if (typeof raw.inProvince !== 'boolean')
    throw new PolicyCaseError(`${field}.inProvince`, `not true or false: ${describe(raw.inProvince)}`);
  const diagnosis = text(raw.diagnosis, `${field}.diagnosis`);
  if (!/^[A-Za-z]\d\d/.test(diagnosis)) throw new PolicyCaseError(`${field}.diagnosis`, `not an ICD-10 code: ${describe(diagnosis)}`);
  return {
    type: oneOf(raw.type, `${field}.type`, VISIT_TYPES, 'visit type'),
    referral: oneOf(raw.referral, `${field}.referral`, REFERRALS, 'referral'),
    inProvince: raw.inProvince,
    providerFeeClass:
      raw.providerFeeClass === undefined
        ? null
        : oneOf(raw.providerFeeClass, `${field}.providerFeeClass`, PROVIDER_FEE_CLASSES, 'fee class'),
    diagnosis,
    totalCost: amount(raw.totalCost, `${field}.totalCost`),
    inPolicyCost: amount(raw.inPolicyCost, `${field}.inPolicyCost`),
    basicPaid: amount(raw.basicPaid, `${field}.basicPaid`),
    criticalPaid: amount(raw.criticalPaid, `${field}.criticalPaid`),
    otherPaid: amount(raw.otherPaid, `${field}.otherPaid`),
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

function isResidual(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Json).kind === 'residual';
}

/**
 * Evaluates a policy case object as `hub quote` does. A parameter the rule
 * set and configuration leave unset is an outcome (`error: PARAMETER_NOT_SET`);
 * an invalid case throws `PolicyCaseError`.
 */
export function evaluateCase(value: unknown): CaseOutcome {
  const policyCase = isResidual(value) ? parseResidualCase(value) : parsePolicyCase(value);
  try {
    return policyCase.kind === 'residual' ? evaluateResidual(policyCase) : evaluateParsed(policyCase);
  } catch (error) {
    if (error instanceof ParameterNotSetError) return { name: policyCase.name, error: error.code, message: error.message };
    if (error instanceof PolicyInputError) throw new PolicyCaseError(error.field, error.reason);
    throw error;
  }
}
