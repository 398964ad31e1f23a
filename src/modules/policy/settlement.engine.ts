import type { Decimal } from 'decimal.js';
import { formatMoney, maxMoney, minMoney, Money, roundFen, ZERO } from '../../shared/money.js';
import { formatDate } from '../../shared/dates.js';
import { addMonths, ageOn, toIsoDate } from './policy.dates.js';
import { PolicyInputError } from './policy.errors.js';
import {
  ASSISTANCE_CATEGORIES,
  type Accumulators,
  type ActiveCategory,
  type Applications,
  type AssistanceCategory,
  type ExplanationStep,
  type IsoDate,
  type Visit,
} from './policy.types.js';
import { assertInForce, assistanceTerms, coverageFor, isAssisted, type AssistanceTerms, type ResolvedRuleSet } from './rule-set.resolve.js';

/** A certification as stored (domain.md §3); dates as `YYYY-MM-DD` or as the `Date`s Prisma returns. */
export interface StatusRecord {
  readonly category: AssistanceCategory;
  readonly class?: number | null;
  readonly validFrom: Date | IsoDate;
  /** Null while the certification is current. */
  readonly validTo?: Date | IsoDate | null;
  /** End of the 渐退期: assistance continues until then (jiaxing-2023 二(二)6). */
  readonly transitionUntil?: Date | IsoDate | null;
  /** The certification stops counting from the calendar day of its revocation. */
  readonly revokedAt?: Date | IsoDate | null;
  /** Certified because of illness spending, with the retroactive window of the rule set. */
  readonly retroactive?: boolean;
}

/** A visit as the hub stores and receives it: the claim's columns, named as in the API. */
export interface VisitColumns {
  readonly visitType: Visit['type'];
  readonly referral: Visit['referral'];
  readonly inProvince: boolean;
  readonly providerFeeClass?: Visit['providerFeeClass'];
  readonly diagnosis: string | null;
  readonly totalCost: Decimal;
  readonly inPolicyCost: Decimal;
  readonly basicPaid: Decimal;
  readonly criticalPaid: Decimal;
  /** Absent in a claim that reports no other insurance. */
  readonly otherPaid?: Decimal | null;
}

/** The engine's visit of a claim or stored record. */
export function visitOf(columns: VisitColumns): Visit {
  return {
    type: columns.visitType,
    referral: columns.referral,
    inProvince: columns.inProvince,
    providerFeeClass: columns.providerFeeClass ?? null,
    diagnosis: columns.diagnosis ?? '',
    totalCost: columns.totalCost,
    inPolicyCost: columns.inPolicyCost,
    basicPaid: columns.basicPaid,
    criticalPaid: columns.criticalPaid,
    otherPaid: columns.otherPaid ?? ZERO,
  };
}

/** Everything the settlement of one visit needs (domain.md §5.2 input). */
export interface SettlementInput {
  readonly ruleSet: ResolvedRuleSet;
  readonly serviceDate: IsoDate;
  readonly birthDate: IsoDate;
  /** Categories active on the service date, e.g. from `activeCategoriesOn`. */
  readonly categories: readonly ActiveCategory[];
  /** The approved applications covering the service date, for the categories assisted only on application. */
  readonly applications: Applications;
  /** The person's accumulators for the calendar year before this visit. */
  readonly ytd: Accumulators;
  readonly visit: Visit;
}

/** The outcome of settling one visit (domain.md §5.2 steps 1–12). */
export interface SettlementResult {
  readonly ruleSet: ResolvedRuleSet['id'];
  readonly ruleSetVersion: number;
  /** The category whose rule produced the assistance; null when none did (also for jiaxing's children rule without a category). */
  readonly category: AssistanceCategory | null;
  readonly class: number | null;
  readonly base: Decimal;
  readonly thresholdApplied: Decimal;
  readonly assistance: Decimal;
  readonly tilt: Decimal;
  /** Out-of-catalog cost above the provider's limit, borne by the provider (shanxi-2022). */
  readonly providerBorne: Decimal;
  readonly outOfPocket: Decimal;
  /** The accumulators after this visit. */
  readonly ytd: Accumulators;
  readonly explanation: readonly ExplanationStep[];
}

const OUT_OF_POCKET_CITATION = 'domain.md §5.2 step 10 (个人自付 after every payer)';
const ROUNDING_CITATION = 'domain.md §5.2 step 8 (round half up to the fen)';

function categoryOrder(category: AssistanceCategory): number {
  return ASSISTANCE_CATEGORIES.indexOf(category);
}

/**
 * The categories a person holds on `date` under `ruleSet`: begun, not ended
 * (a transition period extends the end), not revoked by that day. A status
 * flagged retroactive also counts during the rule set's retroactive window
 * before its valid-from date, for the categories that rule names.
 */
export function activeCategoriesOn(statuses: readonly StatusRecord[], date: IsoDate, ruleSet: ResolvedRuleSet): ActiveCategory[] {
  const day = toIsoDate(date, 'date');
  const found = new Map<string, ActiveCategory>();
  statuses.forEach((status, index) => {
    const field = `statuses[${index}]`;
    const from = toIsoDate(status.validFrom, `${field}.validFrom`);
    const to = status.validTo ? toIsoDate(status.validTo, `${field}.validTo`) : null;
    const transition = status.transitionUntil ? toIsoDate(status.transitionUntil, `${field}.transitionUntil`) : null;
    const revoked = status.revokedAt ? toIsoDate(status.revokedAt, `${field}.revokedAt`) : null;
    const end = to === null ? null : transition !== null && transition > to ? transition : to;
    if ((end !== null && day > end) || (revoked !== null && day >= revoked)) return;
    const window = ruleSet.retroactive;
    const inWindow = status.retroactive === true && window !== null && window.categories.includes(status.category);
    let retroactive = false;
    if (day < from) {
      if (!inWindow || day < addMonths(from, -window.months)) return;
      retroactive = true;
    } else if (ruleSet.timing && day < firstOfNextMonth(from) && !heldBefore(statuses, status, from)) {
      // A new certification counts from the next month (jiaxing-2023 二(二)6), unless the retroactive rule applies.
      if (!inWindow) return;
    }
    const active: ActiveCategory = { category: status.category, class: status.class ?? null, retroactive };
    const key = `${active.category}/${active.class}`;
    if (!found.get(key) || found.get(key)?.retroactive) found.set(key, active);
  });
  return [...found.values()].sort((a, b) => categoryOrder(a.category) - categoryOrder(b.category) || (a.class ?? 0) - (b.class ?? 0));
}

/** The first day of the month after `date`. */
function firstOfNextMonth(date: IsoDate): IsoDate {
  return `${addMonths(date, 1).slice(0, 8)}01`;
}

/**
 * True when another certification of the same category was in force the day before `from`: a renewal continues
 * the assistance, only a new certification waits for the next month.
 */
function heldBefore(statuses: readonly StatusRecord[], status: StatusRecord, from: IsoDate): boolean {
  const dayBefore = formatDate(new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000));
  return statuses.some((other) => {
    if (other === status || other.category !== status.category) return false;
    const otherFrom = toIsoDate(other.validFrom, 'validFrom');
    const otherTo = other.validTo ? toIsoDate(other.validTo, 'validTo') : null;
    const revoked = other.revokedAt ? toIsoDate(other.revokedAt, 'revokedAt') : null;
    return otherFrom <= dayBefore && (otherTo === null || otherTo >= dayBefore) && (revoked === null || revoked > dayBefore);
  });
}

function explain(step: string, amount: Decimal | null, detail: string, citation: string): ExplanationStep {
  return { step, amount: amount === null ? null : formatMoney(amount), detail, citation };
}

const fen = (value: Decimal): string => value.toFixed(2);

function checkAmount(value: Decimal, field: string): void {
  if (value.isNegative() || value.decimalPlaces() > 2)
    throw new PolicyInputError(field, `must be an amount ≥ 0 with at most two decimals, got ${value.toString()}`);
}

function checkInput({ ruleSet, serviceDate, birthDate, ytd, visit }: SettlementInput): void {
  toIsoDate(serviceDate, 'serviceDate');
  assertInForce(ruleSet, serviceDate, 'serviceDate');
  if (toIsoDate(birthDate, 'person.birthDate') > serviceDate) throw new PolicyInputError('person.birthDate', 'is after the service date');
  for (const key of ['totalCost', 'inPolicyCost', 'basicPaid', 'criticalPaid', 'otherPaid'] as const)
    checkAmount(visit[key], `visit.${key}`);
  for (const key of ['assistancePaid', 'thresholdUsed', 'inPolicyOopAfterThreeTiers', 'outOfPocket'] as const)
    checkAmount(ytd[key], `ytd.${key}`);
  if (visit.inPolicyCost.greaterThan(visit.totalCost)) throw new PolicyInputError('visit.inPolicyCost', 'exceeds the total cost');
  if (visit.basicPaid.plus(visit.criticalPaid).plus(visit.otherPaid).greaterThan(visit.totalCost)) {
    // Named by the first of the payments: the client corrects one of them (or the total), and the reason names all.
    throw new PolicyInputError('visit.basicPaid', 'basic, critical and other insurance together pay more than the total cost');
  }
}

function inRanges(diagnosis: string, ranges: readonly (readonly [string, string])[]): boolean {
  const code = diagnosis.trim().toUpperCase().slice(0, 3);
  return /^[A-Z]\d\d$/.test(code) && ranges.some(([from, to]) => from <= code && code <= to);
}

/** The terms a candidate is computed with; category null for jiaxing's children rule without a category. */
type CandidateTerms = Omit<AssistanceTerms, 'category'> & { readonly category: AssistanceCategory | null };

interface Candidate {
  readonly terms: CandidateTerms;
  readonly ratio: Decimal;
  readonly ratioCitation: string;
  readonly remainingThreshold: Decimal;
  readonly applied: Decimal;
  readonly eligible: Decimal;
  readonly proportional: Decimal;
  readonly toppedUp: { readonly raw: Decimal; readonly citation: string } | null;
  readonly remainingCap: Decimal;
  readonly assistance: Decimal;
}

/** Steps 4–8 for one candidate. */
function candidate(input: SettlementInput, terms: CandidateTerms, base: Decimal, childRatio: Decimal | null): Candidate {
  const { ruleSet, ytd, visit } = input;
  const remainingThreshold = maxMoney(ZERO, terms.threshold.minus(ytd.thresholdUsed));
  const applied = minMoney(base, remainingThreshold);
  const eligible = base.minus(applied);
  const useChild = childRatio !== null && childRatio.greaterThan(terms.ratio);
  const ratio = useChild ? childRatio : terms.ratio;
  const ratioCitation = useChild ? ruleSet.child!.citation : terms.citations.ratio;
  const proportional = eligible.times(ratio);
  const topUp = ruleSet.topUps.find(
    (rule) =>
      terms.category !== null &&
      rule.categories.includes(terms.category) &&
      rule.visitTypes.includes(visit.type) &&
      (!rule.inProvinceOnly || visit.inProvince),
  );
  const toppedUpRaw = topUp
    ? maxMoney(proportional, minMoney(base, visit.inPolicyCost.times(topUp.target).minus(visit.basicPaid).minus(visit.criticalPaid)))
    : proportional;
  const remainingCap = maxMoney(ZERO, terms.cap.minus(ytd.assistancePaid));
  return {
    terms,
    ratio,
    ratioCitation,
    remainingThreshold,
    applied,
    eligible,
    proportional,
    toppedUp: topUp ? { raw: toppedUpRaw, citation: topUp.citation } : null,
    remainingCap,
    assistance: roundFen(minMoney(toppedUpRaw, remainingCap)),
  };
}

function label(terms: CandidateTerms): string {
  if (terms.category === null) return 'children rule (no category)';
  return terms.class === null ? terms.category : `${terms.category} class ${terms.class}`;
}

function candidateSteps(chosen: Candidate, all: readonly Candidate[], ruleSet: ResolvedRuleSet): ExplanationStep[] {
  const { terms } = chosen;
  const steps: ExplanationStep[] = [];
  if (all.length > 1) {
    for (const other of all) steps.push(explain('candidate', other.assistance, label(other.terms), other.ratioCitation));
  }
  const used = terms.threshold.minus(chosen.remainingThreshold);
  steps.push(
    explain(
      'threshold',
      chosen.applied,
      `${label(terms)}: threshold ${fen(terms.threshold)}, ${fen(used)} used this year, ${fen(chosen.applied)} applied`,
      terms.citations.threshold,
    ),
    explain('ratio', chosen.proportional, `${fen(chosen.eligible)} × ${chosen.ratio.toString()}`, chosen.ratioCitation),
  );
  if (chosen.toppedUp)
    steps.push(
      explain(
        'top-up',
        chosen.toppedUp.raw,
        `raised to the larger of the proportional amount and the gap to the target`,
        chosen.toppedUp.citation,
      ),
    );
  steps.push(
    explain(
      'cap',
      chosen.remainingCap,
      `annual cap ${fen(terms.cap)}, ${fen(terms.cap.minus(chosen.remainingCap))} paid this year`,
      terms.citations.cap,
    ),
    explain(
      'assistance',
      chosen.assistance,
      all.length > 1
        ? `${label(terms)}, the highest of ${all.length} candidates, within the cap, rounded half up`
        : 'within the cap, rounded half up',
      all.length > 1 ? ruleSet.highestApplies : ROUNDING_CITATION,
    ),
  );
  return steps;
}

/**
 * The categories that may be candidates: on the rule set's list, and assisted directly or within an approved
 * application covering the date (domain.md §3), with a step for each category the application rule decides.
 */
export function assistanceObjects(
  ruleSet: ResolvedRuleSet,
  categories: readonly ActiveCategory[],
  applications: Applications,
  serviceDate: IsoDate,
): { objects: ActiveCategory[]; steps: ExplanationStep[] } {
  const steps: ExplanationStep[] = [];
  const objects = categories.filter((active) => {
    if (!isAssisted(ruleSet, active.category)) return false;
    if (ruleSet.direct.categories.includes(active.category)) return true;
    const { category } = active;
    if (!applications.tracked) {
      const detail = `${category} is assisted on application (依申请); ${applications.reason}: its certification stands for the application`;
      steps.push(explain('application', null, detail, ruleSet.direct.citation));
      return true;
    }
    const approved = applications.approved[category];
    const detail = approved
      ? `${category} is assisted on application (依申请): approved application ${approved.reference} covers ${serviceDate}`
      : `${category} is assisted on application (依申请) and no approved application covers ${serviceDate}: no assistance in this category`;
    steps.push(explain('application', null, detail, ruleSet.direct.citation));
    return approved !== undefined;
  });
  return { objects, steps };
}

/** Steps 3–8: every candidate, the best one (ties by the order of domain.md §3), or none. */
function chooseAssistance(input: SettlementInput, base: Decimal): { chosen: Candidate | null; steps: ExplanationStep[] } {
  const { ruleSet, visit, serviceDate, birthDate } = input;
  const child = ruleSet.child;
  const childRatio =
    child && ageOn(birthDate, serviceDate) <= child.maxAge && inRanges(visit.diagnosis, child.diagnoses) ? new Money(child.ratio) : null;
  const ordered = [...input.categories].sort((a, b) => categoryOrder(a.category) - categoryOrder(b.category));
  const { objects, steps: applicationSteps } = assistanceObjects(ruleSet, ordered, input.applications, serviceDate);
  // Every category's terms are resolved before any is compared: one unset parameter makes the best unknowable.
  const terms: CandidateTerms[] = objects.flatMap((active) => assistanceTerms(ruleSet, active, visit.type) ?? []);
  if (ordered.length === 0 && child && childRatio) {
    const { threshold, cap } = child.withoutCategory;
    terms.push({
      category: null,
      class: null,
      threshold: new Money(threshold),
      ratio: childRatio,
      cap: new Money(cap),
      citations: { threshold: child.citation, ratio: child.citation, cap: child.citation },
    });
  }
  const all = terms.map((t) => candidate(input, t, base, childRatio));
  const chosen = all.reduce<Candidate | null>(
    (best, next) => (best === null || next.assistance.greaterThan(best.assistance) ? next : best),
    null,
  );
  if (chosen) return { chosen, steps: [...applicationSteps, ...candidateSteps(chosen, all, ruleSet)] };
  const coverage = coverageFor(ruleSet, visit.type);
  const unlisted = ordered.filter((active) => !isAssisted(ruleSet, active.category)).map((active) => active.category);
  const reason: [string, string] =
    ordered.length === 0
      ? [`no category active on ${serviceDate}`, ruleSet.byCategory]
      : unlisted.length === ordered.length && ruleSet.assisted
        ? [`${unlisted.join(', ')}: not among the categories ${ruleSet.id} assists`, ruleSet.assisted.citation]
        : objects.length === 0
          ? [`no active category is assisted directly or within an approved application on ${serviceDate}`, ruleSet.direct.citation]
          : [`no active category is assisted for ${visit.type} under ${ruleSet.id}`, coverage?.citation ?? ruleSet.byCategory];
  return { chosen: null, steps: [...applicationSteps, explain('assistance', ZERO, reason[0], reason[1])] };
}

/**
 * Step 9: tilted assistance, for assistance objects treated locally or referred within the province. Its numbers
 * are gansu-2023's or the region's; where the rule set leaves them to the region and none are configured, none is
 * paid and the explanation says so.
 */
function tiltFor(input: SettlementInput, base: Decimal, assistance: Decimal): { tilt: Decimal; step: ExplanationStep } {
  const { ruleSet, visit, ytd } = input;
  const rule = ruleSet.tilt;
  if (rule.kind === 'notSet') {
    const detail = `${ruleSet.id} leaves tilted assistance to the region, which has not configured it: none paid`;
    return { tilt: ZERO, step: explain('tilt', ZERO, detail, rule.citation) };
  }
  const { objects } = assistanceObjects(ruleSet, input.categories, input.applications, input.serviceDate);
  const eligible = objects.length > 0 && (visit.referral === 'LOCAL' || (visit.referral === 'REFERRED' && visit.inProvince));
  if (!eligible) {
    return {
      tilt: ZERO,
      step: explain('tilt', ZERO, 'only assistance objects treated locally or referred within the province', rule.citation),
    };
  }
  const before = ytd.inPolicyOopAfterThreeTiers;
  const after = before.plus(base).minus(assistance);
  const overBefore = maxMoney(ZERO, before.minus(rule.above));
  const overAfter = maxMoney(ZERO, after.minus(rule.above));
  const tilt = roundFen(overAfter.minus(overBefore).times(rule.share));
  const detail = `yearly in-policy remainder ${fen(before)} → ${fen(after)}; ${rule.share.toString()} × the part above ${fen(rule.above)} added by this visit`;
  return { tilt, step: explain('tilt', tilt, detail, rule.citation) };
}

/** Out-of-catalog cost above the provider's limit is not the patient's (shanxi-2022). */
function providerBorneFor(input: SettlementInput, unpaid: Decimal): { borne: Decimal; step: ExplanationStep | null } {
  const { ruleSet, visit } = input;
  const rule = ruleSet.outOfCatalog;
  const applies =
    rule &&
    visit.providerFeeClass &&
    visit.inProvince &&
    rule.visitTypes.includes(visit.type) &&
    input.categories.some(({ category }) => rule.categories.includes(category));
  if (!applies) return { borne: ZERO, step: null };
  const limitShare = rule.limits[visit.providerFeeClass!];
  const outOfCatalog = visit.totalCost.minus(visit.inPolicyCost);
  // Never more than the patient would still pay: another insurer may have paid part of the out-of-catalog cost.
  const borne = minMoney(unpaid, roundFen(maxMoney(ZERO, outOfCatalog.minus(visit.totalCost.times(limitShare)))));
  if (borne.isZero()) return { borne, step: null };
  return {
    borne,
    step: explain(
      'provider-borne',
      borne,
      `out-of-catalog ${fen(outOfCatalog)} above ${limitShare} of the total ${fen(visit.totalCost)}`,
      rule.citation,
    ),
  };
}

/**
 * Settles one visit per domain.md §5.2: base, the best candidate among the
 * active categories (threshold, ratio, top-up, cap, rounding), gansu's tilt,
 * the out-of-pocket remainder and the advanced accumulators, with an
 * explanation citing the rule behind every amount. Throws
 * `ParameterNotSetError` when an active category the visit needs lacks a
 * parameter, `PolicyInputError` on inconsistent input.
 */
export function settle(input: SettlementInput): SettlementResult {
  checkInput(input);
  const { ruleSet, visit, ytd } = input;
  // Every rule set deducts every other payer: assistance never pays what another payer paid (domain.md §5.2 step 2).
  const base = maxMoney(ZERO, visit.inPolicyCost.minus(visit.basicPaid).minus(visit.criticalPaid).minus(visit.otherPaid));
  const unreferred = visit.referral === 'UNREFERRED';
  const steps: ExplanationStep[] = unreferred
    ? [explain('referral', ZERO, 'unreferred care: no assistance and no tilted assistance', ruleSet.unreferred)]
    : [];
  steps.push(
    explain(
      'base',
      base,
      `in-policy ${fen(visit.inPolicyCost)} − basic ${fen(visit.basicPaid)} − critical ${fen(visit.criticalPaid)} − other ${fen(visit.otherPaid)}, at least 0`,
      ruleSet.base.citation,
    ),
  );

  let chosen: Candidate | null = null;
  if (!unreferred) {
    const choice = chooseAssistance(input, base);
    chosen = choice.chosen;
    steps.push(...choice.steps);
  }
  const assistance = chosen?.assistance ?? ZERO;
  const applied = chosen?.applied ?? ZERO;

  const { tilt, step: tiltStep } = unreferred ? { tilt: ZERO, step: null } : tiltFor(input, base, assistance);
  if (tiltStep) steps.push(tiltStep);
  const unpaid = visit.totalCost.minus(visit.basicPaid).minus(visit.criticalPaid).minus(visit.otherPaid).minus(assistance).minus(tilt);
  const { borne, step: borneStep } = providerBorneFor(input, unpaid);
  if (borneStep) steps.push(borneStep);

  const outOfPocket = visit.totalCost
    .minus(visit.basicPaid)
    .minus(visit.criticalPaid)
    .minus(visit.otherPaid)
    .minus(assistance)
    .minus(tilt)
    .minus(borne);
  if (outOfPocket.isNegative()) {
    throw new PolicyInputError('visit.otherPaid', `the payments exceed the total cost by ${fen(outOfPocket.negated())}`);
  }
  steps.push(
    explain(
      'outOfPocket',
      outOfPocket,
      `total ${fen(visit.totalCost)} − basic − critical − other − assistance − tilt${borne.isZero() ? '' : ' − provider-borne'}`,
      OUT_OF_POCKET_CITATION,
    ),
  );

  return {
    ruleSet: ruleSet.id,
    ruleSetVersion: ruleSet.version,
    category: chosen?.terms.category ?? null,
    class: chosen?.terms.class ?? null,
    base,
    thresholdApplied: applied,
    assistance,
    tilt,
    providerBorne: borne,
    outOfPocket,
    ytd: {
      assistancePaid: ytd.assistancePaid.plus(assistance),
      thresholdUsed: ytd.thresholdUsed.plus(applied),
      // Unreferred costs are outside medical assistance ((十三)), so they do not feed the tilt's yearly sum either.
      inPolicyOopAfterThreeTiers: unreferred ? ytd.inPolicyOopAfterThreeTiers : ytd.inPolicyOopAfterThreeTiers.plus(base).minus(assistance),
      outOfPocket: ytd.outOfPocket.plus(outOfPocket),
    },
    explanation: steps,
  };
}
